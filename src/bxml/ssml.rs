//! The SSML Bandwidth's text-to-speech takes inside `<SpeakSentence>`:
//! these tags with these attributes, and nothing else.

use super::schema::{Attr, Kind};

/// One SSML tag.
pub struct Tag {
    pub name: &'static str,
    pub attrs: &'static [Attr],
    /// Holds no text or tags (`<break/>`).
    pub empty: bool,
}

pub static TAGS: &[Tag] = &[
    Tag {
        name: "break",
        attrs: &[Attr {
            name: "strength",
            kind: Kind::OneOf(&["none", "x-weak", "weak", "medium", "strong", "x-strong"]),
            default: Some("medium"),
        }],
        empty: true,
    },
    Tag {
        name: "p",
        attrs: &[],
        empty: false,
    },
];

/// The tag called `name`, if Bandwidth's SSML has one.
pub fn find(name: &str) -> Option<&'static Tag> {
    TAGS.iter().find(|t| t.name == name)
}
