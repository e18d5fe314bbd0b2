//! BXML: the document checker on any text, and the builder driven through
//! any sequence of calls. Input formats:
//!
//! - [`bxml_check`]: the whole input is the document (bytes that are not
//!   UTF-8 become U+FFFD), checked as every kind, with and without unknown
//!   verbs let through.
//! - [`bxml_build`]: byte 0 picks the kind (bits 0-1: `Response`,
//!   `UpdateCall`, `UpdateConference`, `Response`) and bit 2 lets unknown
//!   verbs through. Then steps, each an op byte whose bits 0-2 are the call
//!   (open, attr, text, ssml, close, append_json, render, close everything);
//!   open and attr read a byte choosing a name from [`ELEMENTS`] /
//!   [`ATTRIBUTES`]; a call taking a value reads one: with bit 3 of the op
//!   set, a byte choosing from [`VALUES`], otherwise the bytes up to the
//!   next 0xFF.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

use bwvoice::bxml::{check, Builder, DocumentKind, UnknownVerbs};
use bwvoice::{Error, Status, MAX_BXML_BYTES};

const KINDS: [DocumentKind; 3] = [
    DocumentKind::Response,
    DocumentKind::UpdateCall,
    DocumentKind::UpdateConference,
];

/// The fields a builder step may name when it fails.
const STEP_FIELDS: [&str; 7] = [
    "element", "name", "value", "text", "fragment", "json", "bxml",
];

/// Verbs and child elements (some only in the full table), near misses and
/// names that are not XML names.
pub const ELEMENTS: [&str; 24] = [
    "SpeakSentence",
    "Gather",
    "PlayAudio",
    "Redirect",
    "Hangup",
    "Pause",
    "Transfer",
    "PhoneNumber",
    "SipUri",
    "Record",
    "StartRecording",
    "StopRecording",
    "PauseRecording",
    "ResumeRecording",
    "Bridge",
    "Conference",
    "Forward",
    "SendDtmf",
    "Ring",
    "Response",
    "Bxml",
    "SpeakSentance",
    "NewVerb",
    "a b",
];

/// Attribute names of those elements, near misses and non-names.
pub const ATTRIBUTES: [&str; 24] = [
    "gatherUrl",
    "gatherMethod",
    "gatherFallbackUrl",
    "maxDigits",
    "repeatCount",
    "terminatingDigits",
    "interDigitTimeout",
    "firstDigitTimeout",
    "username",
    "password",
    "tag",
    "voice",
    "gender",
    "locale",
    "redirectUrl",
    "redirectMethod",
    "duration",
    "transferCallerId",
    "callTimeout",
    "maxDigit",
    "anything",
    "xml:lang",
    "a b",
    "",
];

/// Values in range and out of it, SSML, JSON trees and hostile text.
pub const VALUES: [&str; 40] = [
    "",
    " ",
    "0",
    "1",
    "2",
    "10",
    "20",
    "21",
    "50",
    "51",
    "2.5",
    "-1",
    "GET",
    "POST",
    "get",
    "true",
    "false",
    "male",
    "female",
    "#",
    "*#09",
    "https://app.example/x?a=1&b=2",
    "/relative",
    "https://a b",
    "javascript:alert(1)",
    "julie",
    "Hello caf\u{e9} \u{1f4de}",
    "<break/>",
    "<p>one <s>two</s></p><break strength='weak'/>",
    "<break strength='loud'/>",
    "</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer>",
    "\"' ]]> <!-- --> <![CDATA[x]]> &amp; &#0;",
    "tab\tnewline\ncr\r",
    "\u{1}\u{ffff}",
    r#"[["SpeakSentence", {"voice": "julie", "locale": null}, "Hi ", {"ssml": "<break/>"}]]"#,
    r#"[["Gather", {"maxDigits": 1.0, "repeatCount": 2}, ["PlayAudio", {}, "a.wav"]]]"#,
    r#"[["Hangup", {}], ["Redirect", {"redirectUrl": "/next", "tag": "t"}]]"#,
    r#"[["PlayAudio", {}, "a.wav"], "text", {"ssml": "<p/>"}]"#,
    r#"[["Gather", {"maxDigits": 1, "maxDigits": 2}]]"#,
    "[]",
];

/// The checker on any text: it never panics; what it accepts is
/// well-formed XML with the kind's root, at most 64 KB; what it refuses is
/// an `InvalidArgument` on `bxml` with the line and column.
pub fn bxml_check(data: &[u8]) {
    let document = String::from_utf8_lossy(data);
    let mut accepts = Vec::new();
    for kind in KINDS {
        for unknown in [UnknownVerbs::Refuse, UnknownVerbs::Allow] {
            let result = check(&document, kind, unknown);
            match &result {
                Ok(()) => assert_well_formed(&document, kind),
                Err(e) => {
                    assert_eq!((e.status, e.field), (Status::InvalidArgument, Some("bxml")));
                    if document.len() <= MAX_BXML_BYTES {
                        assert!(
                            e.message.contains("line ") && e.message.contains(", column "),
                            "{}",
                            e.message
                        );
                    }
                }
            }
            accepts.push(result.is_ok());
        }
    }
    // Letting unknown verbs through refuses nothing more, and a conference
    // takes a subset of what a call takes.
    let [response, response_any, call, call_any, conference, conference_any] = accepts[..] else {
        unreachable!("six checks")
    };
    assert!(!response || response_any);
    assert!(!call || call_any);
    assert!(!conference || conference_any);
    assert!(!conference || call);
    assert!(!conference_any || call_any);
}

fn assert_well_formed(document: &str, kind: DocumentKind) {
    assert!(document.len() <= MAX_BXML_BYTES);
    let parsed = roxmltree::Document::parse(document)
        .unwrap_or_else(|e| panic!("accepted, but not XML ({e}): {document:?}"));
    assert_eq!(parsed.root_element().tag_name().name(), kind.root());
}

/// Reads the fuzz input for [`bxml_build`].
struct Steps<'a>(&'a [u8]);

impl Steps<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn pick<'n>(&mut self, names: &[&'n str]) -> &'n str {
        names[usize::from(self.byte()) % names.len()]
    }

    fn value(&mut self, op: u8) -> String {
        if op & 8 != 0 {
            return self.pick(&VALUES).to_owned();
        }
        let end = self
            .0
            .iter()
            .position(|&b| b == 0xFF)
            .unwrap_or(self.0.len());
        let value = String::from_utf8_lossy(&self.0[..end]).into_owned();
        self.0 = self.0.get(end + 1..).unwrap_or_default();
        value
    }
}

/// The builder under any sequence of calls. Each step is Ok or an
/// `InvalidArgument` naming one of the step fields; a failed step changes
/// nothing (a shadow builder given only the steps that succeeded stays in
/// step with it); and every document it renders is accepted by the checker
/// with the same kind and flag, and parses as XML.
pub fn bxml_build(data: &[u8]) {
    let mut input = Steps(data);
    let head = input.byte();
    let kind = KINDS[usize::from(head & 3) % KINDS.len()];
    let unknown = if head & 4 != 0 {
        UnknownVerbs::Allow
    } else {
        UnknownVerbs::Refuse
    };
    let mut built = Builder::new(kind, unknown);
    let mut shadow = built.clone();
    // Bounded so that one input cannot run for long.
    for _ in 0..1000 {
        if input.0.is_empty() {
            break;
        }
        let op = input.byte();
        match op & 7 {
            0 => {
                let name = input.pick(&ELEMENTS);
                step(&mut built, &mut shadow, |b| b.open(name));
            }
            1 => {
                let name = input.pick(&ATTRIBUTES);
                let value = input.value(op);
                step(&mut built, &mut shadow, |b| b.attr(name, &value));
            }
            2 => {
                let text = input.value(op);
                step(&mut built, &mut shadow, |b| b.text(&text));
            }
            3 => {
                let fragment = input.value(op);
                step(&mut built, &mut shadow, |b| b.ssml(&fragment));
            }
            4 => {
                step(&mut built, &mut shadow, Builder::close);
            }
            5 => {
                let json = input.value(op);
                step(&mut built, &mut shadow, |b| b.append_json(&json));
            }
            6 => rendered(&built, &shadow, kind, unknown),
            _ => close_all(&mut built, &mut shadow),
        }
    }
    close_all(&mut built, &mut shadow);
    rendered(&built, &shadow, kind, unknown);
}

/// Runs `call` on `built`; on success also on `shadow`, which must agree.
/// On failure, `shadow` (the same document) must fail the same way.
fn step(
    built: &mut Builder,
    shadow: &mut Builder,
    call: impl Fn(&mut Builder) -> Result<(), Error>,
) -> bool {
    match call(built) {
        Ok(()) => {
            if let Err(e) = call(shadow) {
                panic!("a step failed on the shadow only: {e:?}");
            }
            true
        }
        Err(e) => {
            assert_eq!(e.status, Status::InvalidArgument, "{e:?}");
            assert!(e.field.is_some_and(|f| STEP_FIELDS.contains(&f)), "{e:?}");
            assert!(!e.message.is_empty());
            let again = call(&mut shadow.clone()).expect_err("the same step on the shadow");
            assert_eq!((again.field, &again.message), (e.field, &e.message));
            false
        }
    }
}

/// Closes every open element it can (an incomplete one stays open).
fn close_all(built: &mut Builder, shadow: &mut Builder) {
    for _ in 0..64 {
        if !step(built, shadow, Builder::close) {
            break;
        }
    }
}

fn rendered(built: &Builder, shadow: &Builder, kind: DocumentKind, unknown: UnknownVerbs) {
    match (built.render(), shadow.render()) {
        (Ok(document), Ok(same)) => {
            assert_eq!(document, same, "a failed step changed the builder");
            if let Err(e) = check(&document, kind, unknown) {
                panic!("the checker refuses what the builder rendered: {e:?}\n{document}");
            }
            assert!(check(&document, kind, UnknownVerbs::Allow).is_ok());
            assert_well_formed(&document, kind);
        }
        (Err(e), Err(same)) => {
            assert_eq!((e.field, &e.message), (same.field, &same.message));
            assert_eq!(e.field, Some("bxml"));
        }
        (a, b) => panic!("a failed step changed the builder: {a:?} / {b:?}"),
    }
}
