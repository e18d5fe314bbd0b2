//! A document's verbs as one JSON value, for bindings that build a tree in
//! their own language and hand it over in one call:
//!
//! - a list of nodes, each one of
//! - `"text"`: text, escaped;
//! - `{"ssml": "fragment"}`: SSML, as [`Builder::ssml`];
//! - `["Element", {"attr": value, …}, node, …]`: an element, its attributes
//!   (strings, numbers, booleans; `null` leaves one out) and its content.
//!
//! Each node is handed to the [`Builder`] as it is read (nothing is copied
//! into a tree first), so it is held to the same rules; a key given twice
//! is refused rather than one of them kept.

use super::Builder;
use crate::error::Error;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

impl Builder {
    /// Adds the verbs of `json` (the form above) inside the element open
    /// now (or the root). On any error the builder is left as it was.
    pub fn append_json(&mut self, json: &str) -> Result<(), Error> {
        let (written, open) = (self.written_len(), self.open_stack());
        let mut failed = None;
        let mut reader = serde_json::Deserializer::from_str(json);
        let read = Nodes {
            builder: self,
            failed: &mut failed,
        }
        .deserialize(&mut reader)
        .and_then(|()| reader.end());
        match (read, failed) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(step)) => {
                self.restore(written, open);
                Err(step)
            }
            (Err(e), None) => {
                self.restore(written, open);
                Err(Error::invalid(
                    "json",
                    format!("the BXML tree is not valid: {e}"),
                ))
            }
        }
    }
}

/// The builder a node goes to, and where a refused step's error is kept
/// (serde's own errors carry only text).
struct Nodes<'a> {
    builder: &'a mut Builder,
    failed: &'a mut Option<Error>,
}

impl Nodes<'_> {
    fn step<E: de::Error>(&mut self, result: Result<(), Error>) -> Result<(), E> {
        result.map_err(|e| {
            *self.failed = Some(e);
            E::custom("refused by the builder")
        })
    }

    fn node(&mut self) -> Node<'_> {
        Node(Nodes {
            builder: self.builder,
            failed: self.failed,
        })
    }
}

/// The list of nodes at the top.
impl<'de> DeserializeSeed<'de> for Nodes<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Nodes<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of nodes")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.node())?.is_some() {}
        Ok(())
    }
}

/// One node: text, SSML or an element.
struct Node<'a>(Nodes<'a>);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, {\"ssml\": …} or [\"Element\", {attributes}, …]")
    }

    fn visit_str<E: de::Error>(mut self, text: &str) -> Result<(), E> {
        let done = self.0.builder.text(text);
        self.0.step(done)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if map.next_key::<Str>()?.map(|k| k.0).as_deref() != Some("ssml") {
            return Err(de::Error::custom("an object node is {\"ssml\": \"…\"}"));
        }
        let Str(fragment) = map.next_value()?;
        if let Some(Str(key)) = map.next_key::<Str>()? {
            return Err(de::Error::custom(format!(
                "an SSML node has only \"ssml\", not {key:?}"
            )));
        }
        let done = self.0.builder.ssml(&fragment);
        self.0.step(done)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let Str(name) = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("an element node starts with its name"))?;
        let done = self.0.builder.open(&name);
        self.0.step(done)?;
        let attrs = Attrs(self.0.node().0);
        if seq.next_element_seed(attrs)?.is_none() {
            return Err(de::Error::custom(format!(
                "<{name}>'s node needs its attributes, {{}} for none"
            )));
        }
        while seq.next_element_seed(self.0.node())?.is_some() {}
        let done = self.0.builder.close();
        self.0.step(done)
    }
}

/// An element's attributes, set as they are read; `null` ones left out.
struct Attrs<'a>(Nodes<'a>);

impl<'de> DeserializeSeed<'de> for Attrs<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Attrs<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of attributes")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        // Names already read, so a `null` given twice is caught too.
        let mut seen: Vec<Cow<str>> = Vec::new();
        while let Some(Str(name)) = map.next_key::<Str>()? {
            if seen.contains(&name) {
                return Err(de::Error::custom(format!(
                    "attribute {name} is given twice"
                )));
            }
            let value: Scalar = map.next_value()?;
            let text = match value {
                Scalar::Null => None,
                Scalar::Text(s) => Some(s),
                Scalar::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
                Scalar::Number(n) => Some(Cow::Owned(n)),
            };
            if let Some(text) = text {
                let done = self.0.builder.attr(&name, &text);
                self.0.step(done)?;
            }
            seen.push(name);
        }
        Ok(())
    }
}

/// Text from the JSON, borrowed when it holds no escapes.
struct Str<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str<'de>, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Text(text) => Ok(Str(text)),
            _ => Err(de::Error::custom("expected text")),
        }
    }
}

/// An attribute's value as JSON gives it.
enum Scalar<'de> {
    Null,
    Text(Cow<'de, str>),
    Bool(bool),
    /// As BXML writes it: `10`, not `10.0`.
    Number(String),
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, a number, a boolean or null")
            }
            fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Number(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Number(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Number(number(n)))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Text(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_any(ScalarVisitor)
    }
}

/// A JSON decimal as BXML writes it: whole ones without `.0`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DocumentKind, UnknownVerbs};
    use super::*;

    fn build(json: &str) -> Result<String, Error> {
        let mut b = Builder::new(DocumentKind::Response, UnknownVerbs::Refuse);
        b.append_json(json)?;
        b.render()
    }

    #[test]
    fn a_tree_builds_what_the_calls_build() {
        let doc = build(
            r#"[["SpeakSentence", {"voice": "julie", "locale": null}, "Hi ", {"ssml": "<break/>"}, "<there>"],
                ["Gather", {"repeatCount": 2, "maxDigits": 1.0, "firstDigitTimeout": 2.5},
                    ["PlayAudio", {}, "https://app.example/a.wav"]]]"#,
        )
        .unwrap();
        assert!(
            doc.ends_with(
                "<Response><SpeakSentence voice=\"julie\">Hi <break/>&lt;there&gt;</SpeakSentence>\
             <Gather maxDigits=\"1\" firstDigitTimeout=\"2.5\" repeatCount=\"2\">\
             <PlayAudio>https://app.example/a.wav</PlayAudio></Gather></Response>"
            ),
            "{doc}"
        );
    }

    #[test]
    fn bad_trees_change_nothing() {
        let mut b = Builder::new(DocumentKind::Response, UnknownVerbs::Refuse);
        b.append_json(r#"[["Hangup", {}]]"#).unwrap();
        let before = b.render().unwrap();
        for (json, field, want) in [
            ("", "json", "not valid"),
            ("{}", "json", "not valid"),
            (r#"[["Hangup"]]"#, "json", "needs its attributes"),
            (
                r#"[["Gather", {"maxDigits": 1, "maxDigits": 2}]]"#,
                "json",
                "given twice",
            ),
            (
                r#"[["Gather", {"maxDigits": [1]}]]"#,
                "json",
                "expected text, a number",
            ),
            (r#"[{"ssml": "<p/>", "x": 1}]"#, "json", "only \"ssml\""),
            (
                r#"[["Hangup", {}], ["Gather", {"maxDigits": 99}]]"#,
                "value",
                "maxDigits",
            ),
            (
                r#"[["Hangup", {}, ["Redirect", {}]]]"#,
                "element",
                "holds no elements",
            ),
        ] {
            let err = b.append_json(json).unwrap_err();
            assert_eq!(err.field, Some(field), "{json}: {}", err.message);
            assert!(err.message.contains(want), "{json}: {}", err.message);
            assert_eq!(b.render().unwrap(), before);
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(number(10.0), "10");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-3.0), "-3");
    }
}
