//! `bw_update_conference_member_request`: the parameters of "Update
//! conference member".

use super::boundary::req_str;
use super::create_call_request::optional_bool;
use super::growable;
use crate::conference::{UpdateConferenceMemberRequest, MAX_COACHED_CALLS};
use crate::error::Error;
use std::os::raw::c_char;

/// Parameters of "Update conference member". Initialise it with
/// `BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT`; what is left unset is not
/// sent and does not change.
#[repr(C)]
pub struct bw_update_conference_member_request {
    /// `sizeof(bw_update_conference_member_request)`, set by
    /// `BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT`.
    pub struct_size: u32,
    /// `BW_BOOL_TRUE` mutes (the member still hears the others),
    /// `BW_BOOL_FALSE` unmutes, `BW_BOOL_UNSET` leaves it.
    pub mute: i32,
    /// `BW_BOOL_TRUE` holds (the member neither hears nor speaks),
    /// `BW_BOOL_FALSE` resumes, `BW_BOOL_UNSET` leaves it.
    pub hold: i32,
    /// The calls this member coaches (hears, and is heard by, alone):
    /// `call_ids_to_coach_len` call ids. NULL leaves the list as it is; a
    /// non-NULL pointer with length 0 empties it. It does not add those
    /// calls to the conference.
    pub call_ids_to_coach: *const *const c_char,
    pub call_ids_to_coach_len: usize,
}

/// A `bw_update_conference_member_request` as the core's request.
///
/// # Safety
/// `req` is NULL or a request of at least `req->struct_size` bytes whose
/// `call_ids_to_coach` is NULL or `call_ids_to_coach_len` pointers to
/// NUL-terminated strings.
pub unsafe fn update_conference_member_request(
    req: *const bw_update_conference_member_request,
) -> Result<UpdateConferenceMemberRequest, Error> {
    // SAFETY: caller contract above.
    let req = unsafe { growable::read(req) }?;
    let call_ids_to_coach = if req.call_ids_to_coach.is_null() {
        None
    } else if req.call_ids_to_coach_len > MAX_COACHED_CALLS {
        // Refused before the array is read: the length alone is wrong.
        return Err(Error::invalid(
            "call_ids_to_coach_len",
            format!(
                "call_ids_to_coach_len is {}; a conference holds at most {MAX_COACHED_CALLS} calls",
                req.call_ids_to_coach_len
            ),
        ));
    } else {
        // SAFETY: caller contract above: that many pointers.
        let ids =
            unsafe { std::slice::from_raw_parts(req.call_ids_to_coach, req.call_ids_to_coach_len) };
        let mut owned = Vec::with_capacity(ids.len());
        for &id in ids {
            // SAFETY: caller contract above.
            owned.push(unsafe { req_str(id, "call_ids_to_coach") }?.to_owned());
        }
        Some(owned)
    };
    Ok(UpdateConferenceMemberRequest {
        mute: optional_bool("mute", req.mute)?,
        hold: optional_bool("hold", req.hold)?,
        call_ids_to_coach,
    })
}
