//! The account's calls: createCall and listCalls (`/accounts/{accountId}/calls`).

use super::{body, json, Method, Operation, Repeat};
use crate::client::{CallOptions, Client};
use crate::create_call::{CreateCallRequest, CreatedCall};
use crate::endpoint::account_url;
use crate::error::Error;
use crate::list_calls::{CallPage, ListCallsQuery};
use crate::response::MAX_BODY_BYTES;
use crate::transport::Reply;

const CALLS: &str = "/accounts/{accountId}/calls";

/// The most of a page of calls read: a full page of 10,000 calls is about
/// 10 MB, so this fits any page and still bounds a hostile answer.
pub const MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;

/// "Create call": `POST …/calls`. Never repeated once it may have placed
/// the call (see [`Repeat::PlacesCall`]).
pub fn create_call(
    base: &str,
    account_id: &str,
    request: &CreateCallRequest,
) -> Result<Operation<CreatedCall>, Error> {
    let url = account_url(base, account_id)? + "/calls";
    request.validate()?;
    let read =
        |reply: &Reply| CreatedCall::parse(body(reply, "createCall answer", MAX_BODY_BYTES, "")?);
    let mut op = Operation::new(
        "createCall",
        Method::Post,
        CALLS,
        account_id,
        url,
        Repeat::PlacesCall,
        read,
    );
    op.body = Some(json(request.to_json()));
    op.secrets = request.secrets();
    Ok(op)
}

impl Client {
    /// Places an outbound call ("Create call"); Bandwidth fetches
    /// `answer_url` for its first BXML once it is answered.
    ///
    /// Never sent twice once the request may have reached Bandwidth: a
    /// second request would ring a second phone. It is retried only when
    /// it certainly was not (no connection, 429), whatever
    /// `retry_non_idempotent` says. When it fails with
    /// [`Error::maybe_applied`], the call may exist: look for it with
    /// [`Client::list_calls`] filtered by `to`, `from` and a
    /// `min_start_time` just before the attempt (a call state carries no
    /// tag; the `tag` you set comes back in the call's webhooks, which tells
    /// apart several calls to the same number).
    pub fn create_call(
        &self,
        account_id: &str,
        request: &CreateCallRequest,
        opts: &CallOptions,
    ) -> Result<CreatedCall, Error> {
        self.run(create_call(self.base_url(), account_id, request)?, opts)
    }
}

/// "Get calls": `GET …/calls?…`, one page.
pub fn list_calls(
    base: &str,
    account_id: &str,
    query: &ListCallsQuery,
) -> Result<Operation<CallPage>, Error> {
    let url = account_url(base, account_id)? + "/calls";
    query.validate()?;
    let read = |reply: &Reply| {
        CallPage::parse(
            body(
                reply,
                "listCalls answer",
                MAX_PAGE_BYTES,
                "; ask for a smaller page_size",
            )?,
            reply.link.as_deref(),
        )
    };
    let url = url + &query.to_query();
    let mut op = Operation::new(
        "listCalls",
        Method::Get,
        CALLS,
        account_id,
        url,
        Repeat::Idempotent,
        read,
    );
    op.max_body = MAX_PAGE_BYTES;
    Ok(op)
}

impl Client {
    /// Reads one page of the account's calls ("Get calls"), oldest first;
    /// `next_page_token` of the page, set as `page_token` of the same
    /// query, reads the next. Bandwidth keeps calls for 7 days after they
    /// end. Safe to repeat.
    pub fn list_calls(
        &self,
        account_id: &str,
        query: &ListCallsQuery,
        opts: &CallOptions,
    ) -> Result<CallPage, Error> {
        self.run(list_calls(self.base_url(), account_id, query)?, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://h/api/v2";

    #[test]
    fn create_places_a_call_and_list_reads_a_page() {
        let request =
            CreateCallRequest::new("+15555550100", "+15555550199", "app-1", "https://a/answer");
        let create = create_call(BASE, "99", &request).unwrap();
        assert_eq!(
            (create.method, create.url.as_str(), create.repeat),
            (
                Method::Post,
                "https://h/api/v2/accounts/99/calls",
                Repeat::PlacesCall
            )
        );
        assert_eq!(create.body.unwrap().bytes, request.to_json().into_bytes());

        let query = ListCallsQuery {
            to: Some("+15555550100".into()),
            page_size: Some(10),
            ..ListCallsQuery::default()
        };
        let list = list_calls(BASE, "99", &query).unwrap();
        assert_eq!(
            (list.method, list.repeat, list.max_body),
            (Method::Get, Repeat::Idempotent, MAX_PAGE_BYTES)
        );
        assert_eq!(
            list.url,
            format!("https://h/api/v2/accounts/99/calls{}", query.to_query())
        );
        assert!(list.body.is_none());
    }

    #[test]
    fn nothing_is_built_from_a_bad_request() {
        let mut request =
            CreateCallRequest::new("+15555550100", "+15555550199", "app-1", "https://a/answer");
        request.priority = Some(9);
        assert_eq!(
            create_call(BASE, "99", &request).err().unwrap().field,
            Some("priority")
        );
        assert_eq!(
            create_call(BASE, "", &request).err().unwrap().field,
            Some("account_id")
        );
        let query = ListCallsQuery {
            page_size: Some(0),
            ..ListCallsQuery::default()
        };
        assert_eq!(
            list_calls(BASE, "99", &query).err().unwrap().field,
            Some("page_size")
        );
    }
}
