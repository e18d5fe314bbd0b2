//! BXML documents: the check before one is sent, and escaping caller text
//! into one.

use crate::error::Error;

/// Largest BXML document sent, in bytes (Bandwidth's documented 64 KB).
pub const MAX_BXML_BYTES: usize = 64 * 1024;

/// Checks that `document` is one well-formed XML document whose root
/// element is `<Bxml>`. The error names the line and column of the first
/// problem. A DOCTYPE is refused: BXML has none, and entity definitions
/// are how XML bombs work.
pub fn check(document: &str) -> Result<(), Error> {
    if document.len() > MAX_BXML_BYTES {
        return Err(Error::invalid(
            "bxml",
            format!(
                "bxml is {} bytes; at most {MAX_BXML_BYTES} are allowed",
                document.len()
            ),
        ));
    }
    let parsed = roxmltree::Document::parse(document).map_err(|e| {
        let pos = e.pos();
        Error::invalid(
            "bxml",
            format!(
                "bxml is not well-formed XML at line {}, column {}: {e}",
                pos.row, pos.col
            ),
        )
    })?;
    let root = parsed.root_element().tag_name();
    if root.name() != "Bxml" {
        return Err(Error::invalid(
            "bxml",
            format!("bxml's root element is <{}>, not <Bxml>", root.name()),
        ));
    }
    if let Some(namespace) = root.namespace() {
        return Err(Error::invalid(
            "bxml",
            format!("bxml's root element <Bxml> is in namespace {namespace}; BXML has none"),
        ));
    }
    Ok(())
}

/// Escapes `text` for use as XML character data or inside a quoted
/// attribute value: `& < > " '` become entities, and tab, newline and
/// carriage return become character references (so attribute value
/// normalisation cannot change them). Caller text escaped this way cannot
/// close an element or open a new verb. Characters XML 1.0 cannot carry at
/// all (other control characters, U+FFFE, U+FFFF) are an error.
///
/// ```
/// let name = bwvoice::xml_escape("Tom & <Jerry>")?;
/// let bxml = format!("<Bxml><SpeakSentence>Hello {name}</SpeakSentence></Bxml>");
/// assert_eq!(bxml, "<Bxml><SpeakSentence>Hello Tom &amp; &lt;Jerry&gt;</SpeakSentence></Bxml>");
/// # Ok::<(), bwvoice::Error>(())
/// ```
pub fn escape(text: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                return Err(Error::invalid(
                    "text",
                    format!(
                        "text contains U+{:04X}, which XML cannot carry",
                        u32::from(c)
                    ),
                ))
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_bxml_passes() {
        for doc in [
            "<Bxml/>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bxml>\n  <SpeakSentence>Hi</SpeakSentence>\n</Bxml>",
            "<Bxml><Redirect redirectUrl=\"https://test.example\" redirectMethod=\"GET\"/></Bxml>\n",
            "<!-- c --><Bxml><SpeakSentence>caf\u{e9} &amp; &#x263A;</SpeakSentence></Bxml>",
        ] {
            check(doc).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
        }
    }

    #[test]
    fn malformed_documents_name_line_and_column() {
        for (doc, want) in [
            ("", "line 1, column 1"),
            (
                "<Bxml>\n  <SpeakSentence>Hi</Speak>\n</Bxml>",
                "line 2, column",
            ),
            ("<Bxml></Bxml><Bxml/>", "line 1, column 14"),
            ("<Bxml>&bogus;</Bxml>", "line 1"),
            // The spec's own example, whose YAML keeps the backslashes.
            ("<?xml version=\\\"1.0\\\"?><Bxml/>", "line 1"),
            (
                "<!DOCTYPE Bxml [<!ENTITY a \"b\">]><Bxml>&a;</Bxml>",
                "line 1",
            ),
        ] {
            let err = check(doc).unwrap_err();
            assert_eq!(err.field, Some("bxml"));
            assert!(err.message.contains(want), "{doc:?}: {}", err.message);
        }
    }

    #[test]
    fn the_root_must_be_bxml() {
        for (doc, root) in [
            ("<Response><Hangup/></Response>", "<Response>"),
            ("<bxml/>", "<bxml>"),
            ("<x:Bxml xmlns:x=\"urn:x\"/>", "in namespace urn:x"),
        ] {
            let err = check(doc).unwrap_err();
            assert!(err.message.contains(root), "{doc}: {}", err.message);
        }
    }

    #[test]
    fn size_limit() {
        let pad = |n: usize| format!("<Bxml>{}</Bxml>", " ".repeat(n - 13));
        check(&pad(MAX_BXML_BYTES)).unwrap();
        let err = check(&pad(MAX_BXML_BYTES + 1)).unwrap_err();
        assert!(err.message.contains("65537 bytes"), "{}", err.message);
    }

    #[test]
    fn escaped_text_cannot_inject_verbs() {
        let hostile = "</SpeakSentence><Transfer><PhoneNumber>+1900</PhoneNumber></Transfer><SpeakSentence a='\"'>\r\n\t&";
        let escaped = escape(hostile).unwrap();
        assert!(!escaped.contains(['<', '>', '"', '\'', '\r', '\n']));
        let doc =
            format!("<Bxml><SpeakSentence voice=\"{escaped}\">{escaped}</SpeakSentence></Bxml>");
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let verb = parsed.root_element().first_element_child().unwrap();
        assert_eq!(parsed.root_element().children().count(), 1);
        assert_eq!(verb.text(), Some(hostile));
        assert_eq!(verb.attribute("voice"), Some(hostile));
        assert_eq!(escape("plain caf\u{e9}").unwrap(), "plain caf\u{e9}");
    }

    #[test]
    fn characters_xml_cannot_carry() {
        for bad in ["a\u{0}b", "\u{1b}[31m", "\u{ffff}"] {
            let err = escape(bad).unwrap_err();
            assert_eq!(err.field, Some("text"));
        }
    }
}
