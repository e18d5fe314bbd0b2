//! `bw_call_page`, library-owned: one page of "Get calls".

use super::boundary::ffi_value;
use super::call_state::{bw_call_state, call_state_view};
use super::view::{Arena, Owned};
use crate::error::Error;
use crate::list_calls::CallPage;
use std::os::raw::c_char;

/// One page of the account's calls, oldest first, as `bw_list_calls` read
/// it. Allocated by the library and read-only: free it with
/// `bw_call_page_free`. Each call is a `bw_call_state`, read as that type's
/// documentation says.
#[repr(C)]
pub struct bw_call_page {
    /// `sizeof(bw_call_page)` of the library that allocated it.
    pub struct_size: u32,
    /// `calls_len` pointers to calls (NULL when there are none): an array
    /// of pointers, so that a program built with an older header, whose
    /// `bw_call_state` is smaller, still finds each call.
    pub calls: *const *const bw_call_state,
    pub calls_len: usize,
    /// Set `bw_list_calls_query.page_token` to this to read the next page;
    /// NULL on the last page.
    pub next_page_token: *const c_char,
}

/// `page` as a library-owned `bw_call_page`.
pub fn owned_call_page(page: CallPage) -> Result<Box<Owned<bw_call_page>>, Error> {
    let mut arena = Arena::default();
    let mut calls = Vec::with_capacity(page.calls.len());
    for state in page.calls {
        calls.push(call_state_view(&mut arena, state)?);
    }
    let (calls, calls_len) = arena.pointers(calls);
    let next_page_token = arena.text("call page", "Link", page.next_page_token)?;
    let view = bw_call_page {
        struct_size: std::mem::size_of::<bw_call_page>() as u32,
        calls,
        calls_len,
        next_page_token,
    };
    Ok(Owned::new(view, arena))
}

/// Frees a `bw_call_page` from `bw_list_calls`, with every call in it.
/// NULL is a no-op.
///
/// # Safety
/// `page` is NULL or a pointer written by `bw_list_calls`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_call_page_free(page: *mut bw_call_page) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { Owned::free(page) }
    })
}
