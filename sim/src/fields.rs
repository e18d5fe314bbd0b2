//! Typed reads of a JSON request body, with 400 descriptions that name the
//! field the way Bandwidth's do (`Invalid to: ...`). Like production, unknown
//! fields are ignored and `null` counts as absent.

use serde_json::{Map, Value};

/// `Err` is the 400 description.
pub type Checked<T> = Result<T, String>;

pub struct Fields<'a> {
    obj: &'a Map<String, Value>,
    /// Prepended to field names in messages, e.g. `machineDetection.`.
    prefix: String,
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Fields<'a> {
        Fields {
            obj,
            prefix: String::new(),
        }
    }

    pub fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    /// The value, with `null` read as absent.
    fn get(&self, field: &str) -> Option<&'a Value> {
        self.obj.get(field).filter(|v| !v.is_null())
    }

    fn invalid(&self, field: &str, problem: &str) -> String {
        format!("Invalid {}: {problem}", self.name(field))
    }

    /// A nested object such as `machineDetection`.
    pub fn object(&self, field: &str) -> Checked<Option<Fields<'a>>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Object(obj)) => Ok(Some(Fields {
                obj,
                prefix: format!("{}.", self.name(field)),
            })),
            Some(_) => Err(self.invalid(field, "must be an object")),
        }
    }

    /// A string of at most `max` characters (Unicode scalar values).
    pub fn string(&self, field: &str, max: usize) -> Checked<Option<&'a str>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) if s.chars().count() > max => {
                Err(self.invalid(field, &format!("must be at most {max} characters")))
            }
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.invalid(field, "must be a string")),
        }
    }

    pub fn required(&self, field: &str, max: usize) -> Checked<&'a str> {
        match self.string(field, max)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(format!("{} is required", self.name(field))),
        }
    }

    pub fn boolean(&self, field: &str) -> Checked<Option<bool>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(field, "must be true or false")),
        }
    }

    /// A number (decimals allowed) in `min..=max`, as it was sent.
    pub fn number(&self, field: &str, min: f64, max: f64) -> Checked<Option<&'a Value>> {
        match self.get(field) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => match n.as_f64() {
                Some(x) if (min..=max).contains(&x) => Ok(Some(v)),
                _ => Err(self.invalid(field, &format!("must be between {min} and {max}"))),
            },
            Some(_) => Err(self.invalid(field, "must be a number")),
        }
    }

    /// A whole number in `min..=max`; `5.0` is not one.
    pub fn integer(&self, field: &str, min: i64, max: i64) -> Checked<Option<i64>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(x) if (min..=max).contains(&x) => Ok(Some(x)),
                Some(_) => Err(self.invalid(field, &format!("must be between {min} and {max}"))),
                None => Err(self.invalid(field, "must be an integer")),
            },
            Some(_) => Err(self.invalid(field, "must be an integer")),
        }
    }

    /// `GET` or `POST`, case-insensitive like Bandwidth, upper-cased;
    /// absent means `POST`.
    pub fn method(&self, field: &str) -> Checked<String> {
        match self.get(field) {
            None => Ok("POST".into()),
            Some(Value::String(m)) if m.eq_ignore_ascii_case("GET") => Ok("GET".into()),
            Some(Value::String(m)) if m.eq_ignore_ascii_case("POST") => Ok("POST".into()),
            Some(_) => Err(self.invalid(field, "must be GET or POST")),
        }
    }

    /// One of `allowed`, exactly.
    pub fn one_of(&self, field: &str, allowed: &[&'static str]) -> Checked<Option<&'static str>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => match allowed.iter().find(|a| **a == s) {
                Some(a) => Ok(Some(*a)),
                None => Err(self.invalid(
                    field,
                    &format!("must be one of {}, got '{s}'", allowed.join(", ")),
                )),
            },
            Some(_) => Err(self.invalid(field, "must be a string")),
        }
    }

    /// An array of strings.
    pub fn strings(&self, field: &str) -> Checked<Option<Vec<String>>> {
        let not_strings = || self.invalid(field, "must be an array of strings");
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or_else(not_strings))
                .collect::<Checked<Vec<_>>>()
                .map(Some),
            Some(_) => Err(not_strings()),
        }
    }

    /// An absolute `http`/`https` URL of at most `max` characters.
    pub fn url(&self, field: &str, max: usize) -> Checked<Option<&'a str>> {
        let Some(url) = self.string(field, max)? else {
            return Ok(None);
        };
        let host = url
            .split_once("://")
            .filter(|(scheme, _)| {
                scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
            })
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h) if !h.is_empty() && !url.contains(char::is_whitespace) => Ok(Some(url)),
            Some(_) => Err(self.invalid(field, "must be an absolute URL")),
            None => Err(self.invalid(field, "only http and https are allowed")),
        }
    }
}
