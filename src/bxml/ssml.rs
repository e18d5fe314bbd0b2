//! The SSML Bandwidth's text-to-speech takes inside `<SpeakSentence>`:
//! these tags with these attributes, and nothing else.

use super::schema::{Attr, Kind};

/// One SSML tag.
pub struct Tag {
    pub name: &'static str,
    pub attrs: &'static [Attr],
    /// Holds no text or tags (`<break/>`).
    pub empty: bool,
    /// Attributes it cannot do without (`<sub alias>`).
    pub required: &'static [&'static str],
}

const ANY: Kind = Kind::Text { max_chars: 0 };

const fn attr(name: &'static str, kind: Kind, default: Option<&'static str>) -> Attr {
    Attr {
        name,
        kind,
        default,
    }
}

const fn tag(name: &'static str, attrs: &'static [Attr]) -> Tag {
    Tag {
        name,
        attrs,
        empty: false,
        required: &[],
    }
}

/// A tag with attributes it cannot do without.
const fn needs(required: &'static [&'static str], tag: Tag) -> Tag {
    Tag { required, ..tag }
}

pub static TAGS: &[Tag] = &[
    Tag {
        name: "break",
        attrs: &[
            attr(
                "strength",
                Kind::OneOf(&["none", "x-weak", "weak", "medium", "strong", "x-strong"]),
                Some("medium"),
            ),
            attr(
                "time",
                Kind::Format {
                    what: "a pause such as 1s or 250ms, at most 10s",
                    check: pause,
                },
                None,
            ),
        ],
        empty: true,
        required: &[],
    },
    tag(
        "emphasis",
        &[attr(
            "level",
            Kind::OneOf(&["strong", "moderate", "reduced"]),
            None,
        )],
    ),
    needs(
        &["xml:lang"],
        tag(
        "lang",
        &[attr(
            "xml:lang",
            Kind::OneOf(&[
                "arb", "cmn-CN", "da-DK", "nl-NL", "en-AU", "en-GB", "en-IN", "en-US", "fr-FR",
                "fr-CA", "hi-IN", "de-DE", "is-IS", "it-IT", "ja-JP", "ko-KR", "nb-NO", "pl-PL",
                "pt-BR", "pt-PT", "ro-RO", "ru-RU", "es-ES", "es-MX", "es-US", "sv-SE", "tr-TR",
                "cy-GB",
            ]),
            None,
        )],
    )),
    tag("p", &[]),
    // International Phonetic Alphabet symbols.
    needs(&["ph"], tag("phoneme", &[attr("ph", ANY, None)])),
    tag(
        "prosody",
        &[
            attr(
                "pitch",
                Kind::Format {
                    what: "x-low, low, medium, high, x-high, default or a change such as -15% or +20%",
                    check: pitch,
                },
                None,
            ),
            attr(
                "rate",
                Kind::Format {
                    what: "x-slow, slow, medium, fast, x-fast or a positive percentage such as 50% or 200%",
                    check: rate,
                },
                None,
            ),
            attr(
                "volume",
                Kind::Format {
                    what: "silent, x-soft, soft, medium, loud, x-loud, default or a change such as +1dB or -6dB",
                    check: volume,
                },
                None,
            ),
        ],
    ),
    tag("s", &[]),
    needs(&["interpret-as"], tag(
        "say-as",
        &[
            attr(
                "interpret-as",
                Kind::OneOf(&[
                    "date",
                    "time",
                    "telephone",
                    "characters",
                    "cardinal",
                    "ordinal",
                ]),
                None,
            ),
            // With interpret-as="date".
            attr(
                "format",
                Kind::OneOf(&["mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y"]),
                None,
            ),
        ],
    )),
    // The alias is spoken in place of the text.
    needs(&["alias"], tag("sub", &[attr("alias", ANY, None)])),
];

/// The tag called `name`, if Bandwidth's SSML has one.
pub fn find(name: &str) -> Option<&'static Tag> {
    TAGS.iter().find(|t| t.name == name)
}

/// `1s`, `250ms`, `1.5s`: at most 10 seconds.
fn pause(value: &str) -> bool {
    let millis = match value.strip_suffix("ms") {
        Some(ms) => number(ms),
        None => value.strip_suffix('s').and_then(number).map(|s| s * 1000.0),
    };
    millis.is_some_and(|ms| ms <= 10_000.0)
}

fn pitch(value: &str) -> bool {
    matches!(
        value,
        "x-low" | "low" | "medium" | "high" | "x-high" | "default"
    ) || value.strip_suffix('%').and_then(signed).is_some()
}

fn rate(value: &str) -> bool {
    matches!(value, "x-slow" | "slow" | "medium" | "fast" | "x-fast")
        || value
            .strip_suffix('%')
            .and_then(number)
            .is_some_and(|p| p > 0.0)
}

fn volume(value: &str) -> bool {
    matches!(
        value,
        "silent" | "x-soft" | "soft" | "medium" | "loud" | "x-loud" | "default"
    ) || value.strip_suffix("dB").and_then(signed).is_some()
}

/// A number with an optional `+` or `-`.
fn signed(value: &str) -> Option<f64> {
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    number(digits).map(|n| if negative { -n } else { n })
}

/// Digits with at most one `.` between them, and no sign.
fn number(value: &str) -> Option<f64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(fraction))
        .then(|| value.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses() {
        for good in ["0s", "1s", "250ms", "1.5s", "10s", "10000ms", "10.0s"] {
            assert!(pause(good), "{good}");
        }
        for bad in [
            "", "1", "s", "10.1s", "10001ms", "-1s", "1 s", "1S", "1e1ms", ".5s",
        ] {
            assert!(!pause(bad), "{bad:?}");
        }
    }

    #[test]
    fn prosody() {
        for good in ["x-low", "default", "-15%", "+20%", "20%", "0%", "2.5%"] {
            assert!(pitch(good), "{good}");
        }
        for bad in ["", "%", "loud", "-%", "15", "+-5%"] {
            assert!(!pitch(bad), "{bad:?}");
        }
        for good in ["x-slow", "x-fast", "50%", "200%", "0.5%"] {
            assert!(rate(good), "{good}");
        }
        for bad in ["default", "0%", "-50%", "50", "fastest"] {
            assert!(!rate(bad), "{bad:?}");
        }
        for good in [
            "silent", "x-loud", "default", "+1dB", "-6dB", "0dB", "3.5dB",
        ] {
            assert!(volume(good), "{good}");
        }
        for bad in ["", "6db", "dB", "+6", "louder"] {
            assert!(!volume(bad), "{bad:?}");
        }
    }
}
