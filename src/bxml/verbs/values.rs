//! Values with a format of their own (phone numbers, SIP and websocket
//! addresses, conference names, User-To-User headers), and the checks the
//! elements' rules share. Each format refuses only what Bandwidth's
//! reference clearly rules out.

use crate::bxml::schema::{Complete, Element, Kind};

pub const E164: Kind = Kind::Format {
    what: "an E.164 number: + and 2 to 15 digits, the first not 0",
    check: e164,
};
pub const SIP_ADDRESS: Kind = Kind::Format {
    what: "a SIP URI starting sip: or sips:",
    check: sip_uri,
};
pub const E164_OR_SIP_URI: Kind = Kind::Format {
    what: "an E.164 number (+ and up to 15 digits) or a SIP URI (sip:…)",
    check: e164_or_sip_uri,
};
pub const CALLER_ID: Kind = Kind::Format {
    what: "an E.164 number (+ and up to 15 digits) or one of Restricted, Anonymous, Private, Unavailable",
    check: caller_id,
};
/// `<Transfer>`'s caller ID may be blank: the remote party's number is sent.
pub const CALLER_ID_OR_BLANK: Kind = Kind::Format {
    what: "blank, an E.164 number (+ and up to 15 digits) or one of Restricted, Anonymous, Private, Unavailable",
    check: caller_id_or_blank,
};
pub const UUI: Kind = Kind::Format {
    what: "a User-To-User value with ;encoding=base64 or ;encoding=jwt, at most 256 characters",
    check: uui,
};
pub const WEBSOCKET: Kind = Kind::Format {
    what: "a websocket URL starting ws:// or wss://",
    check: websocket,
};
pub const CONFERENCE_NAME: Kind = Kind::Format {
    what: "1 to 100 letters, digits, '-', '_' or '.'",
    check: conference_name,
};

/// The values a caller ID may hide the number with.
const PRIVACY: [&str; 4] = ["Restricted", "Anonymous", "Private", "Unavailable"];

fn e164(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| {
        (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

fn sip_uri(value: &str) -> bool {
    strip_prefix_ignoring_case(value, "sip:")
        .or_else(|| strip_prefix_ignoring_case(value, "sips:"))
        .is_some_and(|rest| !rest.is_empty() && !has_space(rest))
}

fn e164_or_sip_uri(value: &str) -> bool {
    e164(value) || sip_uri(value)
}

fn caller_id(value: &str) -> bool {
    e164(value) || PRIVACY.contains(&value)
}

fn caller_id_or_blank(value: &str) -> bool {
    value.is_empty() || caller_id(value)
}

/// RFC 7433's form: the data, then parameters after `;`, one of them the
/// encoding, which Bandwidth takes only as base64 or jwt.
fn uui(value: &str) -> bool {
    let mut parts = value.split(';');
    let data = parts.next().unwrap_or_default();
    let encoded = parts.any(|p| {
        p.split_once('=').is_some_and(|(name, encoding)| {
            name.trim().eq_ignore_ascii_case("encoding")
                && ["base64", "jwt"]
                    .iter()
                    .any(|e| encoding.trim().eq_ignore_ascii_case(e))
        })
    });
    value.chars().count() <= 256 && !data.trim().is_empty() && encoded
}

fn websocket(value: &str) -> bool {
    strip_prefix_ignoring_case(value, "wss://")
        .or_else(|| strip_prefix_ignoring_case(value, "ws://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/') && !has_space(rest))
}

fn conference_name(value: &str) -> bool {
    (1..=100).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn strip_prefix_ignoring_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

fn has_space(value: &str) -> bool {
    value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Bandwidth's default for attribute `name` of `el`.
pub fn default_of(el: &Element, name: &str) -> Option<&'static str> {
    el.attrs.iter().find(|a| a.name == name)?.default
}

/// An attribute the element cannot do without.
pub fn needs(el: &Complete, name: &str) -> Result<(), String> {
    match (el.attr)(name) {
        Some(_) => Ok(()),
        None => Err(format!("{name} is required")),
    }
}

/// Credentials go only over TLS: once one of `credentials` is set, an
/// absolute URL among `urls` must be https (a relative one takes the
/// scheme of the URL that returned the BXML, which is not known here).
pub fn https_with(el: &Complete, credentials: &[&str], urls: &[&str]) -> Result<(), String> {
    let Some(given) = credentials.iter().find(|c| (el.attr)(c).is_some()) else {
        return Ok(());
    };
    for url in urls {
        let plain = (el.attr)(url)
            .and_then(|v| v.get(..7))
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        if plain {
            return Err(format!(
                "{url} must be https when {given} is set; credentials go only over TLS"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_caller_ids() {
        for good in ["+15550100", "+442071838750", "+12", "+123456789012345"] {
            assert!(e164(good), "{good}");
        }
        for bad in [
            "15550100",
            "+",
            "+1",
            "+0123",
            "+1234567890123456",
            "+1 555",
            "+1-555",
        ] {
            assert!(!e164(bad), "{bad}");
        }
        for good in ["+15550100", "Anonymous", "Unavailable"] {
            assert!(caller_id(good) && caller_id_or_blank(good), "{good}");
        }
        assert!(!caller_id("") && caller_id_or_blank(""));
        assert!(!caller_id("anonymous"));
    }

    #[test]
    fn addresses() {
        for good in [
            "sip:agent@pbx.example",
            "SIPS:desk@pbx.example:5061",
            "sip:pbx.example",
        ] {
            assert!(sip_uri(good) && e164_or_sip_uri(good), "{good}");
        }
        for bad in ["sip:", "tel:+15550100", "sip:a b@x", "agent@pbx.example"] {
            assert!(!sip_uri(bad), "{bad}");
        }
        assert!(e164_or_sip_uri("+15550100"));
        for good in [
            "wss://media.example/in",
            "ws://127.0.0.1:9000",
            "WSS://media.example",
        ] {
            assert!(websocket(good), "{good}");
        }
        for bad in [
            "wss://",
            "https://media.example",
            "wss:///path",
            "wss://a b",
            "/stream",
        ] {
            assert!(!websocket(bad), "{bad}");
        }
    }

    #[test]
    fn user_to_user_values() {
        for good in [
            "bXkgZGF0YQ==;encoding=base64",
            "eyJh.eyJi.c2ln; Encoding = JWT",
        ] {
            assert!(uui(good), "{good}");
        }
        let longest = format!("{};encoding=base64", "A".repeat(256 - 16));
        assert!(uui(&longest));
        let too_long = format!("A{longest}");
        for bad in [
            "bXk=",
            ";encoding=base64",
            "bXk=;encoding=hex",
            "bXk=;base64",
            &too_long,
        ] {
            assert!(!uui(bad), "{bad}");
        }
    }

    #[test]
    fn conference_names() {
        assert!(conference_name("sales_team-2.east"));
        assert!(conference_name(&"a".repeat(100)));
        for bad in ["", "sales team", "a/b", &"a".repeat(101)] {
            assert!(!conference_name(bad), "{bad:?}");
        }
    }
}
