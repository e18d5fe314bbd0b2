//! The document checker: a BXML document as text, held to the table's
//! rules. The first problem is the error, with its line and column.

use super::rules::{self, Opened, Parent};
use super::schema::{Element, Text};
use super::{DocumentKind, UnknownVerbs, MAX_BXML_BYTES};
use crate::error::Error;
use roxmltree::{Document, Node, NodeType};

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Checks `document` as BXML of `kind`; see [`super::check`].
pub fn check(document: &str, kind: DocumentKind, unknown: UnknownVerbs) -> Result<(), Error> {
    if document.len() > MAX_BXML_BYTES {
        return Err(invalid(format!(
            "bxml is {} bytes; at most {MAX_BXML_BYTES} are allowed",
            document.len()
        )));
    }
    let doc = Document::parse(document).map_err(|e| {
        let pos = e.pos();
        invalid(format!(
            "bxml is not well-formed XML at line {}, column {}: {e}",
            pos.row, pos.col
        ))
    })?;
    let at = |node: Node, problem: String| {
        let pos = doc.text_pos_at(node.range().start);
        invalid(format!(
            "bxml at line {}, column {}: {problem}",
            pos.row, pos.col
        ))
    };
    let root = doc.root_element();
    let name = root.tag_name();
    if let Some(namespace) = name.namespace() {
        return Err(at(
            root,
            format!("the root element is in namespace {namespace}; BXML has none"),
        ));
    }
    if name.name() != kind.root() {
        return Err(at(
            root,
            format!(
                "the root element is <{}>; {} needs <{}>",
                name.name(),
                kind.describe(),
                kind.root()
            ),
        ));
    }
    if let Some(attr) = root.attributes().next() {
        return Err(at(
            root,
            format!("<{}> has no attribute {}", kind.root(), attr.name()),
        ));
    }
    for node in root.children() {
        match node.node_type() {
            NodeType::Element => {
                let verb = element_name(node).map_err(|p| at(node, p))?;
                match rules::child(Parent::Root(kind), verb, unknown).map_err(|p| at(node, p))? {
                    Opened::Known(el) => check_element(el, node).map_err(|(n, p)| at(n, p))?,
                    Opened::Unknown => {}
                }
            }
            NodeType::Text if !is_blank(node) => {
                return Err(at(node, format!("<{}> holds no text", kind.root())));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The problem and the node it is at.
type Found<'a, 'input> = (Node<'a, 'input>, String);

fn check_element<'a, 'i>(el: &'static Element, node: Node<'a, 'i>) -> Result<(), Found<'a, 'i>> {
    for attr in node.attributes() {
        if attr.namespace().is_some() {
            return Err((
                node,
                format!("<{}> has no attribute {}", el.name, attr.name()),
            ));
        }
        rules::attribute(el, attr.name(), attr.value()).map_err(|p| (node, p))?;
    }
    let mut text = String::new();
    let mut children = 0;
    for child in node.children() {
        match child.node_type() {
            NodeType::Text => text.push_str(child.text().unwrap_or("")),
            NodeType::Element if matches!(el.text, Text::Ssml) => {
                check_ssml(child, &mut text)?;
            }
            NodeType::Element => {
                let name = element_name(child).map_err(|p| (child, p))?;
                match rules::child(Parent::Element(el), name, UnknownVerbs::Refuse) {
                    Ok(Opened::Known(inner)) => check_element(inner, child)?,
                    Ok(Opened::Unknown) => unreachable!("refused above"),
                    Err(p) => return Err((child, p)),
                }
                children += 1;
            }
            _ => {}
        }
    }
    let attr = |name: &str| node.attribute(name);
    rules::complete(el, &text, children, &attr).map_err(|p| (node, p))
}

/// An SSML tag inside `<SpeakSentence>`; its text joins `text`.
fn check_ssml<'a, 'i>(node: Node<'a, 'i>, text: &mut String) -> Result<(), Found<'a, 'i>> {
    let name = element_name(node).map_err(|p| (node, p))?;
    let tag = rules::ssml_tag(name).map_err(|p| (node, p))?;
    let mut names = Vec::new();
    for attr in node.attributes() {
        let qualified = match attr.namespace() {
            None => attr.name().to_owned(),
            Some(XML_NAMESPACE) => format!("xml:{}", attr.name()),
            Some(other) => {
                return Err((
                    node,
                    format!(
                        "SSML <{name}> has no attribute {} in namespace {other}",
                        attr.name()
                    ),
                ))
            }
        };
        rules::ssml_attribute(tag, &qualified, attr.value()).map_err(|p| (node, p))?;
        names.push(qualified);
    }
    rules::ssml_complete(tag, &names).map_err(|p| (node, p))?;
    for child in node.children() {
        if tag.empty && (child.is_element() || !is_blank(child)) {
            return Err((node, format!("SSML <{name}> holds nothing")));
        }
        match child.node_type() {
            NodeType::Text => text.push_str(child.text().unwrap_or("")),
            NodeType::Element => check_ssml(child, text)?,
            _ => {}
        }
    }
    Ok(())
}

/// An element's name, which must not be in a namespace.
fn element_name<'a>(node: Node<'a, '_>) -> Result<&'a str, String> {
    let name = node.tag_name();
    match name.namespace() {
        None => Ok(name.name()),
        Some(ns) => Err(format!(
            "<{}> is in namespace {ns}; BXML has none",
            name.name()
        )),
    }
}

fn is_blank(node: Node) -> bool {
    node.text().is_none_or(|t| t.trim().is_empty())
}

fn invalid(message: String) -> Error {
    Error::invalid("bxml", message)
}
