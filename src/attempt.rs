//! One attempt of a call: authorize, send, and read the answer into the
//! operation's value or a failure the retry policy can judge.

use crate::auth::{credential, Authorization, TokenSource};
use crate::client::Client;
use crate::endpoint::DEFAULT_BASE_URL;
use crate::error::{Error, Status};
use crate::events::{error_type, EventKind};
use crate::operation::Operation;
use crate::redact::scrub;
use crate::response::http_error;
use crate::transport::{Failure, Reply, Request, Transport};
use std::borrow::Cow;
use std::time::{Duration, Instant};

/// Added to a 401 for Basic credentials from Bandwidth's own Voice API.
const BASIC_RETIRED: &str = "; Bandwidth retired Basic API-user credentials on 2026-12-02: \
     use OAuth2 client credentials (client_id and client_secret)";

/// What an attempt's event reports beside its outcome.
#[derive(Default)]
pub struct Answer {
    pub http_status: u16,
    pub reused: bool,
}

/// A failed attempt.
pub enum AttemptFailure {
    /// The API refused a cached bearer token (it may have been revoked).
    StaleToken(Failure),
    Other(Failure),
}

impl Client {
    /// One attempt: the outcome, with what the transport saw of it in `answer`.
    pub(crate) fn exchange<T>(
        &self,
        op: &Operation<T>,
        deadline: Instant,
        answer: &mut Answer,
    ) -> Result<T, AttemptFailure> {
        let header = self
            .authorize(op, deadline)
            .map_err(AttemptFailure::Other)?;
        if Instant::now() >= deadline {
            return Err(AttemptFailure::Other(Failure {
                error: Error::new(
                    Status::Timeout,
                    "the call's time budget ran out before the request could be sent",
                ),
                sent: false,
            }));
        }
        let mut headers = vec![("Authorization", &*header)];
        if let Some(body) = &op.body {
            headers.push(("Content-Type", body.content_type));
        }
        let request = Request {
            method: op.method,
            url: &op.url,
            headers: &headers,
            body: op.body.as_ref().map(|b| b.bytes.as_slice()),
            max_body: op.max_body,
        };
        let outcome = self.transport.send(&request, deadline);
        answer.reused = !Transport::opened_connection();
        let reply = outcome.map_err(AttemptFailure::Other)?;
        answer.http_status = reply.status;
        self.read_reply(op, &header, reply)
    }

    /// The `Authorization` value: the Basic header, or a bearer token
    /// (fetched first when none is cached or it is due for refresh).
    fn authorize<T>(&self, op: &Operation<T>, deadline: Instant) -> Result<Cow<'_, str>, Failure> {
        match &self.settings.credentials.authorization {
            Authorization::Basic(header) => Ok(Cow::Borrowed(header)),
            Authorization::OAuth2(tokens) => {
                let on_fetch = |took: Duration, error: Option<&Error>| {
                    self.token_fetched(op, tokens, took, error);
                };
                let bearer = tokens.bearer(&self.transport, deadline, &on_fetch)?;
                Ok(Cow::Owned(bearer))
            }
        }
    }

    /// Tells the observer of a token request made for `op`.
    fn token_fetched<T>(
        &self,
        op: &Operation<T>,
        tokens: &TokenSource,
        took: Duration,
        error: Option<&Error>,
    ) {
        let mut fetch = self.event(EventKind::TokenFetch, op);
        fetch.operation = "token";
        fetch.method = "POST";
        fetch.url_template = "";
        fetch.server_address = &tokens.server.address;
        fetch.server_port = tokens.server.port;
        fetch.duration = took;
        if let Some(e) = error {
            fetch.status = Some(e.status);
            fetch.http_status = e.http_status;
            fetch.error_type = error_type(Some(e.status), e.http_status);
        }
        self.emit(&fetch);
    }

    /// The operation's value from a 2xx `reply`, else the failure it
    /// reports; `header` is the `Authorization` value the request carried.
    fn read_reply<T>(
        &self,
        op: &Operation<T>,
        header: &str,
        reply: Reply,
    ) -> Result<T, AttemptFailure> {
        // Everything an echoing server could put into text we report;
        // gathered only on the way to an error.
        let secrets = || {
            let credentials = &self.settings.credentials;
            let mut secrets: Vec<&str> = credentials.secrets.iter().map(String::as_str).collect();
            secrets.push(credential(header));
            secrets.extend(op.secrets.iter().map(String::as_str));
            secrets
        };
        if (200..300).contains(&reply.status) {
            return (op.read)(&reply).map_err(|mut error| {
                // The server answered 2xx, so it applied the request; only the answer
                // could not be read. The reader's message may quote it.
                error.http_status = reply.status;
                error.message = scrub(&error.message, &secrets());
                AttemptFailure::Other(Failure { error, sent: true })
            });
        }
        let mut error = http_error(
            reply.status,
            reply.retry_after,
            reply.body.as_deref(),
            &secrets(),
            op.subject(),
        );
        let authorization = &self.settings.credentials.authorization;
        if reply.status == 401
            && matches!(authorization, Authorization::Basic(_))
            && self.settings.base_url == DEFAULT_BASE_URL
        {
            error.message.push_str(BASIC_RETIRED);
        }
        let failure = Failure { error, sent: true };
        match authorization {
            Authorization::OAuth2(tokens) if reply.status == 401 => {
                tokens.invalidate(header);
                Err(AttemptFailure::StaleToken(failure))
            }
            _ => Err(AttemptFailure::Other(failure)),
        }
    }
}
