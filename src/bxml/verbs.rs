//! Every BXML verb and child element, with its attributes, text and
//! children, from Bandwidth's BXML reference: verbs that connect, hold or
//! end calls in `calls.rs`, prompts, digits and recordings in `media.rs`,
//! streams and live transcriptions in `streams.rs`, and the value formats
//! and checks the rules share in `values.rs`.

use super::schema::{Attr, Element, Kind, Place, Text};

mod calls;
mod media;
mod streams;
mod values;

const URL: Kind = Kind::Url;
const METHOD: Kind = Kind::Method;
const BOOL: Kind = Kind::Bool;
/// A `tag`: sent back with later webhooks; `""` clears it.
const TAG_VALUE: Kind = Kind::Text { max_chars: 256 };
const ANY: Kind = Kind::Text { max_chars: 0 };
/// Keys that end a `<Gather>` or a `<Record>`.
const KEYS: Kind = Kind::Chars {
    allowed: "0123456789*#",
    max_chars: 0,
};
const FILE_FORMAT: Kind = Kind::OneOf(&["mp3", "wav"]);
const TRACKS: Kind = Kind::OneOf(&["inbound", "outbound", "both"]);
const POST: Option<&str> = Some("POST");
const FALSE: Option<&str> = Some("false");

const USERNAME: Attr = attr("username", ANY, None);
const PASSWORD: Attr = attr("password", ANY, None);
const FALLBACK_USERNAME: Attr = attr("fallbackUsername", ANY, None);
const FALLBACK_PASSWORD: Attr = attr("fallbackPassword", ANY, None);
const TAG_ATTR: Attr = attr("tag", TAG_VALUE, None);

const fn attr(name: &'static str, kind: Kind, default: Option<&'static str>) -> Attr {
    Attr {
        name,
        kind,
        default,
    }
}

const fn verb(name: &'static str, conference: bool, attrs: &'static [Attr], text: Text) -> Element {
    Element {
        name,
        attrs,
        text,
        children: &[],
        max_children: 0,
        min_children: 0,
        place: Place::Verb { conference },
        rule: None,
    }
}

/// An element that goes only inside a verb listing it in `children`.
const fn child(name: &'static str, attrs: &'static [Attr], text: Text) -> Element {
    Element {
        place: Place::Child,
        ..verb(name, false, attrs, text)
    }
}

/// The elements, verbs first, in the order of Bandwidth's reference.
pub static ELEMENTS: &[Element] = &[
    calls::BRIDGE,
    calls::CONFERENCE,
    calls::FORWARD,
    media::GATHER,
    calls::HANGUP,
    calls::PAUSE,
    media::PAUSE_RECORDING,
    media::PLAY_AUDIO,
    media::RECORD,
    calls::REDIRECT,
    media::RESUME_RECORDING,
    calls::RING,
    media::SEND_DTMF,
    media::SPEAK_SENTENCE,
    media::START_GATHER,
    media::START_RECORDING,
    streams::START_STREAM,
    streams::START_TRANSCRIPTION,
    media::STOP_GATHER,
    media::STOP_RECORDING,
    streams::STOP_STREAM,
    streams::STOP_TRANSCRIPTION,
    calls::TAG,
    calls::TRANSFER,
    calls::PHONE_NUMBER,
    calls::SIP_URI,
    streams::STREAM_PARAM,
    streams::CUSTOM_PARAM,
];

/// The element called `name`, if BXML has one.
pub fn find(name: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| e.name == name)
}
