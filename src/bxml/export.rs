//! The table as JSON, for the generators of the bindings' typed builders
//! (`bindings/python/scripts/generate_bxml.py` reads `bindings/bxml-table.json`).
//! A test keeps the committed file equal to the table; after changing the
//! table, `make bxml-table` writes it anew.

use super::schema::{Attr, Kind, Place, Text};
use super::{ssml, verbs};
use serde_json::{json, Value};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bindings/bxml-table.json");

fn table() -> Value {
    let elements: Vec<Value> = verbs::ELEMENTS
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "verb": matches!(e.place, Place::Verb { .. }),
                "conference": e.place == Place::Verb { conference: true },
                "attrs": e.attrs.iter().map(attr).collect::<Vec<_>>(),
                "text": match e.text {
                    Text::None => json!(null),
                    Text::Optional(kind) => json!({"required": false, "type": type_of(kind), "rule": rule(kind)}),
                    Text::Required(kind) => json!({"required": true, "type": type_of(kind), "rule": rule(kind)}),
                    Text::Ssml => json!({"required": true, "type": "str", "rule": "text and SSML"}),
                },
                "children": e.children,
            })
        })
        .collect();
    let tags: Vec<Value> = ssml::TAGS
        .iter()
        .map(|t| json!({"name": t.name, "attrs": t.attrs.iter().map(attr).collect::<Vec<_>>(), "empty": t.empty, "required": t.required}))
        .collect();
    json!({"elements": elements, "ssml": tags})
}

fn attr(a: &Attr) -> Value {
    json!({"name": a.name, "type": type_of(a.kind), "rule": rule(a.kind), "default": a.default})
}

/// The type a binding takes the value as.
fn type_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Int { .. } => "int",
        Kind::Decimal { .. } => "float",
        Kind::Bool => "bool",
        _ => "str",
    }
}

/// What the value may be, in words, for the bindings' documentation.
fn rule(kind: Kind) -> String {
    match kind {
        Kind::Text { max_chars: 0 } => "text".to_owned(),
        Kind::Text { max_chars } => format!("text of at most {max_chars} characters"),
        Kind::Url => "a URL (absolute http(s), or relative)".to_owned(),
        Kind::Method => "GET or POST".to_owned(),
        Kind::Bool => "true or false".to_owned(),
        Kind::Int { min, max } => format!("a whole number from {min} to {max}"),
        Kind::Decimal { min, max } => format!("a number from {min} to {max}"),
        Kind::OneOf(values) => format!("one of {}", values.join(", ")),
        Kind::Chars {
            allowed,
            max_chars: 0,
        } => format!("characters from {allowed}"),
        Kind::Chars { allowed, max_chars } => {
            format!("at most {max_chars} characters from {allowed}")
        }
        Kind::Format { what, .. } => what.to_owned(),
    }
}

#[test]
fn the_exported_table_is_current() {
    let fresh = serde_json::to_string_pretty(&table()).unwrap() + "\n";
    if std::env::var_os("BWVOICE_WRITE_BXML").is_some() {
        std::fs::write(COMMITTED, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == fresh,
        "bindings/bxml-table.json is stale: run `make bxml-table`"
    );
}
