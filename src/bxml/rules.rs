//! The rules of BXML as steps the builder and the document checker share:
//! may this element go here, is this attribute right, is this text right,
//! is this element complete. Each returns the problem in words; the caller
//! adds where it is (a line and column, or the builder call).

use super::schema::{Complete, Element, Place, Text};
use super::{ssml, verbs, DocumentKind, UnknownVerbs};

/// What an element may be opened in.
#[derive(Clone, Copy)]
pub enum Parent {
    Root(DocumentKind),
    Element(&'static Element),
}

/// What was opened: an element of the table, or a verb the table lacks
/// that the caller let through.
#[derive(Clone, Copy)]
pub enum Opened {
    Known(&'static Element),
    Unknown,
}

/// May an element called `name` go inside `parent`?
pub fn child(parent: Parent, name: &str, unknown: UnknownVerbs) -> Result<Opened, String> {
    match parent {
        Parent::Root(kind) => match verbs::find(name) {
            Some(el) => match el.place {
                Place::Child => Err(format!(
                    "<{name}> is not a verb; it goes inside {}",
                    parents_of(name)
                )),
                Place::Verb { conference: false } if kind == DocumentKind::UpdateConference => {
                    Err(format!(
                        "<{name}> cannot be sent to a conference; conference BXML takes {}",
                        conference_verbs()
                    ))
                }
                Place::Verb { .. } => Ok(Opened::Known(el)),
            },
            None if unknown == UnknownVerbs::Allow && is_name(name) => Ok(Opened::Unknown),
            None => Err(unknown_element(name, "verb")),
        },
        Parent::Element(el) => {
            if el.children.contains(&name) {
                Ok(Opened::Known(
                    verbs::find(name).expect("children are in the table"),
                ))
            } else if matches!(el.text, Text::Ssml) {
                Err(format!("<{}> holds text and SSML, not <{name}>", el.name))
            } else if el.children.is_empty() {
                Err(format!("<{}> holds no elements, so not <{name}>", el.name))
            } else {
                Err(format!(
                    "<{}> holds only {}, not <{name}>",
                    el.name,
                    tags(el.children)
                ))
            }
        }
    }
}

/// The SSML tag called `name`, if Bandwidth's text-to-speech takes it.
pub fn ssml_tag(name: &str) -> Result<&'static ssml::Tag, String> {
    ssml::find(name).ok_or_else(|| match closest(name, ssml::TAGS.iter().map(|t| t.name)) {
        Some(near) => format!("<{name}> is not SSML Bandwidth takes; did you mean <{near}>?"),
        None => format!("<{name}> is not SSML Bandwidth takes"),
    })
}

/// Is `value` right for attribute `name` of `el`? Gives the attribute's
/// place in the table, which is its place in the output.
pub fn attribute(el: &Element, name: &str, value: &str) -> Result<usize, String> {
    let Some(index) = el.attrs.iter().position(|a| a.name == name) else {
        return Err(unknown_attribute(
            el.name,
            name,
            el.attrs.iter().map(|a| a.name),
        ));
    };
    match el.attrs[index].kind.problem(value) {
        None => Ok(index),
        Some(problem) => Err(format!(
            "<{}> attribute {name} {} {problem}",
            el.name,
            shown(name, value)
        )),
    }
}

/// Is `value` right for attribute `name` of SSML tag `tag`?
pub fn ssml_attribute(tag: &ssml::Tag, name: &str, value: &str) -> Result<usize, String> {
    let Some(index) = tag.attrs.iter().position(|a| a.name == name) else {
        return Err(unknown_attribute(
            tag.name,
            name,
            tag.attrs.iter().map(|a| a.name),
        ));
    };
    match tag.attrs[index].kind.problem(value) {
        None => Ok(index),
        Some(problem) => Err(format!(
            "SSML <{}> attribute {name} {} {problem}",
            tag.name,
            shown(name, value)
        )),
    }
}

/// Does SSML tag `tag` have each attribute it cannot do without, given
/// the (qualified) names it has?
pub fn ssml_complete(tag: &ssml::Tag, names: &[String]) -> Result<(), String> {
    match tag.required.iter().find(|r| !names.iter().any(|n| n == *r)) {
        Some(missing) => Err(format!("SSML <{}> needs attribute {missing}", tag.name)),
        None => Ok(()),
    }
}

/// May `el` hold text at all (plain text, or text with SSML)?
pub fn takes_text(el: &Element) -> Result<(), String> {
    match el.text {
        Text::None => Err(format!("<{}> holds no text", el.name)),
        _ => Ok(()),
    }
}

/// Is `el` complete: its text (all of it, SSML tags left out), its number
/// of children and its own rule?
pub fn complete<'a>(
    el: &Element,
    text: &str,
    children: usize,
    attr: &'a dyn Fn(&str) -> Option<&'a str>,
) -> Result<(), String> {
    let trimmed = text.trim();
    match el.text {
        Text::None if !trimmed.is_empty() => {
            return Err(format!("<{}> holds no text", el.name));
        }
        Text::Required(_) | Text::Ssml if trimmed.is_empty() => {
            return Err(format!("<{}> needs text", el.name));
        }
        Text::Required(kind) | Text::Optional(kind) if !trimmed.is_empty() => {
            if let Some(problem) = kind.problem(trimmed) {
                return Err(format!(
                    "<{}> text {} {problem}",
                    el.name,
                    shown("", trimmed)
                ));
            }
        }
        _ => {}
    }
    if children < el.min_children {
        return Err(format!(
            "<{}> needs at least {} of {}",
            el.name,
            el.min_children,
            tags(el.children)
        ));
    }
    if children > el.max_children {
        return Err(format!(
            "<{}> holds {children} elements; at most {} are allowed",
            el.name, el.max_children
        ));
    }
    match el.rule {
        Some(rule) => rule(&Complete { attr, children }).map_err(|p| format!("<{}>: {p}", el.name)),
        None => Ok(()),
    }
}

/// An XML name this library can write without a namespace: ASCII letters,
/// digits, `_`, `-` and `.`, not starting with a digit, `-` or `.`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A value as an error message may show it: quoted and cut short, and
/// never a password.
pub fn shown(name: &str, value: &str) -> String {
    if name.to_ascii_lowercase().contains("password") {
        return "(not shown)".to_owned();
    }
    let mut cut: String = value.chars().take(40).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

fn unknown_element(name: &str, what: &str) -> String {
    if !is_name(name) {
        return format!("{name:?} is not a BXML {what}");
    }
    let names = verbs::ELEMENTS
        .iter()
        .filter(|e| matches!(e.place, Place::Verb { .. }))
        .map(|e| e.name);
    match closest(name, names) {
        Some(near) => format!("<{name}> is not a BXML {what}; did you mean <{near}>?"),
        None => format!("<{name}> is not a BXML {what}"),
    }
}

fn unknown_attribute<'n>(
    element: &str,
    name: &str,
    names: impl Iterator<Item = &'n str>,
) -> String {
    if !is_name(name) && !name.starts_with("xml:") {
        return format!("<{element}> has no attribute {name:?}");
    }
    match closest(name, names) {
        Some(near) => format!("<{element}> has no attribute {name}; did you mean {near}?"),
        None => format!("<{element}> has no attribute {name}"),
    }
}

/// The name within two edits of `wanted` (case aside), if there is one.
fn closest<'n>(wanted: &str, names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let wanted = wanted.to_ascii_lowercase();
    names
        .map(|n| (edits(&wanted, &n.to_ascii_lowercase()), n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance, for suggestions on short names.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn tags(names: &[&str]) -> String {
    let tags: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
    tags.join(", ")
}

fn parents_of(name: &str) -> String {
    let parents: Vec<&str> = verbs::ELEMENTS
        .iter()
        .filter(|e| e.children.contains(&name))
        .map(|e| e.name)
        .collect();
    tags(&parents)
}

fn conference_verbs() -> String {
    let names: Vec<&str> = verbs::ELEMENTS
        .iter()
        .filter(|e| e.place == Place::Verb { conference: true })
        .map(|e| e.name)
        .collect();
    tags(&names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(edits("kitten", "sitting"), 3);
        let err = child(
            Parent::Root(DocumentKind::Response),
            "SpeakSentance",
            UnknownVerbs::Refuse,
        )
        .err()
        .unwrap();
        assert!(err.contains("did you mean <SpeakSentence>?"), "{err}");
        let err = child(
            Parent::Root(DocumentKind::Response),
            "Zzz",
            UnknownVerbs::Refuse,
        )
        .err()
        .unwrap();
        assert_eq!(err, "<Zzz> is not a BXML verb");
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(shown("fallbackPassword", "hunter2"), "(not shown)");
        assert_eq!(shown("tag", "a\"b"), "\"a\\\"b\"");
        assert_eq!(
            shown("tag", &"x".repeat(50)),
            format!("\"{}…\"", "x".repeat(40))
        );
    }

    #[test]
    fn names() {
        for good in ["Gather", "_x", "New-Verb.2"] {
            assert!(is_name(good), "{good}");
        }
        for bad in ["", "1a", "-a", "a:b", "a b", "caf\u{e9}", "a>"] {
            assert!(!is_name(bad), "{bad:?}");
        }
    }
}
