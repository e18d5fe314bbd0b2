//! Verbs that stream a call's audio, or its live transcription, to a
//! websocket, and the parameters sent along when one starts.

use super::values::{https_with, needs, WEBSOCKET};
use super::{attr, child, verb, ANY, BOOL, METHOD, PASSWORD, POST, TRACKS, URL, USERNAME};
use crate::bxml::schema::{Complete, Element, Kind, Text};

const PARAM_NAME: Kind = Kind::Text { max_chars: 256 };
const PARAM_VALUE: Kind = Kind::Text { max_chars: 2048 };

pub const START_STREAM: Element = Element {
    children: &["StreamParam"],
    max_children: 12,
    rule: Some(start_stream_rules),
    ..verb(
        "StartStream",
        false,
        &[
            attr("name", ANY, None),
            attr("tracks", TRACKS, Some("inbound")),
            attr("destination", WEBSOCKET, None),
            attr("streamEventUrl", URL, None),
            attr("streamEventMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
        ],
        Text::None,
    )
};

pub const STREAM_PARAM: Element = Element {
    rule: Some(param_needs_name_and_value),
    ..child(
        "StreamParam",
        &[
            attr("name", PARAM_NAME, None),
            attr("value", PARAM_VALUE, None),
        ],
        Text::None,
    )
};

pub const STOP_STREAM: Element = Element {
    rule: Some(stop_stream_needs_name),
    ..verb("StopStream", false, &[attr("name", ANY, None)], Text::None)
};

pub const START_TRANSCRIPTION: Element = Element {
    children: &["CustomParam"],
    max_children: 12,
    rule: Some(start_transcription_rules),
    ..verb(
        "StartTranscription",
        false,
        &[
            attr("name", ANY, None),
            attr("tracks", TRACKS, Some("inbound")),
            attr("transcriptionEventUrl", URL, None),
            attr("transcriptionEventMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            attr("destination", WEBSOCKET, None),
            attr("stabilized", BOOL, Some("true")),
        ],
        Text::None,
    )
};

pub const CUSTOM_PARAM: Element = Element {
    rule: Some(param_needs_name_and_value),
    ..child(
        "CustomParam",
        &[
            attr("name", PARAM_NAME, None),
            attr("value", PARAM_VALUE, None),
        ],
        Text::None,
    )
};

/// Without a name, every live transcription of the call stops.
pub const STOP_TRANSCRIPTION: Element = verb(
    "StopTranscription",
    false,
    &[attr("name", ANY, None)],
    Text::None,
);

fn start_stream_rules(start: &Complete) -> Result<(), String> {
    needs(start, "destination")?;
    https_with(start, &["username", "password"], &["streamEventUrl"])
}

fn start_transcription_rules(start: &Complete) -> Result<(), String> {
    if (start.attr)("stabilized").is_some() && (start.attr)("destination").is_none() {
        return Err("stabilized applies only with a destination".to_owned());
    }
    https_with(start, &["username", "password"], &["transcriptionEventUrl"])
}

fn param_needs_name_and_value(param: &Complete) -> Result<(), String> {
    needs(param, "name")?;
    needs(param, "value")
}

fn stop_stream_needs_name(stop: &Complete) -> Result<(), String> {
    needs(stop, "name")
}
