//! The builder: a BXML document made call by call, each call checked
//! against the table before anything is written, so what it renders is a
//! document the checker accepts. Text and attribute values are always
//! escaped; SSML goes in only through [`Builder::ssml`], parsed, checked
//! and written anew. Attributes come out in the table's order, so the same
//! document is the same bytes whichever order they were set in.

use super::rules::{self, Opened, Parent};
use super::schema::{Element, Text};
use super::{check_text, escape_into, DocumentKind, UnknownVerbs, MAX_BXML_BYTES};
use crate::error::Error;
use std::borrow::Cow;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// A BXML document being built. Every method either does what it says or
/// fails and leaves the builder as it was.
#[derive(Clone)]
pub struct Builder {
    kind: DocumentKind,
    unknown: UnknownVerbs,
    out: String,
    open: Vec<Open>,
}

#[derive(Clone)]
struct Attribute {
    /// Its place in the output: the table's order.
    place: usize,
    name: Cow<'static, str>,
    value: String,
}

/// An element opened and not yet closed.
#[derive(Clone)]
pub(super) struct Open {
    name: Cow<'static, str>,
    element: Opened,
    /// Set so far; written with the start tag.
    attrs: Vec<Attribute>,
    /// The start tag is written: attributes can no longer be set.
    started: bool,
    children: usize,
    /// Its text so far, SSML tags left out, for the complete-element rules.
    text: String,
}

impl Builder {
    /// An empty document of `kind`: `<Response>` or `<Bxml>`.
    pub fn new(kind: DocumentKind, unknown: UnknownVerbs) -> Builder {
        let mut out = String::with_capacity(1024);
        out.push_str(DECLARATION);
        out.push('<');
        out.push_str(kind.root());
        out.push('>');
        Builder {
            kind,
            unknown,
            out,
            open: Vec::new(),
        }
    }

    /// Opens `element` inside the element open now (or the root).
    pub fn open(&mut self, element: &str) -> Result<(), Error> {
        let parent = match self.open.last() {
            None => Parent::Root(self.kind),
            Some(Open {
                element: Opened::Known(el),
                ..
            }) => Parent::Element(el),
            Some(Open { name, .. }) => {
                return Err(invalid(
                    "element",
                    format!("<{name}> is a verb this library does not know; it can hold only text"),
                ))
            }
        };
        let opened =
            rules::child(parent, element, self.unknown).map_err(|p| invalid("element", p))?;
        self.undone_on_error(Self::start_content)?;
        if let Some(parent) = self.open.last_mut() {
            parent.children += 1;
        }
        self.open.push(Open {
            name: match opened {
                Opened::Known(el) => Cow::Borrowed(el.name),
                Opened::Unknown => Cow::Owned(element.to_owned()),
            },
            element: opened,
            attrs: Vec::new(),
            started: false,
            children: 0,
            text: String::new(),
        });
        Ok(())
    }

    /// Sets attribute `name` of the element open now, before its text or
    /// children.
    pub fn attr(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let Some(open) = self.open.last_mut() else {
            return Err(invalid(
                "name",
                format!("<{}> has no attributes", self.kind.root()),
            ));
        };
        if open.started {
            return Err(invalid(
                "name",
                format!(
                    "<{}>'s attribute {name:?} comes after its text or children; set attributes first",
                    open.name
                ),
            ));
        }
        if open.attrs.iter().any(|a| a.name == name) {
            return Err(invalid(
                "name",
                format!("<{}>'s attribute {name} is set twice", open.name),
            ));
        }
        let (place, name) = match open.element {
            Opened::Known(el) => {
                let place = rules::attribute(el, name, value).map_err(|p| {
                    let known = el.attrs.iter().any(|a| a.name == name);
                    invalid(if known { "value" } else { "name" }, p)
                })?;
                (place, Cow::Borrowed(el.attrs[place].name))
            }
            Opened::Unknown if rules::is_name(name) => (usize::MAX, Cow::Owned(name.to_owned())),
            Opened::Unknown => {
                return Err(invalid(
                    "name",
                    format!("{name:?} is not an attribute name"),
                ))
            }
        };
        check_text("value", value).map_err(|e| {
            invalid(
                "value",
                format!("<{}> attribute {name}: {}", open.name, e.message),
            )
        })?;
        open.attrs.push(Attribute {
            place,
            name,
            value: value.to_owned(),
        });
        Ok(())
    }

    /// Adds `text` to the element open now, escaped.
    pub fn text(&mut self, text: &str) -> Result<(), Error> {
        check_text("text", text)?;
        self.takes_text()?;
        self.undone_on_error(|b| {
            b.start_content()?;
            escape_into(&mut b.out, text);
            b.within_limit()
        })?;
        if let Some(open) = self.open.last_mut() {
            open.text.push_str(text);
        }
        Ok(())
    }

    /// Adds SSML to the `<SpeakSentence>` open now: `fragment` is text and
    /// the SSML tags Bandwidth's text-to-speech takes, with their
    /// attributes; anything else is refused. It is written anew from what
    /// was parsed, so it cannot close the verb or open another.
    pub fn ssml(&mut self, fragment: &str) -> Result<(), Error> {
        let Some(Open {
            element: Opened::Known(Element {
                text: Text::Ssml, ..
            }),
            ..
        }) = self.open.last()
        else {
            return Err(invalid(
                "fragment",
                "SSML goes only inside <SpeakSentence>".to_owned(),
            ));
        };
        let (written, spoken) = super::fragment::rewrite(fragment)?;
        self.undone_on_error(|b| {
            b.start_content()?;
            b.out.push_str(&written);
            b.within_limit()
        })?;
        if let Some(open) = self.open.last_mut() {
            open.text.push_str(&spoken);
        }
        Ok(())
    }

    /// Closes the element open now, once it is complete.
    pub fn close(&mut self) -> Result<(), Error> {
        let Some(open) = self.open.last() else {
            return Err(invalid("bxml", "no element is open".to_owned()));
        };
        if let Opened::Known(el) = open.element {
            let attr = |name: &str| {
                open.attrs
                    .iter()
                    .find(|a| a.name == name)
                    .map(|a| a.value.as_str())
            };
            rules::complete(el, &open.text, open.children, &attr)
                .map_err(|p| invalid("bxml", p))?;
        }
        self.undone_on_error(|b| {
            let Builder { out, open, .. } = b;
            let Some(top) = open.last_mut() else {
                return Ok(());
            };
            if top.started {
                out.push_str("</");
                out.push_str(&top.name);
                out.push('>');
            } else {
                write_start_tag(out, top);
                out.push_str("/>");
            }
            b.within_limit()
        })?;
        self.open.pop();
        Ok(())
    }

    /// The document, once every element is closed.
    pub fn render(&self) -> Result<String, Error> {
        let [body, end] = self.parts()?;
        Ok([body, end].concat())
    }

    /// The document in two parts (what is written, and the root's end
    /// tag), for writing it out without a copy.
    pub(crate) fn parts(&self) -> Result<[&str; 2], Error> {
        if let Some(open) = self.open.last() {
            return Err(invalid(
                "bxml",
                format!("<{}> is still open; close it first", open.name),
            ));
        }
        let end = match self.kind.root() {
            "Response" => "</Response>",
            _ => "</Bxml>",
        };
        check_size(self.out.len() + end.len())?;
        Ok([&self.out, end])
    }

    /// What is written so far, for tests comparing states.
    #[cfg(test)]
    pub(super) fn written(&self) -> &str {
        &self.out
    }

    fn takes_text(&self) -> Result<(), Error> {
        match self.open.last() {
            None => Err(invalid(
                "text",
                format!("<{}> holds no text", self.kind.root()),
            )),
            Some(Open {
                element: Opened::Known(el),
                ..
            }) => rules::takes_text(el).map_err(|p| invalid("text", p)),
            Some(_) => Ok(()),
        }
    }

    /// How much is written, and the elements open, to [`Builder::restore`]
    /// after a failed series of steps.
    pub(super) fn written_len(&self) -> usize {
        self.out.len()
    }

    pub(super) fn open_stack(&self) -> Vec<Open> {
        self.open.clone()
    }

    pub(super) fn restore(&mut self, written: usize, open: Vec<Open>) {
        self.out.truncate(written);
        self.open = open;
    }

    /// Runs `step`; if it fails, what it wrote is taken back.
    fn undone_on_error(
        &mut self,
        step: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let written = self.out.len();
        let started = self.open.last().is_some_and(|o| o.started);
        let result = step(self);
        if result.is_err() {
            self.out.truncate(written);
            if let Some(open) = self.open.last_mut() {
                open.started = started;
            }
        }
        result
    }

    /// Writes the open element's start tag, if it is not written yet.
    fn start_content(&mut self) -> Result<(), Error> {
        let Builder { out, open, .. } = self;
        match open.last_mut() {
            Some(top) if !top.started => {
                write_start_tag(out, top);
                out.push('>');
                top.started = true;
                self.within_limit()
            }
            _ => Ok(()),
        }
    }

    fn within_limit(&self) -> Result<(), Error> {
        check_size(self.out.len())
    }
}

/// `<Name a="…" b="…"`, attributes in the table's order (a verb the
/// library does not know: by name).
fn write_start_tag(out: &mut String, open: &mut Open) {
    open.attrs
        .sort_unstable_by(|a, b| (a.place, &a.name).cmp(&(b.place, &b.name)));
    out.push('<');
    out.push_str(&open.name);
    for a in &open.attrs {
        out.push(' ');
        out.push_str(&a.name);
        out.push_str("=\"");
        escape_into(out, &a.value);
        out.push('"');
    }
}

fn check_size(size: usize) -> Result<(), Error> {
    if size > MAX_BXML_BYTES {
        return Err(invalid(
            "bxml",
            format!("the document would be more than {MAX_BXML_BYTES} bytes, Bandwidth's limit"),
        ));
    }
    Ok(())
}

fn invalid(field: &'static str, message: String) -> Error {
    Error::invalid(field, message)
}
