//! The builder: a BXML document made call by call, each call checked
//! against the table before anything is written, so what it renders is a
//! document the checker accepts. Text and attribute values are always
//! escaped; SSML goes in only through [`Builder::ssml`], parsed, checked
//! and written anew. Attributes come out in the table's order, so the same
//! document is the same bytes whichever order they were set in.

use super::rules::{self, Opened, Parent};
use super::schema::{Element, Text};
use super::{escape, DocumentKind, UnknownVerbs, MAX_BXML_BYTES};
use crate::error::Error;

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
    name: String,
    value: String,
    escaped: String,
}

/// An element opened and not yet closed.
#[derive(Clone)]
struct Open {
    name: String,
    element: Opened,
    /// Set so far.
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
        let mut out = String::with_capacity(512);
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
                return Err(Error::invalid(
                    "element",
                    format!("<{name}> is a verb this library does not know; it can hold only text"),
                ))
            }
        };
        let opened =
            rules::child(parent, element, self.unknown).map_err(|p| invalid("element", p))?;
        self.start_content()?;
        if let Some(parent) = self.open.last_mut() {
            parent.children += 1;
        }
        self.open.push(Open {
            name: element.to_owned(),
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
                format!("<{}>'s attribute {name} comes after its text or children; set attributes first", open.name),
            ));
        }
        if open.attrs.iter().any(|a| a.name == name) {
            return Err(invalid(
                "name",
                format!("<{}>'s attribute {name} is set twice", open.name),
            ));
        }
        let place = match open.element {
            Opened::Known(el) => {
                rules::attribute(el, name, value).map_err(|p| invalid("value", p))?
            }
            Opened::Unknown if rules::is_name(name) => usize::MAX,
            Opened::Unknown => {
                return Err(invalid(
                    "name",
                    format!("{name:?} is not an attribute name"),
                ))
            }
        };
        let escaped = escape(value).map_err(|e| invalid("value", e.message))?;
        open.attrs.push(Attribute {
            place,
            name: name.to_owned(),
            value: value.to_owned(),
            escaped,
        });
        Ok(())
    }

    /// Adds `text` to the element open now, escaped.
    pub fn text(&mut self, text: &str) -> Result<(), Error> {
        let escaped = escape(text)?;
        self.takes_text()?;
        self.undone_on_error(|b| {
            b.start_content()?;
            b.write(&escaped)
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
            b.write(&written)
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
        let end = if open.started {
            format!("</{}>", open.name)
        } else {
            format!("{}/>", start_tag(open))
        };
        self.write(&end)?;
        self.open.pop();
        Ok(())
    }

    /// The document, once every element is closed.
    pub fn render(&self) -> Result<String, Error> {
        if let Some(open) = self.open.last() {
            return Err(invalid(
                "bxml",
                format!("<{}> is still open; close it first", open.name),
            ));
        }
        let close = format!("</{}>", self.kind.root());
        check_size(self.out.len() + close.len())?;
        let mut doc = String::with_capacity(self.out.len() + close.len());
        doc.push_str(&self.out);
        doc.push_str(&close);
        Ok(doc)
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
        let Some(open) = self.open.last() else {
            return Ok(());
        };
        if open.started {
            return Ok(());
        }
        let tag = format!("{}>", start_tag(open));
        self.write(&tag)?;
        if let Some(open) = self.open.last_mut() {
            open.started = true;
        }
        Ok(())
    }

    fn write(&mut self, piece: &str) -> Result<(), Error> {
        check_size(self.out.len() + piece.len())?;
        self.out.push_str(piece);
        Ok(())
    }
}

/// `<Name a="…" b="…"`, attributes in the table's order (a verb the
/// library does not know: by name).
fn start_tag(open: &Open) -> String {
    let mut attrs: Vec<&Attribute> = open.attrs.iter().collect();
    attrs.sort_by(|a, b| (a.place, &a.name).cmp(&(b.place, &b.name)));
    let mut tag = format!("<{}", open.name);
    for a in attrs {
        tag.push_str(&format!(" {}=\"{}\"", a.name, a.escaped));
    }
    tag
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
