//! The "Update active call" request: model, validation and JSON body.

use crate::error::Error;
use serde::Serialize;

/// Longest tag Bandwidth accepts, in Unicode scalar values.
pub const MAX_TAG_CHARS: usize = 4096;
/// Longest username or password Bandwidth accepts, in Unicode scalar values.
pub const MAX_CREDENTIAL_CHARS: usize = 1024;

/// The call state to request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RequestedState {
    /// Keep the call up (used with a redirect).
    Active,
    /// Hang the call up (or cancel it if it was not answered yet).
    Completed,
}

/// HTTP method Bandwidth uses to deliver the Redirect event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum RedirectMethod {
    /// `GET`.
    #[serde(rename = "GET")]
    Get,
    /// `POST` (Bandwidth's default).
    #[serde(rename = "POST")]
    Post,
}

/// Every parameter of "Update active call". `None` means "not set, not sent".
///
/// `tag` is three-valued: `None` leaves the call's tag alone, `Some("")`
/// clears it, any other text sets it.
///
/// ```
/// use bwvoice::{ModifyCallRequest, RedirectMethod};
///
/// let next = ModifyCallRequest {
///     redirect_method: Some(RedirectMethod::Get),
///     tag: Some(String::new()), // clear the tag
///     ..ModifyCallRequest::redirect("https://app.example/next")
/// };
/// assert!(next.validate().is_ok());
/// assert_eq!(
///     next.to_json(),
///     r#"{"redirectUrl":"https://app.example/next","redirectMethod":"GET","tag":""}"#
/// );
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyCallRequest {
    /// `Completed` hangs the call up; `Active` leaves it up (e.g. with a redirect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<RequestedState>,
    /// Where Bandwidth fetches the call's next BXML (`http`/`https`, absolute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// How that URL is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_method: Option<RedirectMethod>,
    /// Basic credentials Bandwidth sends to `redirect_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password for `username`; never in a message or `{:?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The call's tag, sent with its later webhooks (at most 4096 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Tried when `redirect_url` fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_fallback_url: Option<String>,
    /// How the fallback URL is requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_fallback_method: Option<RedirectMethod>,
    /// Basic credentials for the fallback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_username: Option<String>,
    /// The password for `fallback_username`; never in a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_password: Option<String>,
}

// Hand-written so that webhook passwords never reach a log through `{:?}`.
impl std::fmt::Debug for ModifyCallRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |p: &Option<String>| p.as_ref().map(|_| crate::redact::REDACTED);
        f.debug_struct("ModifyCallRequest")
            .field("state", &self.state)
            .field("redirect_url", &self.redirect_url)
            .field("redirect_method", &self.redirect_method)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("tag", &self.tag)
            .field("redirect_fallback_url", &self.redirect_fallback_url)
            .field("redirect_fallback_method", &self.redirect_fallback_method)
            .field("fallback_username", &self.fallback_username)
            .field("fallback_password", &hidden(&self.fallback_password))
            .finish()
    }
}

impl ModifyCallRequest {
    /// A redirect of the call to new BXML served at `url`.
    pub fn redirect(url: impl Into<String>) -> ModifyCallRequest {
        ModifyCallRequest {
            redirect_url: Some(url.into()),
            ..ModifyCallRequest::default()
        }
    }

    /// A hang-up: exactly `{"state":"completed"}` on the wire.
    pub fn hangup() -> ModifyCallRequest {
        ModifyCallRequest {
            state: Some(RequestedState::Completed),
            ..ModifyCallRequest::default()
        }
    }

    /// True when this request ends the call; repeating it is harmless.
    pub fn is_hangup(&self) -> bool {
        self.state == Some(RequestedState::Completed)
    }

    /// Checks every rule Bandwidth documents, so a bad request is never sent.
    pub fn validate(&self) -> Result<(), Error> {
        if self.is_hangup() {
            for (field, set) in [
                ("redirect_url", self.redirect_url.is_some()),
                ("redirect_method", self.redirect_method.is_some()),
                ("tag", self.tag.is_some()),
            ] {
                if set {
                    return Err(Error::invalid(
                        field,
                        format!("{field} is not allowed when state is completed"),
                    ));
                }
            }
        } else if self.redirect_url.is_none() {
            return Err(Error::invalid(
                "redirect_url",
                "redirect_url is required unless state is completed",
            ));
        }
        for (field, url) in [
            ("redirect_url", &self.redirect_url),
            ("redirect_fallback_url", &self.redirect_fallback_url),
        ] {
            if let Some(url) = url {
                check_url(field, url)?;
            }
        }
        for (field, value) in [
            ("username", &self.username),
            ("password", &self.password),
            ("fallback_username", &self.fallback_username),
            ("fallback_password", &self.fallback_password),
        ] {
            if let Some(value) = value {
                check_length(field, value, MAX_CREDENTIAL_CHARS)?;
            }
        }
        if let Some(tag) = &self.tag {
            check_length("tag", tag, MAX_TAG_CHARS)?;
        }
        Ok(())
    }

    /// The JSON body: only the fields that are set, in the spec's names.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and enums into a String cannot fail.
        serde_json::to_string(self).expect("request serializes")
    }
}

pub(crate) fn check_length(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    // Cheap byte test first: a string of at most `max` bytes has at most `max` chars.
    if value.len() > max && value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(())
}

/// Bandwidth accepts absolute http(s) URLs and URLs relative to the
/// application's callback URL; anything with spaces or control characters,
/// or another scheme, is refused.
pub(crate) fn check_url(field: &'static str, url: &str) -> Result<(), Error> {
    if url.is_empty() {
        return Err(Error::invalid(field, format!("{field} is empty")));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("{field} contains whitespace or control characters"),
        ));
    }
    if let Some(scheme) = url_scheme(url) {
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(Error::invalid(
                field,
                format!("{field} must use http or https, not {scheme:?}"),
            ));
        }
    }
    Ok(())
}

/// The scheme of an absolute URL (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    fn field_of(req: &ModifyCallRequest) -> &'static str {
        let err = req.validate().unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument);
        err.field.unwrap()
    }

    #[test]
    fn hangup_is_exactly_state_completed() {
        let req = ModifyCallRequest::hangup();
        req.validate().unwrap();
        assert_eq!(req.to_json(), r#"{"state":"completed"}"#);
    }

    #[test]
    fn minimal_redirect_sends_only_the_url() {
        let req = ModifyCallRequest::redirect("https://app.example/next");
        req.validate().unwrap();
        assert_eq!(
            req.to_json(),
            r#"{"redirectUrl":"https://app.example/next"}"#
        );
    }

    #[test]
    fn every_field_serializes_under_its_spec_name() {
        let req = ModifyCallRequest {
            state: Some(RequestedState::Active),
            redirect_url: Some("https://a.example/r".into()),
            redirect_method: Some(RedirectMethod::Get),
            username: Some("u".into()),
            password: Some("p".into()),
            tag: Some("t\"q".into()),
            redirect_fallback_url: Some("https://b.example/f".into()),
            redirect_fallback_method: Some(RedirectMethod::Post),
            fallback_username: Some("fu".into()),
            fallback_password: Some("fp".into()),
        };
        req.validate().unwrap();
        assert_eq!(
            req.to_json(),
            concat!(
                r#"{"state":"active","redirectUrl":"https://a.example/r","redirectMethod":"GET","#,
                r#""username":"u","password":"p","tag":"t\"q","redirectFallbackUrl":"https://b.example/f","#,
                r#""redirectFallbackMethod":"POST","fallbackUsername":"fu","fallbackPassword":"fp"}"#
            )
        );
    }

    #[test]
    fn tag_unset_empty_and_set_are_distinct() {
        let mut req = ModifyCallRequest::redirect("/next");
        assert!(!req.to_json().contains("tag"));
        req.tag = Some(String::new());
        assert_eq!(req.to_json(), r#"{"redirectUrl":"/next","tag":""}"#);
        req.tag = Some("x".into());
        assert_eq!(req.to_json(), r#"{"redirectUrl":"/next","tag":"x"}"#);
    }

    #[test]
    fn redirect_url_required_unless_completed() {
        assert_eq!(field_of(&ModifyCallRequest::default()), "redirect_url");
        let active = ModifyCallRequest {
            state: Some(RequestedState::Active),
            ..Default::default()
        };
        assert_eq!(field_of(&active), "redirect_url");
    }

    #[test]
    fn completed_forbids_redirect_fields_and_tag() {
        let mut req = ModifyCallRequest::hangup();
        req.redirect_url = Some("https://a.example".into());
        assert_eq!(field_of(&req), "redirect_url");
        let mut req = ModifyCallRequest::hangup();
        req.redirect_method = Some(RedirectMethod::Post);
        assert_eq!(field_of(&req), "redirect_method");
        let mut req = ModifyCallRequest::hangup();
        req.tag = Some(String::new());
        assert_eq!(field_of(&req), "tag");
    }

    #[test]
    fn tag_limit_counts_characters_not_bytes() {
        let mut req = ModifyCallRequest::redirect("/next");
        req.tag = Some("é".repeat(MAX_TAG_CHARS)); // 8192 bytes, 4096 chars
        req.validate().unwrap();
        req.tag = Some("a".repeat(MAX_TAG_CHARS + 1));
        assert_eq!(field_of(&req), "tag");
    }

    #[test]
    fn credential_limits() {
        for field in [
            "username",
            "password",
            "fallback_username",
            "fallback_password",
        ] {
            let mut req = ModifyCallRequest::redirect("/next");
            let long = Some("x".repeat(MAX_CREDENTIAL_CHARS + 1));
            match field {
                "username" => req.username = long,
                "password" => req.password = long,
                "fallback_username" => req.fallback_username = long,
                _ => req.fallback_password = long,
            }
            assert_eq!(field_of(&req), field);
        }
        let mut req = ModifyCallRequest::redirect("/next");
        req.password = Some("ü".repeat(MAX_CREDENTIAL_CHARS));
        req.validate().unwrap();
    }

    #[test]
    fn urls_are_checked() {
        for bad in [
            "",
            "https://a.example/x y",
            "https://a\n",
            "ftp://a.example",
            "javascript:alert(1)",
        ] {
            let req = ModifyCallRequest::redirect(bad);
            assert_eq!(field_of(&req), "redirect_url", "{bad:?}");
        }
        for good in [
            "https://a.example/x?y=1#z",
            "HTTP://a.example",
            "/relative/path",
            "next",
            "a/b:c",
        ] {
            ModifyCallRequest::redirect(good).validate().unwrap();
        }
        let mut req = ModifyCallRequest::redirect("/ok");
        req.redirect_fallback_url = Some("mailto:x@y".into());
        assert_eq!(field_of(&req), "redirect_fallback_url");
    }

    #[test]
    fn debug_hides_webhook_passwords() {
        let req = ModifyCallRequest {
            username: Some("hook-user".into()),
            password: Some("hook-pw-1".into()),
            fallback_password: Some("hook-pw-2".into()),
            ..ModifyCallRequest::redirect("/next")
        };
        let shown = format!("{req:?}");
        assert!(
            shown.contains("hook-user") && shown.contains("<redacted>"),
            "{shown}"
        );
        assert!(!shown.contains("hook-pw"), "{shown}");
    }
}
