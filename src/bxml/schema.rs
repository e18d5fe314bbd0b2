//! The shape of the BXML table: what an element, an attribute and a value
//! may be. The table itself is `verbs.rs` (verbs and their child elements)
//! and `ssml.rs` (the SSML inside `<SpeakSentence>`); the builder and the
//! document checker both read it, so each rule is stated once.

/// One element BXML knows: a verb, or a child element of one
/// (`<PhoneNumber>`, `<StreamParam>`…).
pub struct Element {
    pub name: &'static str,
    /// In output order: the builder writes attributes in this order.
    pub attrs: &'static [Attr],
    pub text: Text,
    /// Elements allowed inside, by name, and how many at most (0: none).
    pub children: &'static [&'static str],
    pub max_children: usize,
    /// At least this many children.
    pub min_children: usize,
    pub place: Place,
    /// A rule across attributes or children the table cannot say
    /// (Gather's `repeatCount` × nested verbs ≤ 20), checked once the
    /// element is complete. The message names what is wrong.
    pub rule: Option<Rule>,
}

/// A rule of an element's own; the message says what is wrong.
pub type Rule = fn(&Complete) -> Result<(), String>;

/// Where an element may appear.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    /// Directly in `<Response>` or `<Bxml>`; `conference` when it may also be
    /// sent with updateConferenceBxml.
    Verb { conference: bool },
    /// Only inside an element that lists it in `children`.
    Child,
}

/// What text an element holds.
#[derive(Clone, Copy)]
pub enum Text {
    /// No text (whitespace between children is not text).
    None,
    /// Text that may be left out or empty.
    Optional(Kind),
    /// Text that must be there and not blank.
    Required(Kind),
    /// Required text that may mix plain text with the SSML of `ssml.rs`.
    Ssml,
}

/// One attribute.
#[derive(Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub kind: Kind,
    /// Bandwidth's default when the attribute is left out, for the docs
    /// of the bindings; `None` when there is none or it depends.
    pub default: Option<&'static str>,
}

/// What a value (attribute or text) may be.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Any text of at most this many characters (0: no limit of its own).
    Text { max_chars: usize },
    /// An absolute http(s) URL or a relative one; no whitespace.
    Url,
    /// `GET` or `POST`.
    Method,
    /// `true` or `false`.
    Bool,
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// A decimal number in `min..=max`.
    Decimal { min: f64, max: f64 },
    /// Exactly one of these.
    OneOf(&'static [&'static str]),
    /// Characters from `allowed`, at most `max_chars` of them (0: no limit).
    Chars {
        allowed: &'static str,
        max_chars: usize,
    },
    /// A format of its own (a phone number, an SSML duration…): the
    /// function says what is wrong.
    Format {
        what: &'static str,
        check: fn(&str) -> bool,
    },
}

/// A complete element, for an element's `rule`.
pub struct Complete<'a> {
    /// The attribute's value, if it was given.
    pub attr: &'a dyn Fn(&str) -> Option<&'a str>,
    pub children: usize,
}

impl Kind {
    /// Why `value` is not of this kind; `None` when it is.
    pub fn problem(&self, value: &str) -> Option<String> {
        match *self {
            Kind::Text { max_chars } => (max_chars > 0 && value.chars().count() > max_chars)
                .then(|| format!("is longer than {max_chars} characters")),
            Kind::Url => url_problem(value),
            Kind::Method => {
                (!matches!(value, "GET" | "POST")).then(|| "must be GET or POST".to_owned())
            }
            Kind::Bool => {
                (!matches!(value, "true" | "false")).then(|| "must be true or false".to_owned())
            }
            Kind::Int { min, max } => match value.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => None,
                _ => Some(format!("must be a whole number from {min} to {max}")),
            },
            Kind::Decimal { min, max } => match decimal(value) {
                Some(n) if n >= min && n <= max => None,
                _ => Some(format!("must be a number from {min} to {max}")),
            },
            Kind::OneOf(values) => {
                (!values.contains(&value)).then(|| format!("must be one of {}", values.join(", ")))
            }
            Kind::Chars { allowed, max_chars } => {
                if let Some(c) = value.chars().find(|c| !allowed.contains(*c)) {
                    Some(format!(
                        "holds {c:?}; only the characters {allowed} are allowed"
                    ))
                } else if max_chars > 0 && value.chars().count() > max_chars {
                    Some(format!("is longer than {max_chars} characters"))
                } else {
                    None
                }
            }
            Kind::Format { what, check } => (!check(value)).then(|| format!("must be {what}")),
        }
    }
}

/// A plain decimal (`10`, `2.5`, `-1`): no exponent, infinity or NaN,
/// which `f64::from_str` would take.
fn decimal(value: &str) -> Option<f64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty()
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    plain.then(|| value.parse().ok()).flatten()
}

fn url_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is empty; it must be a URL".to_owned());
    }
    let spaced = if value.is_ascii() {
        value.bytes().any(|b| b <= b' ' || b == 0x7f)
    } else {
        value.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if spaced {
        return Some("holds whitespace; it must be a URL".to_owned());
    }
    let scheme_end = value.find(':');
    let first_delimiter = value.find(['/', '?', '#']).unwrap_or(value.len());
    match scheme_end {
        // A scheme: it must be http(s), with a host.
        Some(end) if end < first_delimiter => {
            let scheme = value[..end].to_ascii_lowercase();
            let rest = &value[end + 1..];
            if scheme != "http" && scheme != "https" {
                Some(format!("has scheme {scheme:?}; it must be http or https"))
            } else if rest.len() <= 2 || !rest.starts_with("//") {
                Some("has no host".to_owned())
            } else {
                None
            }
        }
        // A relative reference, resolved against the callback's URL.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let int = Kind::Int { min: 1, max: 50 };
        assert_eq!(int.problem("1"), None);
        assert_eq!(int.problem("50"), None);
        for bad in ["0", "51", "", "1.0", " 1", "+1x", "99999999999999999999"] {
            assert!(int.problem(bad).is_some(), "{bad:?}");
        }
        let dec = Kind::Decimal {
            min: 0.0,
            max: 60.0,
        };
        for good in ["0", "60", "2.5", "60.0"] {
            assert_eq!(dec.problem(good), None, "{good}");
        }
        for bad in [
            "-0.1", "60.01", "1e1", "inf", "NaN", ".5", "5.", "", "1.2.3",
        ] {
            assert!(dec.problem(bad).is_some(), "{bad:?}");
        }
        let digits = Kind::Chars {
            allowed: "0123456789*#",
            max_chars: 3,
        };
        assert_eq!(digits.problem("#*1"), None);
        assert!(digits.problem("1234").is_some());
        assert!(digits.problem("a").unwrap().contains("'a'"));
        assert_eq!(Kind::Method.problem("GET"), None);
        assert!(Kind::Method.problem("get").is_some());
        assert!(Kind::Bool.problem("True").is_some());
        assert!(Kind::Text { max_chars: 2 }
            .problem("\u{e9}\u{e9}")
            .is_none());
        assert!(Kind::Text { max_chars: 2 }.problem("abc").is_some());
    }

    #[test]
    fn urls() {
        for good in [
            "https://app.example/next",
            "http://127.0.0.1:8080/x?y=1",
            "/relative/path",
            "next",
            "HTTPS://APP.EXAMPLE",
        ] {
            assert_eq!(Kind::Url.problem(good), None, "{good}");
        }
        for bad in [
            "",
            "https://",
            "javascript:alert(1)",
            "ftp://x.example/",
            "https://a b",
            "https:x",
        ] {
            assert!(Kind::Url.problem(bad).is_some(), "{bad:?}");
        }
    }
}
