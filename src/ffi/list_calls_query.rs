//! `bw_list_calls_query`: the filters and page of "Get calls".

use super::boundary::opt_str;
use super::growable;
use crate::error::Error;
use crate::list_calls::ListCallsQuery;
use std::os::raw::c_char;

/// Which calls `bw_list_calls` reads. Initialise it with
/// `BW_LIST_CALLS_QUERY_INIT`; NULL and 0 mean "no filter". Every filter
/// is kept as it is when reading the next page: change only `page_token`.
#[repr(C)]
pub struct bw_list_calls_query {
    /// `sizeof(bw_list_calls_query)`, set by `BW_LIST_CALLS_QUERY_INIT`.
    pub struct_size: u32,
    /// Only calls to this number or SIP URI.
    pub to: *const c_char,
    /// Only calls from this number.
    pub from: *const c_char,
    /// Only calls started at or after this time (RFC 3339).
    pub min_start_time: *const c_char,
    /// Only calls started at or before this time (RFC 3339).
    pub max_start_time: *const c_char,
    /// Only calls that ended this way (`hangup`, `busy`, …).
    pub disconnect_cause: *const c_char,
    /// At most this many calls, 1 to 10000; 0: Bandwidth's default (1000).
    pub page_size: u32,
    /// The page to read: NULL for the first, else the previous page's
    /// `next_page_token`.
    pub page_token: *const c_char,
}

/// A `bw_list_calls_query` as the core's query (NULL: no filter, first page).
///
/// # Safety
/// `query` is NULL or at least `query->struct_size` bytes whose strings are
/// NULL or NUL-terminated.
pub unsafe fn list_calls_query(query: *const bw_list_calls_query) -> Result<ListCallsQuery, Error> {
    if query.is_null() {
        return Ok(ListCallsQuery::default());
    }
    // SAFETY: caller contract above.
    let q = unsafe { growable::read(query) }?;
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    Ok(ListCallsQuery {
        to: s(q.to, "to")?,
        from: s(q.from, "from")?,
        min_start_time: s(q.min_start_time, "min_start_time")?,
        max_start_time: s(q.max_start_time, "max_start_time")?,
        disconnect_cause: s(q.disconnect_cause, "disconnect_cause")?,
        page_size: (q.page_size != 0).then_some(q.page_size),
        page_token: s(q.page_token, "page_token")?,
    })
}
