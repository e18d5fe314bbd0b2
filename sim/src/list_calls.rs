//! listCalls (`GET .../calls`): the account's calls, oldest first, filtered,
//! in pages linked by a `Link: <...>; rel="next"` header.

use crate::api::{authenticate, validation, Handled};
use crate::call::Call;
use crate::clock::parse_rfc3339;
use crate::http::{parse_form, percent_encode, Request, Response};
use crate::ids::random_hex;
use crate::state::State;

const DEFAULT_PAGE_SIZE: usize = 1000;
const MAX_PAGE_SIZE: usize = 10_000;

/// The query, checked; `Err` is the 400 description.
struct Query {
    to: Option<String>,
    from: Option<String>,
    min_start: Option<i64>,
    max_start: Option<i64>,
    disconnect_cause: Option<String>,
    page_size: usize,
    page_token: Option<String>,
}

fn parse_query(pairs: &[(String, String)]) -> Result<Query, String> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let time = |name: &str| match get(name) {
        None => Ok(None),
        Some(v) => parse_rfc3339(&v).map(Some).ok_or_else(|| {
            format!("Invalid {name}: must be an RFC 3339 date-time such as 2022-06-21T19:13:21Z")
        }),
    };
    let page_size = match get("pageSize") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(format!(
                    "Invalid pageSize: must be an integer between 1 and {MAX_PAGE_SIZE}"
                ))
            }
        },
    };
    Ok(Query {
        to: get("to"),
        from: get("from"),
        min_start: time("minStartTime")?,
        max_start: time("maxStartTime")?,
        disconnect_cause: get("disconnectCause"),
        page_size,
        page_token: get("pageToken"),
    })
}

impl Query {
    fn matches(&self, call: &Call) -> bool {
        let start = parse_rfc3339(&call.start_time).unwrap_or(0);
        self.to.as_ref().is_none_or(|to| *to == call.to)
            && self.from.as_ref().is_none_or(|from| *from == call.from)
            && self.min_start.is_none_or(|min| start >= min)
            && self.max_start.is_none_or(|max| start <= max)
            && self
                .disconnect_cause
                .as_ref()
                .is_none_or(|c| call.disconnect_cause.as_ref() == Some(c))
    }
}

/// `GET /accounts/{accountId}/calls`. Checks, in order: auth, query (bad
/// time, pageSize or pageToken → 400); then 200 with a JSON array of
/// callState.
pub fn list_calls(state: &State, req: &Request, account_id: &str) -> Handled {
    authenticate(state, req)?;
    let pairs = parse_form(req.query());
    let query = parse_query(&pairs).map_err(|text| validation(&text))?;
    let mut inner = state.lock();
    let after = match &query.page_token {
        None => 0,
        Some(token) => match inner.page_tokens.get(token) {
            Some((account, seq)) if account == account_id => *seq,
            _ => return Err(validation("Invalid pageToken")),
        },
    };
    let mut calls: Vec<&Call> = inner
        .calls
        .values()
        .filter(|c| c.account_id == account_id && c.seq > after && query.matches(c))
        .collect();
    calls.sort_by_key(|c| c.seq);
    let more = calls.len() > query.page_size;
    calls.truncate(query.page_size);
    let page: Vec<_> = calls.iter().map(|c| c.to_json()).collect();
    let last_seq = calls.last().map(|c| c.seq);
    let mut resp = Response::json(200, &serde_json::Value::Array(page));
    if let (true, Some(last)) = (more, last_seq) {
        let token = random_hex(32);
        inner
            .page_tokens
            .insert(token.clone(), (account_id.to_string(), last));
        // The same filters, re-encoded, with the new token in place of the old.
        let mut next: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != "pageToken")
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        next.push(format!("pageToken={token}"));
        let url = format!(
            "{}/api/v2/accounts/{}/calls?{}",
            state.base_url,
            percent_encode(account_id),
            next.join("&")
        );
        resp = resp.with_header("Link", &format!("<{url}>; rel=\"next\""));
    }
    Ok(resp)
}
