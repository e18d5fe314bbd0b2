//! Verbs that connect, join, forward, hold or end calls, and the
//! destinations a `<Transfer>` rings.

use super::values::{
    needs, CALLER_ID, CALLER_ID_OR_BLANK, CONFERENCE_NAME, E164, E164_OR_SIP_URI, SIP_ADDRESS, UUI,
};
use super::{
    attr, child, verb, ANY, BOOL, FALLBACK_PASSWORD, FALLBACK_USERNAME, FALSE, METHOD, PASSWORD,
    POST, TAG_ATTR, TAG_VALUE, URL, USERNAME,
};
use crate::bxml::schema::{Complete, Element, Kind, Text};

/// Seconds the callee has to answer once ringing.
const CALL_TIMEOUT: Kind = Kind::Decimal {
    min: 1.0,
    max: 300.0,
};
/// Seconds of silence or ringing.
const DURATION: Kind = Kind::Decimal {
    min: 0.1,
    max: 86400.0,
};
const DIVERSION_TREATMENT: Kind = Kind::OneOf(&["none", "propagate", "stack"]);
const DIVERSION_REASON: Kind = Kind::OneOf(&[
    "unknown",
    "user-busy",
    "no-answer",
    "unavailable",
    "unconditional",
    "time-of-day",
    "do-not-disturb",
    "deflection",
    "follow-me",
    "out-of-service",
    "away",
]);

pub const BRIDGE: Element = verb(
    "Bridge",
    false,
    &[
        attr("bridgeCompleteUrl", URL, None),
        attr("bridgeCompleteMethod", METHOD, POST),
        attr("bridgeCompleteFallbackUrl", URL, None),
        attr("bridgeCompleteFallbackMethod", METHOD, POST),
        attr("bridgeTargetCompleteUrl", URL, None),
        attr("bridgeTargetCompleteMethod", METHOD, POST),
        attr("bridgeTargetCompleteFallbackUrl", URL, None),
        attr("bridgeTargetCompleteFallbackMethod", METHOD, POST),
        USERNAME,
        PASSWORD,
        FALLBACK_USERNAME,
        FALLBACK_PASSWORD,
        TAG_ATTR,
    ],
    // The callId of the call to bridge.
    Text::Required(ANY),
);

pub const CONFERENCE: Element = verb(
    "Conference",
    false,
    &[
        attr("mute", BOOL, FALSE),
        attr("hold", BOOL, FALSE),
        // Comma-separated callIds.
        attr("callIdsToCoach", ANY, None),
        attr("conferenceEventUrl", URL, None),
        attr("conferenceEventMethod", METHOD, POST),
        attr("conferenceEventFallbackUrl", URL, None),
        attr("conferenceEventFallbackMethod", METHOD, POST),
        USERNAME,
        PASSWORD,
        FALLBACK_USERNAME,
        FALLBACK_PASSWORD,
        TAG_ATTR,
        // The reference spells it "calbackTimeout", a typo: the SDKs and
        // every other Bandwidth API send callbackTimeout.
        attr(
            "callbackTimeout",
            Kind::Decimal {
                min: 1.0,
                max: 25.0,
            },
            None,
        ),
    ],
    Text::Required(CONFERENCE_NAME),
);

pub const FORWARD: Element = Element {
    rule: Some(forward_needs_to),
    ..verb(
        "Forward",
        false,
        &[
            attr("to", E164_OR_SIP_URI, None),
            attr("from", CALLER_ID, None),
            attr("callTimeout", CALL_TIMEOUT, Some("30")),
            attr("diversionTreatment", DIVERSION_TREATMENT, Some("none")),
            attr("diversionReason", DIVERSION_REASON, Some("unknown")),
            attr("uui", UUI, None),
        ],
        Text::None,
    )
};

pub const HANGUP: Element = verb("Hangup", false, &[], Text::None);

pub const PAUSE: Element = verb(
    "Pause",
    false,
    &[attr("duration", DURATION, Some("1"))],
    Text::None,
);

pub const REDIRECT: Element = Element {
    rule: Some(redirect_needs_url),
    ..verb(
        "Redirect",
        false,
        &[
            attr("redirectUrl", URL, None),
            attr("redirectMethod", METHOD, POST),
            attr("redirectFallbackUrl", URL, None),
            attr("redirectFallbackMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            FALLBACK_USERNAME,
            FALLBACK_PASSWORD,
            TAG_ATTR,
        ],
        Text::None,
    )
};

pub const RING: Element = verb(
    "Ring",
    false,
    &[attr("duration", DURATION, Some("5"))],
    Text::None,
);

/// Blank text clears the tag.
pub const TAG: Element = verb("Tag", false, &[], Text::Optional(TAG_VALUE));

pub const TRANSFER: Element = Element {
    children: &["PhoneNumber", "SipUri"],
    min_children: 1,
    max_children: 8,
    ..verb(
        "Transfer",
        false,
        &[
            attr("transferCallerId", CALLER_ID_OR_BLANK, None),
            attr("callTimeout", CALL_TIMEOUT, Some("30")),
            attr("transferCompleteUrl", URL, None),
            attr("transferCompleteMethod", METHOD, POST),
            attr("transferCompleteFallbackUrl", URL, None),
            attr("transferCompleteFallbackMethod", METHOD, POST),
            USERNAME,
            PASSWORD,
            FALLBACK_USERNAME,
            FALLBACK_PASSWORD,
            TAG_ATTR,
            attr("diversionTreatment", DIVERSION_TREATMENT, Some("none")),
            attr("diversionReason", DIVERSION_REASON, Some("unknown")),
        ],
        Text::None,
    )
};

pub const PHONE_NUMBER: Element = child(
    "PhoneNumber",
    &[
        attr("transferAnswerUrl", URL, None),
        attr("transferAnswerMethod", METHOD, POST),
        attr("transferAnswerFallbackUrl", URL, None),
        attr("transferAnswerFallbackMethod", METHOD, POST),
        attr("transferDisconnectUrl", URL, None),
        attr("transferDisconnectMethod", METHOD, POST),
        USERNAME,
        PASSWORD,
        FALLBACK_USERNAME,
        FALLBACK_PASSWORD,
        TAG_ATTR,
    ],
    Text::Required(E164),
);

pub const SIP_URI: Element = child(
    "SipUri",
    &[
        attr("uui", UUI, None),
        attr("transferAnswerUrl", URL, None),
        attr("transferAnswerMethod", METHOD, POST),
        attr("transferAnswerFallbackUrl", URL, None),
        attr("transferAnswerFallbackMethod", METHOD, POST),
        attr("transferDisconnectUrl", URL, None),
        attr("transferDisconnectMethod", METHOD, POST),
        USERNAME,
        PASSWORD,
        FALLBACK_USERNAME,
        FALLBACK_PASSWORD,
        TAG_ATTR,
    ],
    Text::Required(SIP_ADDRESS),
);

fn forward_needs_to(forward: &Complete) -> Result<(), String> {
    needs(forward, "to")
}

fn redirect_needs_url(redirect: &Complete) -> Result<(), String> {
    needs(redirect, "redirectUrl")
}
