//! The rules across attributes and children, and the documents shaped like
//! the examples of Bandwidth's BXML reference.

use super::{accepted, element, refused, Node, REFUSE, REQUIRED};
use crate::bxml::{check, DocumentKind};
use std::path::Path;

fn nodes(name: &str, count: usize) -> Vec<Node> {
    (0..count).map(|_| Node::minimal(element(name))).collect()
}

#[test]
fn required_attributes() {
    for (name, attrs) in REQUIRED {
        let el = element(name);
        accepted(&Node::minimal(el).placed());
        for attr in *attrs {
            let node = Node::minimal(el).without(attr).placed();
            refused(&node, &format!("{attr} is required"));
        }
    }
}

#[test]
fn gather_plays_its_prompts_at_most_twenty_times() {
    let gather = || Node::minimal(element("Gather"));
    let prompts = |n| nodes("PlayAudio", n);
    accepted(&gather().with("repeatCount", "20").holding(prompts(1)));
    accepted(&gather().with("repeatCount", "4").holding(prompts(5)));
    accepted(&gather().holding(prompts(20)));
    let too_many = gather().with("repeatCount", "4").holding(prompts(6));
    refused(&too_many, "repeatCount 4 × 6 nested verbs is more than 20");
    refused(&gather().holding(prompts(21)), "at most 20");
}

#[test]
fn transfer_rings_one_to_eight_destinations() {
    let transfer = || Node::minimal(element("Transfer"));
    refused(&transfer().holding(Vec::new()), "needs at least 1 of");
    let mut eight = nodes("PhoneNumber", 4);
    eight.extend(nodes("SipUri", 4));
    accepted(&transfer().holding(eight));
    refused(&transfer().holding(nodes("PhoneNumber", 9)), "at most 8");
}

#[test]
fn streams_and_transcriptions_take_twelve_parameters() {
    for (verb, param) in [
        ("StartStream", "StreamParam"),
        ("StartTranscription", "CustomParam"),
    ] {
        let start = || Node::minimal(element(verb));
        accepted(&start().holding(nodes(param, 12)));
        refused(&start().holding(nodes(param, 13)), "at most 12");
    }
}

#[test]
fn stabilized_needs_a_destination() {
    let start = || Node::minimal(element("StartTranscription"));
    let destination = "wss://transcripts.app.example/live";
    for value in ["true", "false"] {
        accepted(
            &start()
                .with("destination", destination)
                .with("stabilized", value),
        );
        refused(&start().with("stabilized", value), "stabilized");
    }
}

#[test]
fn credentials_go_only_to_https() {
    // The verb, a credential, and a URL it is sent to.
    for (verb, credential, url) in [
        ("Record", "username", "recordCompleteUrl"),
        ("Record", "password", "recordingAvailableUrl"),
        ("Record", "username", "transcriptionAvailableUrl"),
        ("Record", "fallbackPassword", "recordCompleteFallbackUrl"),
        ("StartRecording", "password", "recordingAvailableUrl"),
        ("StartRecording", "username", "transcriptionAvailableUrl"),
        ("StartStream", "username", "streamEventUrl"),
        ("StartTranscription", "password", "transcriptionEventUrl"),
    ] {
        let plain = "HTTP://hooks.app.example/events";
        let with_credential = || Node::minimal(element(verb)).with(credential, "s3cret");
        refused(
            &with_credential().with(url, plain),
            &format!("{url} must be https when {credential} is set"),
        );
        accepted(&with_credential().with(url, "https://hooks.app.example/events"));
        // A relative URL takes the scheme of the URL that returned the BXML.
        accepted(&with_credential().with(url, "/events"));
        accepted(&Node::minimal(element(verb)).with(url, plain));
    }
    // Each pair of credentials goes to its own URLs only.
    let record = || Node::minimal(element("Record"));
    let plain = "http://hooks.app.example/events";
    accepted(
        &record()
            .with("fallbackUsername", "u")
            .with("recordCompleteUrl", plain),
    );
    accepted(
        &record()
            .with("username", "u")
            .with("recordCompleteFallbackUrl", plain),
    );
    // Redirect states no such rule, and the reference's example relies on it.
    let redirect = Node::minimal(element("Redirect"));
    accepted(&redirect.with("redirectUrl", plain).with("password", "p"));
}

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bxml/examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(path).unwrap())
        })
        .collect()
}

#[test]
fn documents_shaped_like_the_references_examples_pass() {
    let examples = examples();
    assert_eq!(examples.len(), 33);
    for (name, doc) in &examples {
        assert!(name.ends_with(".xml"), "{name}");
        let root = roxmltree::Document::parse(doc).unwrap();
        let kind = match root.root_element().tag_name().name() {
            "Bxml" => DocumentKind::UpdateCall,
            _ => DocumentKind::Response,
        };
        check(doc, kind, REFUSE).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    }
}

/// The reference's StartStream example spells streamEventsUrl; its own
/// table of attributes, and the SDKs, say streamEventUrl.
#[test]
fn the_stream_examples_spelling_is_refused_with_the_right_one() {
    let doc = "<Response><StartStream destination=\"wss://s.app.example\" \
               streamEventsUrl=\"https://app.example/e\"/></Response>";
    let err = check(doc, DocumentKind::Response, REFUSE).unwrap_err();
    assert!(
        err.message.contains("did you mean streamEventUrl?"),
        "{}",
        err.message
    );
}

/// A second copy of the reference's numbers, so that an edit to the table
/// which the walk above would follow is still noticed.
#[test]
fn numbers_keep_the_references_ranges_and_defaults() {
    use crate::bxml::schema::Kind;
    let documented = [
        ("Conference", "callbackTimeout", 1.0, 25.0, None),
        ("Forward", "callTimeout", 1.0, 300.0, Some("30")),
        ("Gather", "maxDigits", 1.0, 50.0, Some("50")),
        ("Gather", "interDigitTimeout", 1.0, 60.0, Some("5")),
        ("Gather", "firstDigitTimeout", 0.0, 60.0, Some("5")),
        ("Gather", "repeatCount", 1.0, 20.0, Some("1")),
        ("Pause", "duration", 0.1, 86400.0, Some("1")),
        ("Record", "maxDuration", 0.0, 10800.0, Some("60")),
        ("Record", "silenceTimeout", 0.0, 10800.0, Some("0")),
        ("Ring", "duration", 0.1, 86400.0, Some("5")),
        ("SendDtmf", "toneDuration", 50.0, 5000.0, Some("200")),
        ("SendDtmf", "toneInterval", 50.0, 5000.0, Some("400")),
        ("Transfer", "callTimeout", 1.0, 300.0, Some("30")),
    ];
    for (verb, name, min, max, default) in documented {
        let attr = element(verb).attrs.iter().find(|a| a.name == name).unwrap();
        let range = match attr.kind {
            Kind::Int { min, max } => (min as f64, max as f64),
            Kind::Decimal { min, max } => (min, max),
            _ => panic!("{verb} {name} is not a number"),
        };
        assert_eq!(range, (min, max), "{verb} {name}");
        assert_eq!(attr.default, default, "{verb} {name}");
    }
}
