//! `bw_result`: an asynchronous call's result, opaque to C and read with
//! one getter per kind. Every operation's result travels in this one type,
//! so the completion callback's signature does not change when an
//! operation with a new kind of result is added.

use super::boundary::ffi_value;
use super::call_state::{bw_call_state, owned_call_state, OwnedCallState};
use crate::call_state::CallState;
use crate::error::Error;
use std::ptr;
use std::sync::Arc;

/// `bw_result_kind`: no value. A NULL result has this kind: a failure, or
/// an operation without a value (a redirect, a hang-up, BXML, recording).
pub const BW_RESULT_NONE: i32 = 0;
/// `bw_result_kind`: a `bw_call_state` (`bw_get_call_state_async`), read
/// with `bw_result_call_state`.
pub const BW_RESULT_CALL_STATE: i32 = 1;

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
    CallState(Arc<OwnedCallState>),
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

impl IntoResult for CallState {
    fn into_result(self) -> Result<Option<bw_result>, Error> {
        let owned = Arc::from(owned_call_state(self)?);
        Ok(Some(bw_result {
            value: Value::CallState(owned),
        }))
    }
}

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
        match unsafe { result.as_ref() } {
            None => BW_RESULT_NONE,
            Some(bw_result {
                value: Value::CallState(_),
            }) => BW_RESULT_CALL_STATE,
        }
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
        // SAFETY: caller contract above; `as_ref` handles NULL.
        match unsafe { result.as_ref() } {
            Some(bw_result {
                value: Value::CallState(state),
            }) => &state.view,
            None => ptr::null(),
        }
    })
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
