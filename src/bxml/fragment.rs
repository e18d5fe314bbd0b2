//! SSML given to the builder: parsed, held to `ssml.rs`, and written anew
//! from what was parsed, so nothing in it can close `<SpeakSentence>`.

use super::rules;
use super::{check_text, escape, MAX_BXML_BYTES};
use crate::error::Error;
use roxmltree::{Document, Node, NodeType};

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
const WRAPPER: &str = "<_>";

/// `fragment` written anew, and its spoken text (tags left out).
pub fn rewrite(fragment: &str) -> Result<(String, String), Error> {
    if fragment.len() > MAX_BXML_BYTES {
        return Err(invalid(format!(
            "the SSML is {} bytes; a whole document may have {MAX_BXML_BYTES}",
            fragment.len()
        )));
    }
    check_text("fragment", fragment)?;
    let wrapped = format!("{WRAPPER}{fragment}</_>");
    let doc = Document::parse(&wrapped).map_err(|e| {
        let pos = e.pos();
        // Columns of the first line count from the fragment, not the wrapper.
        let col = if pos.row == 1 {
            pos.col.saturating_sub(WRAPPER.len() as u32).max(1)
        } else {
            pos.col
        };
        invalid(format!(
            "the SSML is not well-formed at line {}, column {col}",
            pos.row
        ))
    })?;
    let mut written = String::with_capacity(fragment.len());
    let mut spoken = String::new();
    for node in doc.root_element().children() {
        write(node, &mut written, &mut spoken)?;
    }
    Ok((written, spoken))
}

fn write(node: Node, out: &mut String, spoken: &mut String) -> Result<(), Error> {
    match node.node_type() {
        NodeType::Text => {
            let text = node.text().unwrap_or("");
            out.push_str(&escape(text).map_err(|e| invalid(e.message))?);
            spoken.push_str(text);
        }
        NodeType::Element => {
            let qname = node.tag_name();
            if let Some(ns) = qname.namespace() {
                return Err(invalid(format!(
                    "<{}> is in namespace {ns}; Bandwidth's SSML has none",
                    qname.name()
                )));
            }
            let tag = rules::ssml_tag(qname.name()).map_err(invalid)?;
            let mut attrs = Vec::new();
            for attr in node.attributes() {
                let name = match attr.namespace() {
                    None => attr.name().to_owned(),
                    Some(XML_NAMESPACE) => format!("xml:{}", attr.name()),
                    Some(ns) => {
                        return Err(invalid(format!(
                            "SSML <{}> has no attribute {} in namespace {ns}",
                            tag.name,
                            attr.name()
                        )))
                    }
                };
                let place = rules::ssml_attribute(tag, &name, attr.value()).map_err(invalid)?;
                let value = escape(attr.value()).map_err(|e| invalid(e.message))?;
                attrs.push((place, name, value));
            }
            let names: Vec<String> = attrs.iter().map(|(_, name, _)| name.clone()).collect();
            rules::ssml_complete(tag, &names).map_err(invalid)?;
            attrs.sort();
            out.push('<');
            out.push_str(tag.name);
            for (_, name, value) in attrs {
                out.push_str(&format!(" {name}=\"{value}\""));
            }
            let content: Vec<Node> = node
                .children()
                .filter(|c| c.is_element() || c.is_text())
                .collect();
            if content.is_empty() {
                out.push_str("/>");
                return Ok(());
            }
            if tag.empty {
                return Err(invalid(format!("SSML <{}> holds nothing", tag.name)));
            }
            out.push('>');
            for child in content {
                write(child, out, spoken)?;
            }
            out.push_str(&format!("</{}>", tag.name));
        }
        // Comments and processing instructions are dropped.
        _ => {}
    }
    Ok(())
}

fn invalid(message: String) -> Error {
    Error::invalid("fragment", message)
}
