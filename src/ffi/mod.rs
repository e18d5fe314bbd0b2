//! The C ABI, one file per C type with its functions (cbindgen reads every
//! file here into `include/bwvoice.h`). The only place with `unsafe`;
//! every block says why it holds.

#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]
// Constants exist for the header, which cbindgen copies them into; the Rust
// code itself uses only some of them.
#![allow(dead_code)]

// The header follows this order (cbindgen reads the files in it): how
// functions report, the library, the client, each family of operations
// with its requests and results, asynchronous results, completion queues,
// events, BXML text, callbacks.
mod error;

mod version;

mod client;

mod call_options;

mod call;

mod modify_call_request;

mod call_state;

mod calls;

mod create_call_request;

mod list_calls_query;

mod created_call;

mod call_page;

mod conference;

mod update_conference_request;

mod update_conference_member_request;

mod conference_info;

mod result;

mod completion;

mod queue;

mod events;

mod bxml;

mod callback_parts;

mod callback;

mod callback_auth;

// Shared by the files above; nothing of them reaches the header.
pub(crate) mod boundary;
pub(crate) mod growable;
pub(crate) mod view;

// Every C name in one namespace, for the files here, the tests and the fuzz
// harness.
#[allow(unused_imports)]
pub use {
    bxml::*, call::*, call_options::*, call_page::*, call_state::*, callback::*, callback_auth::*,
    callback_parts::*, calls::*, client::*, completion::bw_completion_fn, conference::*,
    conference_info::*, create_call_request::*, created_call::*, error::*, events::*,
    list_calls_query::*, modify_call_request::*, queue::*, result::*,
    update_conference_member_request::*, update_conference_request::*, version::*,
};

/// What the fuzz harness needs from the C boundary (see `crate::fuzzing`).
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    use super::boundary::req_str;
    pub use super::boundary::ErrorOut;
    pub use super::*;
    use crate::client::{CallOptions, Client};
    use crate::error::Error;
    use crate::request::ModifyCallRequest;
    use std::os::raw::c_char;

    /// Reads a 2xx reply as the operation `kind` does (0 createCall, 1
    /// getConference, 2 getConferenceMember, 3 listCalls with `link`) and
    /// builds the library-owned C view of its value.
    pub fn read_reply(kind: u8, body: &[u8], link: Option<&str>) -> Result<(), Error> {
        use crate::{conference, create_call, list_calls};
        match kind % 4 {
            0 => drop(created_call::owned_created_call(
                create_call::CreatedCall::parse(body)?,
            )?),
            1 => drop(conference_info::owned_conference(
                conference::Conference::parse(body)?,
            )?),
            2 => drop(conference_info::owned_member(
                conference::ConferenceMember::parse(body)?,
            )?),
            _ => drop(call_page::owned_call_page(list_calls::CallPage::parse(
                body, link,
            )?)?),
        }
        Ok(())
    }

    /// `bw_modify_call`'s arguments after the NULL, UTF-8 and enum checks.
    pub struct ModifyCallArgs<'a> {
        pub client: &'a Client,
        pub account_id: &'a str,
        pub call_id: &'a str,
        pub request: ModifyCallRequest,
        pub opts: CallOptions,
    }

    /// Converts `bw_modify_call`'s arguments as `bw_modify_call` does.
    ///
    /// # Safety
    /// As for `bw_modify_call`: each pointer is NULL or valid for `'a`,
    /// each string NUL-terminated.
    pub unsafe fn modify_call_args<'a>(
        client: *const bw_client,
        account_id: *const c_char,
        call_id: *const c_char,
        req: *const bw_modify_call_request,
        opts: *const bw_call_options,
    ) -> Result<ModifyCallArgs<'a>, Error> {
        // SAFETY: forwarded from the caller, in the order bw_modify_call checks.
        unsafe {
            let api = Invocation::new(client, account_id)?;
            Ok(ModifyCallArgs {
                client: &api.handle.client,
                account_id: api.account_id,
                call_id: req_str(call_id, "call_id")?,
                request: modify_call_request(req)?,
                opts: call_options(opts)?,
            })
        }
    }
}
#[cfg(test)]
mod tests;
