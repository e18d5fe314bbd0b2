//! BXML: the table of verbs (`verbs.rs`, `ssml.rs`), the checker every
//! document sent goes through, the builder, and escaping caller text.

use crate::error::Error;

/// Largest BXML document sent, in bytes (Bandwidth's documented 64 KB).
pub const MAX_BXML_BYTES: usize = 64 * 1024;

mod builder;
mod checker;
#[cfg(test)]
mod export;
mod fragment;
mod rules;
mod schema;
mod ssml;
mod tree;
mod verbs;

pub use builder::Builder;

/// What a BXML document is for, which sets its root and the verbs it may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentKind {
    /// The answer to a webhook: `<Response>`, every verb.
    Response,
    /// Sent with updateCallBxml: `<Bxml>`, every verb.
    UpdateCall,
    /// Sent with updateConferenceBxml: `<Bxml>`, only the verbs a
    /// conference plays (speech, audio and recording control).
    UpdateConference,
}

impl DocumentKind {
    /// The root element's name.
    pub fn root(self) -> &'static str {
        match self {
            DocumentKind::Response => "Response",
            DocumentKind::UpdateCall | DocumentKind::UpdateConference => "Bxml",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            DocumentKind::Response => "a webhook's answer",
            DocumentKind::UpdateCall => "updateCallBxml",
            DocumentKind::UpdateConference => "updateConferenceBxml",
        }
    }
}

/// Whether a verb this library does not know is refused (a typo such as
/// `<SpeakSentance>`) or let through unchecked (a verb Bandwidth added
/// after this version). Known verbs are checked either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnknownVerbs {
    /// Refused, with the nearest known verb in the message.
    #[default]
    Refuse,
    /// Let through with whatever it holds.
    Allow,
}

/// Checks `document` as BXML of `kind`, by Bandwidth's rules: at most
/// [`MAX_BXML_BYTES`], well-formed, the root `kind` needs, every element
/// where it may be, every attribute known and its value in range, the
/// text each element needs, and the rules across attributes (Gather's
/// `repeatCount` × nested verbs ≤ 20). The error names the first problem
/// and its line and column. A DOCTYPE is refused: BXML has none, and
/// entity definitions are how XML bombs work.
///
/// ```
/// use bwvoice::bxml::{check, DocumentKind, UnknownVerbs};
/// let doc = "<Response><Gather maxDigits=\"51\"/></Response>";
/// let err = check(doc, DocumentKind::Response, UnknownVerbs::Refuse).unwrap_err();
/// assert!(err.message.contains("line 1, column 11"), "{}", err.message);
/// assert!(err.message.contains("maxDigits"), "{}", err.message);
/// ```
pub fn check(document: &str, kind: DocumentKind, unknown: UnknownVerbs) -> Result<(), Error> {
    checker::check(document, kind, unknown)
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
    check_text("text", text)?;
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    Ok(out)
}

/// Refuses text with a character XML 1.0 cannot carry at all (control
/// characters other than tab, newline and carriage return; U+FFFE, U+FFFF).
fn check_text(field: &'static str, text: &str) -> Result<(), Error> {
    // Only bytes below 0x20 and the lead byte of U+FFFE/U+FFFF (0xEF) can
    // start such a character: most text is passed over byte by byte.
    let suspect = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if !text.as_bytes().iter().any(suspect) {
        return Ok(());
    }
    let unwritable = |c: &char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    match text.chars().find(unwritable) {
        None => Ok(()),
        Some(c) => Err(Error::invalid(
            field,
            format!(
                "{field} contains U+{:04X}, which XML cannot carry",
                u32::from(c)
            ),
        )),
    }
}

/// Appends `text`, which [`check_text`] accepted, escaped as [`escape`] says.
fn escape_into(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\t' => "&#9;",
            b'\n' => "&#10;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod table_tests;

#[cfg(test)]
mod escape_tests {
    use super::*;

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
