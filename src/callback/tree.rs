//! A callback as a tree of values, from a JSON body or a query string,
//! before its fields are read. Objects keep every key in the order sent,
//! repeated ones included, so that the reader can refuse a repeated key
//! (serde_json would silently keep the last).

use crate::error::Error;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::fmt;

/// One JSON value. A query string gives only `Text` and `Object`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    Text(String),
    List(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Node, E> {
        // JSON has no NaN or infinity; serde_json never produces them.
        Number::from_f64(value)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Text(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Text(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Object(entries))
    }
}

/// Text for an error message from text a caller sent: on one line, cut
/// to `max` characters.
pub(super) fn shown(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The body as a tree: any JSON text (objects with repeated keys
/// included), or why it is not JSON.
pub(super) fn from_json(body: &[u8]) -> Result<Node, Error> {
    serde_json::from_slice(body).map_err(|e| {
        Error::invalid(
            "body",
            format!("callback body is not JSON: {}", shown(&e.to_string(), 200)),
        )
    })
}

/// A query string (`a=1&b=x%20y`, with or without the leading `?`) as an
/// object of text values. Names and values are percent-decoded, `+` is a
/// space; a name with dots (`diversion.origTo`) is a field of a nested
/// object. A name repeated stays repeated, for the reader to refuse.
pub(super) fn from_query(query: &str) -> Result<Vec<(String, Node)>, Error> {
    let mut root = Vec::new();
    for pair in query.strip_prefix('?').unwrap_or(query).split('&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name, "a name")?;
        let value = decode(value, &format!("the value of {}", shown(&name, 64)))?;
        let path: Vec<&str> = name.split('.').collect();
        insert(&mut root, &path, value, &name)?;
    }
    Ok(root)
}

fn decode(text: &str, what: &str) -> Result<String, Error> {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            Error::invalid(
                "query",
                format!("callback query: {what} is not UTF-8 once percent-decoded"),
            )
        })
}

/// Puts `value` at `path` under `object`, making the nested objects the
/// path names. The last step always adds an entry (a repeat is the
/// reader's to refuse); a step through a name that already holds text is
/// a conflict.
fn insert(
    object: &mut Vec<(String, Node)>,
    path: &[&str],
    value: String,
    name: &str,
) -> Result<(), Error> {
    let (first, rest) = path.split_first().expect("split gives one piece at least");
    if rest.is_empty() {
        object.push(((*first).to_owned(), Node::Text(value)));
        return Ok(());
    }
    let at = match object.iter().position(|(key, _)| key == first) {
        Some(at) => at,
        None => {
            object.push(((*first).to_owned(), Node::Object(Vec::new())));
            object.len() - 1
        }
    };
    match &mut object[at].1 {
        Node::Object(inner) => insert(inner, rest, value, name),
        _ => Err(Error::invalid(
            "query",
            format!(
                "callback query: {} is both a value and an object",
                shown(name, 64)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn json_keeps_repeated_keys_and_every_kind_of_value() {
        let tree = from_json(br#" {"a":1,"a":-2,"b":[true,null,1.5],"c":{"d":"x"}} "#).unwrap();
        assert_eq!(
            tree,
            Node::Object(vec![
                ("a".into(), Node::Number(1.into())),
                ("a".into(), Node::Number((-2).into())),
                (
                    "b".into(),
                    Node::List(vec![
                        Node::Bool(true),
                        Node::Null,
                        Node::Number(Number::from_f64(1.5).unwrap())
                    ])
                ),
                ("c".into(), Node::Object(vec![("d".into(), text("x"))])),
            ])
        );
        for bad in [
            &b""[..],
            b"{",
            b"{} {}",
            b"{\"a\":\"\xff\"}",
            b"\xef\xbb\xbf{}",
        ] {
            let err = from_json(bad).unwrap_err();
            assert_eq!(err.field, Some("body"));
            assert!(
                err.message.starts_with("callback body is not JSON: "),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn query_strings_decode_and_nest() {
        let tree = from_query("?eventType=gather&digits=1%232&tag=a+b&x&&diversion.origTo=%2B1555&diversion.reason=busy")
            .unwrap();
        assert_eq!(
            Node::Object(tree),
            Node::Object(vec![
                ("eventType".into(), text("gather")),
                ("digits".into(), text("1#2")),
                ("tag".into(), text("a b")),
                ("x".into(), text("")),
                (
                    "diversion".into(),
                    Node::Object(vec![
                        ("origTo".into(), text("+1555")),
                        ("reason".into(), text("busy"))
                    ])
                ),
            ])
        );
        assert_eq!(from_query("").unwrap(), vec![]);
        let err = from_query("tag=%ff").unwrap_err();
        assert_eq!(err.field, Some("query"));
        assert!(
            err.message.contains("the value of tag is not UTF-8"),
            "{}",
            err.message
        );
        let err = from_query("diversion=x&diversion.origTo=y").unwrap_err();
        assert!(err
            .message
            .contains("diversion.origTo is both a value and an object"));
    }

    #[test]
    fn shown_text_is_one_short_line() {
        assert_eq!(shown("a\r\nb", 10), "a  b");
        assert_eq!(shown("abcdef", 3), "abc…");
    }
}
