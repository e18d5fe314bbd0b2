//! The table walked, each case through both the checker and the builder:
//! every number at and just past its bounds, every closed set, every
//! format, every element where it may and may not go, a minimal instance
//! of each element under each root, and the rules across attributes.
//! `table_tests/rules.rs` has the rules across attributes and the
//! reference's examples.

use super::schema::{Element, Kind, Place, Text};
use super::{check, escape, ssml, verbs, Builder, DocumentKind, UnknownVerbs};
use crate::error::Error;

mod rules;

const REFUSE: UnknownVerbs = UnknownVerbs::Refuse;
const KINDS: [DocumentKind; 3] = [
    DocumentKind::Response,
    DocumentKind::UpdateCall,
    DocumentKind::UpdateConference,
];

/// Tried in turn for a `Kind::Format`: the first value it takes is its sample.
const FORMAT_SAMPLES: &[&str] = &[
    "+15550100",
    "sip:desk@pbx.example",
    "wss://stream.app.example/in",
    "standup-3",
    "bXk=;encoding=base64",
    "1s",
    "50%",
    "+1dB",
];

/// The attributes an element's rule will not do without.
const REQUIRED: &[(&str, &[&str])] = &[
    ("Forward", &["to"]),
    ("Redirect", &["redirectUrl"]),
    ("StartGather", &["dtmfUrl"]),
    ("StartStream", &["destination"]),
    ("StopStream", &["name"]),
    ("StreamParam", &["name", "value"]),
    ("CustomParam", &["name", "value"]),
];

/// A value `kind` takes.
fn sample(kind: &Kind) -> String {
    match *kind {
        Kind::Text { .. } => "x".to_owned(),
        Kind::Url => "https://app.example/next".to_owned(),
        Kind::Method => "GET".to_owned(),
        Kind::Bool => "true".to_owned(),
        Kind::Int { min, .. } => min.to_string(),
        Kind::Decimal { min, .. } => min.to_string(),
        Kind::OneOf(values) => values[0].to_owned(),
        Kind::Chars { allowed, .. } => allowed[..1].to_owned(),
        Kind::Format { what, check } => FORMAT_SAMPLES
            .iter()
            .find(|s| check(s))
            .unwrap_or_else(|| panic!("no sample is {what}"))
            .to_string(),
    }
}

fn element(name: &str) -> &'static Element {
    verbs::find(name).unwrap_or_else(|| panic!("<{name}> is in the table"))
}

/// An element as a test writes it, before it is a document.
struct Node {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    text: Option<String>,
    children: Vec<Node>,
}

impl Node {
    /// `el` with what it cannot do without: its required attributes, text
    /// and fewest children.
    fn minimal(el: &'static Element) -> Node {
        let attrs = REQUIRED
            .iter()
            .filter(|(name, _)| *name == el.name)
            .flat_map(|(_, names)| names.iter())
            .map(|name| {
                let attr = el.attrs.iter().find(|a| a.name == *name).unwrap();
                (attr.name, sample(&attr.kind))
            })
            .collect();
        let text = match el.text {
            Text::Required(kind) => Some(sample(&kind)),
            Text::Ssml => Some("Hello".to_owned()),
            Text::None | Text::Optional(_) => None,
        };
        let children = (0..el.min_children)
            .map(|_| Node::minimal(element(el.children[0])))
            .collect();
        Node {
            name: el.name,
            attrs,
            text,
            children,
        }
    }

    fn with(mut self, name: &'static str, value: &str) -> Node {
        self.attrs.retain(|(n, _)| *n != name);
        self.attrs.push((name, value.to_owned()));
        self
    }

    fn without(mut self, name: &str) -> Node {
        self.attrs.retain(|(n, _)| *n != name);
        self
    }

    fn holding(mut self, children: Vec<Node>) -> Node {
        self.children = children;
        self
    }

    /// Inside the verb that holds it, if it is a child element.
    fn placed(self) -> Node {
        match element(self.name).place {
            Place::Verb { .. } => self,
            Place::Child => {
                let parent = verbs::ELEMENTS
                    .iter()
                    .find(|p| p.children.contains(&self.name))
                    .unwrap();
                Node::minimal(parent).holding(vec![self])
            }
        }
    }

    fn xml(&self) -> String {
        let mut out = format!("<{}", self.name);
        for (name, value) in &self.attrs {
            out.push_str(&format!(" {name}=\"{}\"", escape(value).unwrap()));
        }
        out.push('>');
        if let Some(text) = &self.text {
            out.push_str(&escape(text).unwrap());
        }
        for child in &self.children {
            out.push_str(&child.xml());
        }
        out + &format!("</{}>", self.name)
    }

    fn build(&self, b: &mut Builder) -> Result<(), Error> {
        b.open(self.name)?;
        for (name, value) in &self.attrs {
            b.attr(name, value)?;
        }
        if let Some(text) = &self.text {
            b.text(text)?;
        }
        for child in &self.children {
            child.build(b)?;
        }
        b.close()
    }
}

fn document(kind: DocumentKind, node: &Node) -> String {
    format!("<{root}>{}</{root}>", node.xml(), root = kind.root())
}

fn built(kind: DocumentKind, node: &Node) -> Result<String, Error> {
    let mut b = Builder::new(kind, REFUSE);
    node.build(&mut b)?;
    b.render()
}

/// `node` is taken by the checker as written, and by the builder, whose
/// document the checker takes too.
fn accepted(node: &Node) {
    let kind = DocumentKind::Response;
    let doc = document(kind, node);
    check(&doc, kind, REFUSE).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
    let doc = built(kind, node).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
    check(&doc, kind, REFUSE).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
}

/// `node` is refused by the checker and the builder, each naming `what`.
fn refused(node: &Node, what: &str) {
    let kind = DocumentKind::Response;
    let doc = document(kind, node);
    let err = check(&doc, kind, REFUSE).expect_err(&doc);
    assert!(err.message.contains(what), "{doc}: {}", err.message);
    let err = built(kind, node).expect_err(&doc);
    assert!(err.message.contains(what), "{doc}: {}", err.message);
}

#[test]
fn numbers_at_and_just_past_their_bounds() {
    let mut tried = 0;
    for el in verbs::ELEMENTS {
        for attr in el.attrs {
            let (inside, outside) = match attr.kind {
                Kind::Int { min, max } => (
                    [min.to_string(), max.to_string()],
                    [(min - 1).to_string(), (max + 1).to_string()],
                ),
                Kind::Decimal { min, max } => (
                    [min.to_string(), max.to_string()],
                    [(min - 0.01).to_string(), (max + 0.01).to_string()],
                ),
                _ => continue,
            };
            for value in &inside {
                accepted(&Node::minimal(el).with(attr.name, value).placed());
            }
            for value in &outside {
                refused(
                    &Node::minimal(el).with(attr.name, value).placed(),
                    attr.name,
                );
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 13);
}

#[test]
fn every_value_of_a_closed_set_and_no_other() {
    let mut tried = 0;
    for el in verbs::ELEMENTS {
        for attr in el.attrs {
            let Kind::OneOf(values) = attr.kind else {
                continue;
            };
            for value in values {
                accepted(&Node::minimal(el).with(attr.name, value).placed());
            }
            let wrong = Node::minimal(el).with(attr.name, "not-a-choice").placed();
            refused(&wrong, attr.name);
            tried += 1;
        }
    }
    assert_eq!(tried, 9);
}

#[test]
fn every_format_takes_its_sample_and_refuses_junk() {
    for el in verbs::ELEMENTS {
        for attr in el.attrs {
            if let Kind::Format { .. } = attr.kind {
                accepted(
                    &Node::minimal(el)
                        .with(attr.name, &sample(&attr.kind))
                        .placed(),
                );
                refused(&Node::minimal(el).with(attr.name, "??").placed(), attr.name);
            }
        }
        if let Text::Required(kind @ Kind::Format { what, .. }) = el.text {
            let mut node = Node::minimal(el);
            node.text = Some(sample(&kind));
            accepted(&node.placed());
            node = Node::minimal(el);
            node.text = Some("??".to_owned());
            refused(&node.placed(), what);
        }
    }
}

/// `<SpeakSentence>` holding `fragment`, through the checker and through
/// the builder's SSML.
fn speak(fragment: &str) -> [Result<(), Error>; 2] {
    let kind = DocumentKind::Response;
    let doc = format!("<Response><SpeakSentence>Hi {fragment}</SpeakSentence></Response>");
    let mut b = Builder::new(kind, REFUSE);
    b.open("SpeakSentence").unwrap();
    b.text("Hi ").unwrap();
    let built = b.ssml(fragment).and_then(|()| {
        b.close()?;
        check(&b.render()?, kind, REFUSE)
    });
    [check(&doc, kind, REFUSE), built]
}

#[test]
fn every_ssml_value_the_reference_lists_and_no_other() {
    let mut tried = 0;
    for tag in ssml::TAGS {
        let fragment = |attrs: &str| match tag.empty {
            true => format!("<{}{attrs}/>", tag.name),
            false => format!("<{}{attrs}>there</{}>", tag.name, tag.name),
        };
        let value_of = |kind: &Kind| match kind {
            Kind::OneOf(values) => values[0].to_string(),
            kind => sample(kind),
        };
        // The attributes the tag cannot do without, each with a good value,
        // except `skip` (the one under test).
        let required = |skip: &str| -> String {
            tag.attrs
                .iter()
                .filter(|a| tag.required.contains(&a.name) && a.name != skip)
                .map(|a| format!(" {}=\"{}\"", a.name, value_of(&a.kind)))
                .collect()
        };
        for result in speak(&fragment(&required(""))) {
            result.unwrap_or_else(|e| panic!("<{}>: {}", tag.name, e.message));
        }
        if !tag.required.is_empty() {
            for result in speak(&fragment("")) {
                let message = result.expect_err(tag.name).message;
                assert!(message.contains("needs attribute"), "{message}");
            }
        }
        for attr in tag.attrs {
            let good: Vec<String> = match attr.kind {
                Kind::OneOf(values) => values.iter().map(|v| v.to_string()).collect(),
                kind => vec![sample(&kind)],
            };
            let others = required(attr.name);
            for value in good {
                for result in speak(&fragment(&format!("{others} {}=\"{value}\"", attr.name))) {
                    result.unwrap_or_else(|e| panic!("{} {value}: {}", attr.name, e.message));
                }
            }
            if let Kind::Text { .. } = attr.kind {
                continue;
            }
            let junk = fragment(&format!("{others} {}=\"??\"", attr.name));
            for result in speak(&junk) {
                let message = result.expect_err(&junk).message;
                assert!(message.contains(attr.name), "{junk}: {message}");
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 9);
}

#[test]
fn no_element_holds_what_it_does_not_list() {
    for el in verbs::ELEMENTS {
        assert!(!el.children.contains(&"Hangup"));
        let stray = Node::minimal(element("Hangup"));
        let node = Node::minimal(el).holding(vec![stray]).placed();
        refused(&node, "<Hangup>");
    }
}

#[test]
fn child_elements_are_not_verbs() {
    let children: Vec<_> = verbs::ELEMENTS
        .iter()
        .filter(|e| e.place == Place::Child)
        .collect();
    assert_eq!(children.len(), 4);
    for el in children {
        for kind in KINDS {
            let doc = document(kind, &Node::minimal(el));
            let err = check(&doc, kind, REFUSE).expect_err(&doc);
            assert!(err.message.contains("is not a verb"), "{}", err.message);
            let err = Builder::new(kind, REFUSE).open(el.name).unwrap_err();
            assert!(err.message.contains("is not a verb"), "{}", err.message);
        }
    }
}

#[test]
fn conference_bxml_takes_only_the_six_verbs() {
    let kind = DocumentKind::UpdateConference;
    let mut taken = Vec::new();
    for el in verbs::ELEMENTS {
        match el.place {
            Place::Verb { conference: true } => taken.push(el.name),
            Place::Verb { conference: false } => {
                let doc = document(kind, &Node::minimal(el));
                let err = check(&doc, kind, REFUSE).expect_err(&doc);
                assert!(err.message.contains("cannot be sent to a conference"));
                let err = Builder::new(kind, REFUSE).open(el.name).unwrap_err();
                assert!(err.message.contains("cannot be sent to a conference"));
            }
            Place::Child => {}
        }
    }
    let mut documented = [
        "PlayAudio",
        "SpeakSentence",
        "StartRecording",
        "StopRecording",
        "PauseRecording",
        "ResumeRecording",
    ];
    documented.sort();
    taken.sort();
    assert_eq!(taken, documented);
}

#[test]
fn a_minimal_instance_of_every_element_under_every_root() {
    let mut built_count = 0;
    for kind in KINDS {
        for el in verbs::ELEMENTS {
            let node = Node::minimal(el).placed();
            if kind == DocumentKind::UpdateConference
                && element(node.name).place != (Place::Verb { conference: true })
            {
                continue;
            }
            let doc = built(kind, &node).unwrap_or_else(|e| panic!("{}: {}", el.name, e.message));
            check(&doc, kind, REFUSE).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
            let doc = document(kind, &node);
            check(&doc, kind, REFUSE).unwrap_or_else(|e| panic!("{doc}: {}", e.message));
            built_count += 1;
        }
    }
    assert_eq!(built_count, 28 + 28 + 6);
}
