//! The builder and the checker against each other and against hostile text.

use super::{check, Builder, DocumentKind, UnknownVerbs};
use crate::error::Error;

const RESPONSE: DocumentKind = DocumentKind::Response;
const REFUSE: UnknownVerbs = UnknownVerbs::Refuse;

fn problem(doc: &str) -> String {
    check(doc, RESPONSE, REFUSE).unwrap_err().message
}

fn accepts(kind: DocumentKind, doc: &str) {
    if let Err(e) = check(doc, kind, REFUSE) {
        panic!("{doc}: {}", e.message);
    }
}

/// A typical IVR answer, built call by call.
fn ivr(b: &mut Builder) -> Result<(), Error> {
    b.open("SpeakSentence")?;
    b.attr("voice", "julie")?;
    b.text("Welcome to Example Corp.")?;
    b.close()?;
    b.open("Gather")?;
    b.attr("maxDigits", "1")?;
    b.attr("gatherUrl", "https://app.example/gather")?;
    b.attr("repeatCount", "2")?;
    b.open("SpeakSentence")?;
    b.text("Press 1 for sales, ")?;
    b.ssml("<break strength=\"weak\"/>2 for support.")?;
    b.close()?;
    b.open("PlayAudio")?;
    b.text("https://app.example/beep.wav")?;
    b.close()?;
    b.close()?;
    b.open("Redirect")?;
    b.attr("tag", "retry")?;
    b.attr("redirectUrl", "https://app.example/menu")?;
    b.close()
}

#[test]
fn the_builder_writes_attributes_in_the_tables_order() {
    let mut b = Builder::new(RESPONSE, REFUSE);
    ivr(&mut b).unwrap();
    let doc = b.render().unwrap();
    assert_eq!(
        doc,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\
         <SpeakSentence voice=\"julie\">Welcome to Example Corp.</SpeakSentence>\
         <Gather gatherUrl=\"https://app.example/gather\" maxDigits=\"1\" repeatCount=\"2\">\
         <SpeakSentence>Press 1 for sales, <break strength=\"weak\"/>2 for support.</SpeakSentence>\
         <PlayAudio>https://app.example/beep.wav</PlayAudio></Gather>\
         <Redirect redirectUrl=\"https://app.example/menu\" tag=\"retry\"/></Response>"
    );
    accepts(RESPONSE, &doc);
}

#[test]
fn a_failed_step_leaves_the_builder_as_it_was() {
    let mut b = Builder::new(RESPONSE, REFUSE);
    b.open("Gather").unwrap();
    let before = b.written().to_owned();
    assert!(b.attr("maxDigits", "51").is_err());
    assert!(b.open("Hangup").is_err());
    assert!(b.text("x").is_err());
    assert!(b.ssml("<break/>").is_err());
    assert_eq!(b.written().to_owned(), before);
    b.attr("maxDigits", "50").unwrap();
    b.close().unwrap();
    accepts(RESPONSE, &b.render().unwrap());
}

#[test]
fn text_and_attributes_never_become_markup() {
    let hostile = [
        "</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer>",
        "\" onload=\"x",
        "]]><Hangup/>",
        "<![CDATA[<Hangup/>]]>",
        "&lt;Hangup/&gt; &amp; &#60;",
        "'single' \"double\"\r\n\ttabs",
        "<!-- --><?pi?>",
    ];
    for text in hostile {
        let mut b = Builder::new(RESPONSE, REFUSE);
        b.open("SpeakSentence").unwrap();
        b.text(text).unwrap();
        b.close().unwrap();
        b.open("Redirect").unwrap();
        b.attr("redirectUrl", "https://app.example/").unwrap();
        b.attr("tag", text).unwrap();
        b.close().unwrap();
        let doc = b.render().unwrap();
        accepts(RESPONSE, &doc);
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let verbs: Vec<_> = parsed.root_element().children().collect();
        assert_eq!(verbs.len(), 2, "{doc}");
        assert_eq!(verbs[0].text(), Some(text));
        assert_eq!(verbs[0].children().count(), 1);
        assert_eq!(verbs[1].attribute("tag"), Some(text));
    }
    for bad in ["a\u{0}b", "\u{1b}[0m", "\u{fffe}", "\u{ffff}"] {
        let mut b = Builder::new(RESPONSE, REFUSE);
        b.open("SpeakSentence").unwrap();
        assert_eq!(b.text(bad).unwrap_err().field, Some("text"));
        b.open("Redirect").unwrap_err();
    }
}

#[test]
fn ssml_goes_in_checked_and_written_anew() {
    let speak = |fragment: &str| {
        let mut b = Builder::new(RESPONSE, REFUSE);
        b.open("SpeakSentence").unwrap();
        b.ssml(fragment).map(|()| {
            b.close().unwrap();
            b.render().unwrap()
        })
    };
    let doc = speak("Hi <p>there</p><break   strength='strong' /> &amp; bye<!-- x -->").unwrap();
    assert!(
        doc.contains(
            "<SpeakSentence>Hi <p>there</p><break strength=\"strong\"/> &amp; bye</SpeakSentence>"
        ),
        "{doc}"
    );
    for (fragment, want) in [
        (
            "</SpeakSentence><Hangup/><SpeakSentence>",
            "not well-formed",
        ),
        ("<Hangup/>", "<Hangup> is not SSML"),
        ("<brake/>", "did you mean <break>?"),
        ("<break strength=\"loud\"/>", "strength"),
        ("<break bogus=\"1\"/>", "no attribute bogus"),
        ("<break>text</break>", "holds nothing"),
        ("<sub>W3C</sub>", "SSML <sub> needs attribute alias"),
        ("<lang>hola</lang>", "needs attribute xml:lang"),
        ("<x:p xmlns:x=\"urn:x\"/>", "namespace"),
        ("<!DOCTYPE x [<!ENTITY a \"b\">]>", "not well-formed"),
    ] {
        let err = speak(fragment).unwrap_err();
        assert_eq!(err.field, Some("fragment"));
        assert!(err.message.contains(want), "{fragment}: {}", err.message);
    }
    let mut b = Builder::new(RESPONSE, REFUSE);
    b.open("PlayAudio").unwrap();
    assert!(b
        .ssml("<p>x</p>")
        .unwrap_err()
        .message
        .contains("only inside <SpeakSentence>"));
}

#[test]
fn the_builder_refuses_what_the_checker_refuses() {
    let mut b = Builder::new(RESPONSE, REFUSE);
    assert!(b
        .open("SpeakSentance")
        .unwrap_err()
        .message
        .contains("did you mean"));
    b.open("Gather").unwrap();
    assert!(b
        .attr("maxDigit", "1")
        .unwrap_err()
        .message
        .contains("did you mean maxDigits?"));
    b.attr("repeatCount", "11").unwrap();
    assert!(b
        .attr("repeatCount", "2")
        .unwrap_err()
        .message
        .contains("set twice"));
    b.open("SpeakSentence").unwrap();
    b.text("one").unwrap();
    b.close().unwrap();
    assert!(b
        .attr("tag", "late")
        .unwrap_err()
        .message
        .contains("set attributes first"));
    b.open("SpeakSentence").unwrap();
    b.text("two").unwrap();
    b.close().unwrap();
    let err = b.close().unwrap_err();
    assert!(
        err.message.contains("repeatCount 11 × 2 nested verbs"),
        "{}",
        err.message
    );
    assert!(b
        .render()
        .unwrap_err()
        .message
        .contains("<Gather> is still open"));
    let mut b = Builder::new(RESPONSE, REFUSE);
    b.open("SpeakSentence").unwrap();
    assert!(b.close().unwrap_err().message.contains("needs text"));
    b.text("   ").unwrap();
    assert!(b.close().unwrap_err().message.contains("needs text"));
}

#[test]
fn unknown_verbs_pass_only_when_allowed() {
    let doc = "<Response><NewVerb b=\"2\" a=\"1\"><Anything/></NewVerb></Response>";
    assert!(problem(doc).contains("<NewVerb> is not a BXML verb"));
    check(doc, RESPONSE, UnknownVerbs::Allow).unwrap();
    // Inside a known verb an unknown element is still refused.
    let inside = "<Response><Gather><NewVerb/></Gather></Response>";
    assert!(check(inside, RESPONSE, UnknownVerbs::Allow).is_err());
    let mut b = Builder::new(RESPONSE, UnknownVerbs::Allow);
    b.open("NewVerb").unwrap();
    b.attr("zeta", "1").unwrap();
    b.attr("alpha", "<2>").unwrap();
    assert!(b.attr("bad name", "x").is_err());
    assert!(b.open("Child").is_err());
    b.text("t").unwrap();
    b.close().unwrap();
    assert!(b.open("bad>name").is_err());
    let doc = b.render().unwrap();
    assert!(
        doc.ends_with("<Response><NewVerb alpha=\"&lt;2&gt;\" zeta=\"1\">t</NewVerb></Response>"),
        "{doc}"
    );
    check(&doc, RESPONSE, UnknownVerbs::Allow).unwrap();
}

#[test]
fn problems_name_line_and_column() {
    let doc = "<Response>\n  <Gather maxDigits=\"51\"/>\n</Response>";
    let msg = problem(doc);
    assert!(
        msg.starts_with("bxml at line 2, column 3: <Gather> attribute maxDigits \"51\" must be"),
        "{msg}"
    );
    for (doc, want) in [
        (
            "<Bxml/>",
            "the root element is <Bxml>; a webhook's answer needs <Response>",
        ),
        ("<Response a=\"1\"/>", "<Response> has no attribute a"),
        ("<Response>text</Response>", "<Response> holds no text"),
        (
            "<Response><Gather>x</Gather></Response>",
            "<Gather> holds no text",
        ),
        (
            "<Response><Gather><Hangup/></Gather></Response>",
            "<Gather> holds only <SpeakSentence>, <PlayAudio>, not <Hangup>",
        ),
        (
            "<Response><Hangup>bye</Hangup></Response>",
            "<Hangup> holds no text",
        ),
        (
            "<Response><PlayAudio>  </PlayAudio></Response>",
            "<PlayAudio> needs text",
        ),
        (
            "<Response><PlayAudio>ftp://x</PlayAudio></Response>",
            "<PlayAudio> text \"ftp://x\" has scheme",
        ),
        (
            "<Response><SpeakSentence><speak>x</speak></SpeakSentence></Response>",
            "<speak> is not SSML",
        ),
        (
            "<Response><SpeakSentence><break/></SpeakSentence></Response>",
            "<SpeakSentence> needs text",
        ),
        (
            "<Response><x:Hangup xmlns:x=\"urn:x\"/></Response>",
            "namespace urn:x",
        ),
        (
            "<Response><Gather x:maxDigits=\"1\" xmlns:x=\"urn:x\"/></Response>",
            "no attribute maxDigits",
        ),
        (
            "<Response><Gather password=\"hunter2\" maxDigits=\"0\"/></Response>",
            "maxDigits \"0\"",
        ),
    ] {
        let msg = problem(doc);
        assert!(msg.contains(want), "{doc}: {msg}");
        assert!(!msg.contains("hunter2"));
    }
}

#[test]
fn documents_of_each_kind() {
    accepts(
        DocumentKind::UpdateCall,
        "<Bxml><Gather><PlayAudio>a.wav</PlayAudio></Gather></Bxml>",
    );
    accepts(
        DocumentKind::UpdateConference,
        "<Bxml><SpeakSentence>hi</SpeakSentence></Bxml>",
    );
    let err = check(
        "<Bxml><Gather/></Bxml>",
        DocumentKind::UpdateConference,
        REFUSE,
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("<Gather> cannot be sent to a conference"),
        "{}",
        err.message
    );
    let mut b = Builder::new(DocumentKind::UpdateConference, REFUSE);
    assert!(b.open("Gather").is_err());
    assert_eq!(
        b.render().unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Bxml></Bxml>"
    );
}

#[test]
fn size_limit_while_building() {
    let mut b = Builder::new(RESPONSE, REFUSE);
    b.open("SpeakSentence").unwrap();
    let big = "x".repeat(super::MAX_BXML_BYTES);
    assert!(b.text(&big).unwrap_err().message.contains("65536 bytes"));
    // Nothing of the failed text was kept, not even the start tag.
    b.attr("voice", "julie").unwrap();
    b.text("ok").unwrap();
}

#[test]
fn well_formed_bxml_passes() {
    for doc in [
        "<Bxml/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bxml>\n  <SpeakSentence>Hi</SpeakSentence>\n</Bxml>",
        "<Bxml><Redirect redirectUrl=\"https://test.example\" redirectMethod=\"GET\"/></Bxml>\n",
        "<!-- c --><Bxml><SpeakSentence>caf\u{e9} &amp; &#x263A;</SpeakSentence></Bxml>",
    ] {
        check(doc, DocumentKind::UpdateCall, REFUSE).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
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
        let err = check(doc, DocumentKind::UpdateCall, REFUSE).unwrap_err();
        assert_eq!(err.field, Some("bxml"));
        assert!(err.message.contains(want), "{doc:?}: {}", err.message);
    }
}

#[test]
fn an_update_needs_a_bxml_root() {
    for (doc, root) in [
        ("<Response><Hangup/></Response>", "<Response>"),
        ("<bxml/>", "<bxml>"),
        ("<x:Bxml xmlns:x=\"urn:x\"/>", "in namespace urn:x"),
    ] {
        let err = check(doc, DocumentKind::UpdateCall, REFUSE).unwrap_err();
        assert!(err.message.contains(root), "{doc}: {}", err.message);
    }
}

#[test]
fn size_limit() {
    let pad = |n: usize| format!("<Bxml>{}</Bxml>", " ".repeat(n - 13));
    check(
        &pad(super::MAX_BXML_BYTES),
        DocumentKind::UpdateCall,
        REFUSE,
    )
    .unwrap();
    let err = check(
        &pad(super::MAX_BXML_BYTES + 1),
        DocumentKind::UpdateCall,
        REFUSE,
    )
    .unwrap_err();
    assert!(err.message.contains("65537 bytes"), "{}", err.message);
}

/// The documents every language builds with its own API and must render
/// to the same bytes: `tests/data/bxml/same/<name>.json` (the kind and the
/// verbs as a tree) and `<name>.xml` (the bytes). `make bxml-table`
/// writes the `.xml` files anew.
#[test]
fn the_shared_documents_render_to_their_committed_bytes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bxml/same");
    let write = std::env::var_os("BWVOICE_WRITE_BXML").is_some();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let kind = match spec["kind"].as_str() {
            Some("response") => DocumentKind::Response,
            Some("update_call") => DocumentKind::UpdateCall,
            Some("update_conference") => DocumentKind::UpdateConference,
            other => panic!("{path:?}: kind {other:?}"),
        };
        let unknown = if spec["allow_unknown_verbs"] == true {
            UnknownVerbs::Allow
        } else {
            REFUSE
        };
        let mut b = Builder::new(kind, unknown);
        b.append_json(&spec["verbs"].to_string())
            .unwrap_or_else(|e| panic!("{path:?}: {}", e.message));
        let doc = b.render().unwrap();
        check(&doc, kind, unknown).unwrap();
        let xml = path.with_extension("xml");
        if write {
            std::fs::write(&xml, &doc).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&xml).unwrap_or_default(),
            doc,
            "{xml:?}"
        );
        seen += 1;
    }
    assert!(seen > 0);
}
