//! `bw_result`: an asynchronous call's result, opaque to C and read with
//! one getter per kind. Every operation's result travels in this one type,
//! so the completion callback's signature does not change when an
//! operation with a new kind of result is added.

use super::boundary::ffi_value;
use super::call_page::{bw_call_page, owned_call_page};
use super::call_state::{bw_call_state, owned_call_state};
use super::conference_info::{bw_conference, bw_conference_member, owned_conference, owned_member};
use super::created_call::{bw_created_call, owned_created_call};
use super::view::Owned;
use crate::call_state::CallState;
use crate::conference::{Conference, ConferenceMember};
use crate::create_call::CreatedCall;
use crate::error::Error;
use crate::list_calls::CallPage;
use std::ptr;
use std::sync::Arc;

/// `bw_result_kind`: no value. A NULL result has this kind: a failure, or
/// an operation without a value (a redirect, a hang-up, BXML, recording).
pub const BW_RESULT_NONE: i32 = 0;
/// `bw_result_kind`: a `bw_call_state` (`bw_get_call_state_async`), read
/// with `bw_result_call_state`.
pub const BW_RESULT_CALL_STATE: i32 = 1;
/// `bw_result_kind`: a `bw_created_call` (`bw_create_call_async`), read
/// with `bw_result_created_call`.
pub const BW_RESULT_CREATED_CALL: i32 = 2;
/// `bw_result_kind`: a `bw_call_page` (`bw_list_calls_async`), read with
/// `bw_result_call_page`.
pub const BW_RESULT_CALL_PAGE: i32 = 3;
/// `bw_result_kind`: a `bw_conference` (`bw_get_conference_async`), read
/// with `bw_result_conference`.
pub const BW_RESULT_CONFERENCE: i32 = 4;
/// `bw_result_kind`: a `bw_conference_member`
/// (`bw_get_conference_member_async`), read with `bw_result_conference_member`.
pub const BW_RESULT_CONFERENCE_MEMBER: i32 = 5;

/// An asynchronous call's result: opaque, made by the library. The
/// completion callback gets one valid during the call (NULL when there is
/// no value); `bw_result_dup` keeps it longer, `bw_queue_next` hands one
/// over. Read it with `bw_result_kind` and the getter of that kind; free an
/// owned one with `bw_result_free`.
#[derive(Clone)]
pub struct bw_result {
    value: Value,
}

/// Shared, immutable: a duplicate only counts one more reference.
#[derive(Clone)]
enum Value {
    CallState(Arc<Owned<bw_call_state>>),
    CreatedCall(Arc<Owned<bw_created_call>>),
    CallPage(Arc<Owned<bw_call_page>>),
    Conference(Arc<Owned<bw_conference>>),
    ConferenceMember(Arc<Owned<bw_conference_member>>),
}

impl Value {
    fn kind(&self) -> i32 {
        match self {
            Value::CallState(_) => BW_RESULT_CALL_STATE,
            Value::CreatedCall(_) => BW_RESULT_CREATED_CALL,
            Value::CallPage(_) => BW_RESULT_CALL_PAGE,
            Value::Conference(_) => BW_RESULT_CONFERENCE,
            Value::ConferenceMember(_) => BW_RESULT_CONFERENCE_MEMBER,
        }
    }
}

// SAFETY: never changed after it is made; its pointers point into
// allocations it owns, which live as long as the last reference.
unsafe impl Send for bw_result {}
// SAFETY: as above: shared references only read.
unsafe impl Sync for bw_result {}

/// What an operation's success looks like to C: its result, if any.
pub trait IntoResult: Send + Sized + 'static {
    /// `None` when the operation has no value. An error when the value
    /// cannot be given to C (a string with a NUL character).
    fn into_result(self) -> Result<Option<bw_result>, Error>;
}

impl IntoResult for () {
    fn into_result(self) -> Result<Option<bw_result>, Error> {
        Ok(None)
    }
}

/// Each kind of value: the core type, its library-owned view, its variant.
macro_rules! into_result {
    ($core:ty, $own:expr, $variant:ident) => {
        impl IntoResult for $core {
            fn into_result(self) -> Result<Option<bw_result>, Error> {
                let value = Value::$variant(Arc::from($own(self)?));
                Ok(Some(bw_result { value }))
            }
        }
    };
}

into_result!(CallState, owned_call_state, CallState);
into_result!(CreatedCall, owned_created_call, CreatedCall);
into_result!(CallPage, owned_call_page, CallPage);
into_result!(Conference, owned_conference, Conference);
into_result!(ConferenceMember, owned_member, ConferenceMember);

/// The kind of `result`: `BW_RESULT_NONE` for NULL, else `BW_RESULT_*`.
/// Values are stable; a newer library may return a kind this header does
/// not name (for an operation this program does not call).
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_kind(result: *const bw_result) -> i32 {
    ffi_value!(BW_RESULT_NONE, {
        // SAFETY: caller contract above; `as_ref` handles NULL.
        unsafe { result.as_ref() }.map_or(BW_RESULT_NONE, |r| r.value.kind())
    })
}

/// The call state in `result`, valid as long as `result` is (copy it with
/// `bw_call_state_dup` to keep it beyond). NULL unless the kind is
/// `BW_RESULT_CALL_STATE`.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_call_state(result: *const bw_result) -> *const bw_call_state {
    ffi_value!(ptr::null(), {
        // SAFETY: caller contract above.
        match unsafe { value(result) } {
            Some(Value::CallState(owned)) => &owned.view,
            _ => ptr::null(),
        }
    })
}

/// The created call in `result`, valid as long as `result` is. NULL unless
/// the kind is `BW_RESULT_CREATED_CALL`.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_created_call(
    result: *const bw_result,
) -> *const bw_created_call {
    ffi_value!(ptr::null(), {
        // SAFETY: caller contract above.
        match unsafe { value(result) } {
            Some(Value::CreatedCall(owned)) => &owned.view,
            _ => ptr::null(),
        }
    })
}

/// The page of calls in `result`, valid as long as `result` is. NULL unless
/// the kind is `BW_RESULT_CALL_PAGE`.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_call_page(result: *const bw_result) -> *const bw_call_page {
    ffi_value!(ptr::null(), {
        // SAFETY: caller contract above.
        match unsafe { value(result) } {
            Some(Value::CallPage(owned)) => &owned.view,
            _ => ptr::null(),
        }
    })
}

/// The conference in `result`, valid as long as `result` is. NULL unless
/// the kind is `BW_RESULT_CONFERENCE`.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_conference(result: *const bw_result) -> *const bw_conference {
    ffi_value!(ptr::null(), {
        // SAFETY: caller contract above.
        match unsafe { value(result) } {
            Some(Value::Conference(owned)) => &owned.view,
            _ => ptr::null(),
        }
    })
}

/// The conference member in `result`, valid as long as `result` is. NULL
/// unless the kind is `BW_RESULT_CONFERENCE_MEMBER`.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_conference_member(
    result: *const bw_result,
) -> *const bw_conference_member {
    ffi_value!(ptr::null(), {
        // SAFETY: caller contract above.
        match unsafe { value(result) } {
            Some(Value::ConferenceMember(owned)) => &owned.view,
            _ => ptr::null(),
        }
    })
}

/// The value of `result`, if any.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
unsafe fn value<'a>(result: *const bw_result) -> Option<&'a Value> {
    // SAFETY: caller contract above; `as_ref` handles NULL.
    unsafe { result.as_ref() }.map(|r| &r.value)
}

/// A result the caller owns, equal to `result` (cheap: the value is shared,
/// not copied); free it with `bw_result_free`. NULL for NULL. Use it to
/// keep a completion's result beyond the callback.
///
/// # Safety
/// `result` is NULL or a live `bw_result`.
#[no_mangle]
pub unsafe extern "C" fn bw_result_dup(result: *const bw_result) -> *mut bw_result {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: caller contract above; `as_ref` handles NULL.
        unsafe { result.as_ref() }.map_or(ptr::null_mut(), |r| Box::into_raw(Box::new(r.clone())))
    })
}

/// Frees a result from `bw_result_dup` or `bw_queue_next`. NULL is a no-op.
/// Never free the one a completion callback receives.
///
/// # Safety
/// `result` is NULL or a result the caller owns, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_result_free(result: *mut bw_result) {
    ffi_value!((), {
        if !result.is_null() {
            // SAFETY: made by `Box::into_raw` (dup or the queue), freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    })
}
