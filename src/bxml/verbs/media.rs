//! Verbs that play into a call, listen for keys, or record it. The speech,
//! audio and recording-control verbs are the ones a conference takes.

use super::values::{default_of, https_with, needs};
use super::{
    attr, verb, ANY, BOOL, FALLBACK_PASSWORD, FALLBACK_USERNAME, FALSE, FILE_FORMAT, KEYS, METHOD,
    PASSWORD, POST, TAG_ATTR, URL, USERNAME,
};
use crate::bxml::schema::{Complete, Element, Kind, Text};

/// Milliseconds of a DTMF tone, or of the silence after one.
const TONE_MS: Kind = Kind::Decimal {
    min: 50.0,
    max: 5000.0,
};
/// Seconds of a recording: at most 3 hours.
const RECORDING_SECONDS: Kind = Kind::Decimal {
    min: 0.0,
    max: 10800.0,
};

pub const GATHER: Element = Element {
    children: &["SpeakSentence", "PlayAudio"],
    max_children: 20,
    rule: Some(gather_repeats),
    ..verb(
        "Gather",
        false,
        &[
            attr("gatherUrl", URL, None),
            attr("gatherMethod", METHOD, POST),
            attr("gatherFallbackUrl", URL, None),
            attr("gatherFallbackMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            FALLBACK_USERNAME,
            FALLBACK_PASSWORD,
            TAG_ATTR,
            attr("terminatingDigits", KEYS, Some("")),
            attr("maxDigits", Kind::Int { min: 1, max: 50 }, Some("50")),
            attr(
                "interDigitTimeout",
                Kind::Decimal {
                    min: 1.0,
                    max: 60.0,
                },
                Some("5"),
            ),
            attr(
                "firstDigitTimeout",
                Kind::Decimal {
                    min: 0.0,
                    max: 60.0,
                },
                Some("5"),
            ),
            attr("repeatCount", Kind::Int { min: 1, max: 20 }, Some("1")),
        ],
        Text::None,
    )
};

pub const PLAY_AUDIO: Element = verb(
    "PlayAudio",
    true,
    &[USERNAME, PASSWORD],
    Text::Required(URL),
);

pub const SEND_DTMF: Element = verb(
    "SendDtmf",
    false,
    &[
        attr("toneDuration", TONE_MS, Some("200")),
        attr("toneInterval", TONE_MS, Some("400")),
    ],
    // `w` and `,` pause half a second, `W` a second.
    Text::Required(Kind::Chars {
        allowed: "0123456789*#abcdABCDwW,",
        max_chars: 50,
    }),
);

pub const SPEAK_SENTENCE: Element = verb(
    "SpeakSentence",
    true,
    &[
        // Free text: Bandwidth's list of voices and locales changes.
        attr("voice", ANY, None),
        attr("gender", Kind::OneOf(&["male", "female"]), Some("female")),
        attr("locale", ANY, Some("en_US")),
    ],
    Text::Ssml,
);

pub const START_GATHER: Element = Element {
    rule: Some(start_gather_needs_url),
    ..verb(
        "StartGather",
        false,
        &[
            attr("dtmfUrl", URL, None),
            attr("dtmfMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            TAG_ATTR,
        ],
        Text::None,
    )
};

pub const STOP_GATHER: Element = verb("StopGather", false, &[], Text::None);

pub const RECORD: Element = Element {
    rule: Some(record_over_tls),
    ..verb(
        "Record",
        false,
        &[
            attr("recordCompleteUrl", URL, None),
            attr("recordCompleteMethod", METHOD, POST),
            attr("recordCompleteFallbackUrl", URL, None),
            attr("recordCompleteFallbackMethod", METHOD, POST),
            attr("recordingAvailableUrl", URL, None),
            attr("recordingAvailableMethod", METHOD, POST),
            attr("transcribe", BOOL, FALSE),
            attr("transcriptionAvailableUrl", URL, None),
            attr("transcriptionAvailableMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            FALLBACK_USERNAME,
            FALLBACK_PASSWORD,
            TAG_ATTR,
            attr("terminatingDigits", KEYS, Some("#")),
            attr("maxDuration", RECORDING_SECONDS, Some("60")),
            // 0: no timeout.
            attr("silenceTimeout", RECORDING_SECONDS, Some("0")),
            attr("fileFormat", FILE_FORMAT, Some("wav")),
        ],
        Text::None,
    )
};

pub const START_RECORDING: Element = Element {
    rule: Some(start_recording_over_tls),
    ..verb(
        "StartRecording",
        true,
        &[
            attr("recordingAvailableUrl", URL, None),
            attr("recordingAvailableMethod", METHOD, POST),
            attr("transcribe", BOOL, FALSE),
            attr("transcriptionAvailableUrl", URL, None),
            attr("transcriptionAvailableMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            TAG_ATTR,
            attr("fileFormat", FILE_FORMAT, Some("wav")),
            attr("multiChannel", BOOL, FALSE),
        ],
        Text::None,
    )
};

pub const STOP_RECORDING: Element = verb("StopRecording", true, &[], Text::None);

pub const PAUSE_RECORDING: Element = verb("PauseRecording", true, &[], Text::None);

pub const RESUME_RECORDING: Element = verb("ResumeRecording", true, &[], Text::None);

/// Gather's prompt plays at most 20 times in all.
fn gather_repeats(gather: &Complete) -> Result<(), String> {
    let repeats: usize = (gather.attr)("repeatCount")
        .or_else(|| default_of(&GATHER, "repeatCount"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if repeats * gather.children > 20 {
        return Err(format!(
            "repeatCount {repeats} × {} nested verbs is more than 20",
            gather.children
        ));
    }
    Ok(())
}

fn start_gather_needs_url(start: &Complete) -> Result<(), String> {
    needs(start, "dtmfUrl")
}

fn record_over_tls(record: &Complete) -> Result<(), String> {
    https_with(
        record,
        &["username", "password"],
        &[
            "recordCompleteUrl",
            "recordingAvailableUrl",
            "transcriptionAvailableUrl",
        ],
    )?;
    https_with(
        record,
        &["fallbackUsername", "fallbackPassword"],
        &["recordCompleteFallbackUrl"],
    )
}

fn start_recording_over_tls(start: &Complete) -> Result<(), String> {
    https_with(
        start,
        &["username", "password"],
        &["recordingAvailableUrl", "transcriptionAvailableUrl"],
    )
}
