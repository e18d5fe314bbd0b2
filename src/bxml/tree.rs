//! A document's verbs as one JSON value, for bindings that build a tree in
//! their own language and hand it over in one call:
//!
//! - a list of nodes, each one of
//! - `"text"`: text, escaped;
//! - `{"ssml": "fragment"}`: SSML, as [`Builder::ssml`];
//! - `["Element", {"attr": value, …}, node, …]`: an element, its attributes
//!   (strings, numbers, booleans; `null` leaves one out) and its content.
//!
//! Applied step by step through the [`Builder`], so it is held to the same
//! rules; a key given twice is refused rather than one of them kept.

use super::Builder;
use crate::error::Error;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

enum Node {
    Text(String),
    Ssml(String),
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        content: Vec<Node>,
    },
}

impl Builder {
    /// Adds the verbs of `json` (the form above) inside the element open
    /// now (or the root). On any error the builder is left as it was.
    pub fn append_json(&mut self, json: &str) -> Result<(), Error> {
        let nodes: Vec<Node> = serde_json::from_str(json)
            .map_err(|e| Error::invalid("json", format!("the BXML tree is not valid: {e}")))?;
        let mut copy = self.clone();
        for node in &nodes {
            copy.add(node)?;
        }
        *self = copy;
        Ok(())
    }

    fn add(&mut self, node: &Node) -> Result<(), Error> {
        match node {
            Node::Text(text) => self.text(text),
            Node::Ssml(fragment) => self.ssml(fragment),
            Node::Element {
                name,
                attrs,
                content,
            } => {
                self.open(name)?;
                for (name, value) in attrs {
                    self.attr(name, value)?;
                }
                for node in content {
                    self.add(node)?;
                }
                self.close()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, {\"ssml\": …} or [\"Element\", {attributes}, …]")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Node, E> {
        Ok(Node::Text(text.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        match map.next_key::<String>()?.as_deref() {
            Some("ssml") => {
                let fragment = map.next_value::<String>()?;
                match map.next_key::<String>()? {
                    None => Ok(Node::Ssml(fragment)),
                    Some(key) => Err(de::Error::custom(format!(
                        "an SSML node has only \"ssml\", not {key:?}"
                    ))),
                }
            }
            _ => Err(de::Error::custom("an object node is {\"ssml\": \"…\"}")),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let name: String = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("an element node starts with its name"))?;
        let Attrs(attrs) = seq.next_element()?.ok_or_else(|| {
            de::Error::custom(format!(
                "<{name}>'s node needs its attributes, {{}} for none"
            ))
        })?;
        let mut content = Vec::new();
        while let Some(node) = seq.next_element()? {
            content.push(node);
        }
        Ok(Node::Element {
            name,
            attrs,
            content,
        })
    }
}

/// Attributes in the order given, `null` ones left out, values as text.
struct Attrs(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Attrs, D::Error> {
        struct AttrsVisitor;
        impl<'de> Visitor<'de> for AttrsVisitor {
            type Value = Attrs;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of attributes")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut attrs: Vec<(String, String)> = Vec::new();
                let mut seen = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if seen.contains(&name) {
                        return Err(de::Error::custom(format!(
                            "attribute {name} is given twice"
                        )));
                    }
                    let value = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::Null => None,
                        serde_json::Value::String(s) => Some(s),
                        serde_json::Value::Bool(b) => Some(b.to_string()),
                        serde_json::Value::Number(n) => Some(number(&n)),
                        _ => {
                            return Err(de::Error::custom(format!(
                                "attribute {name} is not text, a number or a boolean"
                            )))
                        }
                    };
                    if let Some(value) = value {
                        attrs.push((name.clone(), value));
                    }
                    seen.push(name);
                }
                Ok(Attrs(attrs))
            }
        }
        d.deserialize_map(AttrsVisitor)
    }
}

/// A number as BXML writes it: `10`, not `10.0`.
fn number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => n.to_string(),
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
                "not text, a number",
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
        let n = |s: &str| number(&serde_json::from_str(s).unwrap());
        assert_eq!(n("10"), "10");
        assert_eq!(n("10.0"), "10");
        assert_eq!(n("2.5"), "2.5");
        assert_eq!(n("-3"), "-3");
    }
}
