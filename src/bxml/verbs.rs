//! Every BXML verb and child element, with its attributes, text and
//! children, from Bandwidth's BXML reference.

use super::schema::{Attr, Complete, Element, Kind, Place, Text};

const URL: Kind = Kind::Url;
const METHOD: Kind = Kind::Method;
const TAG: Kind = Kind::Text { max_chars: 256 };
const ANY: Kind = Kind::Text { max_chars: 0 };

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

/// The elements, verbs first, in the order of Bandwidth's reference.
pub static ELEMENTS: &[Element] = &[
    Element {
        children: &["SpeakSentence", "PlayAudio"],
        max_children: 20,
        rule: Some(gather_repeats),
        ..verb(
            "Gather",
            false,
            &[
                attr("gatherUrl", URL, None),
                attr("gatherMethod", METHOD, Some("POST")),
                attr("gatherFallbackUrl", URL, None),
                attr("gatherFallbackMethod", METHOD, Some("POST")),
                attr("username", ANY, None),
                attr("password", ANY, None),
                attr("fallbackUsername", ANY, None),
                attr("fallbackPassword", ANY, None),
                attr("tag", TAG, None),
                attr(
                    "terminatingDigits",
                    Kind::Chars {
                        allowed: "0123456789*#",
                        max_chars: 0,
                    },
                    Some(""),
                ),
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
    },
    verb("Hangup", false, &[], Text::None),
    verb("PlayAudio", true, &[], Text::Required(URL)),
    verb(
        "Redirect",
        false,
        &[
            attr("redirectUrl", URL, None),
            attr("redirectMethod", METHOD, Some("POST")),
            attr("tag", TAG, None),
        ],
        Text::None,
    ),
    verb(
        "SpeakSentence",
        true,
        &[
            attr("voice", ANY, None),
            attr("gender", Kind::OneOf(&["male", "female"]), Some("female")),
            attr("locale", ANY, Some("en_US")),
        ],
        Text::Ssml,
    ),
];

/// Gather's prompt plays at most 20 times in all.
fn gather_repeats(gather: &Complete) -> Result<(), String> {
    let repeats: usize = (gather.attr)("repeatCount")
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

/// The element called `name`, if BXML has one.
pub fn find(name: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| e.name == name)
}
