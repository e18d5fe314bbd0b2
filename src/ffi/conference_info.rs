//! `bw_conference` and `bw_conference_member`, library-owned: what "Get
//! conference information" and "Get conference member" read.

use super::boundary::ffi_value;
use super::create_call_request::{BW_BOOL_FALSE, BW_BOOL_TRUE, BW_BOOL_UNSET};
use super::view::{Arena, Owned};
use crate::conference::{Conference, ConferenceMember};
use crate::error::Error;
use std::os::raw::c_char;

/// A conference member as Bandwidth reports it. Allocated by the library
/// and read-only (`bw_conference_member_free` for one from
/// `bw_get_conference_member`; those in a `bw_conference` go with it).
/// Strings are NUL-terminated UTF-8, NULL when not reported.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct bw_conference_member {
    /// `sizeof(bw_conference_member)` of the library that allocated it.
    pub struct_size: u32,
    /// The member's call; also its member id.
    pub call_id: *const c_char,
    pub conference_id: *const c_char,
    /// The URL of this member (for reading and updating it).
    pub member_url: *const c_char,
    /// `BW_BOOL_TRUE` when muted (it still hears the others), `BW_BOOL_FALSE`
    /// when not, `BW_BOOL_UNSET` when not reported.
    pub mute: i32,
    /// `BW_BOOL_TRUE` when on hold (it neither hears nor speaks), as `mute`.
    pub hold: i32,
    /// The calls this member coaches: `call_ids_to_coach_len` strings
    /// (NULL when none).
    pub call_ids_to_coach: *const *const c_char,
    pub call_ids_to_coach_len: usize,
}

/// A conference as "Get conference information" reads it, with its active
/// members. Allocated by the library and read-only: free it with
/// `bw_conference_free`. Times come as RFC 3339 text and as milliseconds
/// since the Unix epoch (`BW_TIME_ABSENT` when absent).
#[repr(C)]
pub struct bw_conference {
    /// `sizeof(bw_conference)` of the library that allocated it.
    pub struct_size: u32,
    pub id: *const c_char,
    /// The name the application gave it in `<Conference>`.
    pub name: *const c_char,
    pub created_time: *const c_char,
    pub created_time_ms: i64,
    /// When it ended; NULL while it goes on.
    pub completed_time: *const c_char,
    pub completed_time_ms: i64,
    /// Where its events go, and with which method (`"GET"`, `"POST"`).
    pub conference_event_url: *const c_char,
    pub conference_event_method: *const c_char,
    pub tag: *const c_char,
    /// `active_members_len` pointers to members (NULL when none); pointers,
    /// as `bw_call_page.calls`, so the members' struct can grow.
    pub active_members: *const *const bw_conference_member,
    pub active_members_len: usize,
}

const WHAT: &str = "conference";

fn flag(value: Option<bool>) -> i32 {
    match value {
        None => BW_BOOL_UNSET,
        Some(false) => BW_BOOL_FALSE,
        Some(true) => BW_BOOL_TRUE,
    }
}

fn member_view(arena: &mut Arena, member: ConferenceMember) -> Result<bw_conference_member, Error> {
    let (call_ids_to_coach, call_ids_to_coach_len) =
        arena.texts(WHAT, "callIdsToCoach", member.call_ids_to_coach)?;
    Ok(bw_conference_member {
        struct_size: std::mem::size_of::<bw_conference_member>() as u32,
        call_id: arena.text(WHAT, "callId", member.call_id)?,
        conference_id: arena.text(WHAT, "conferenceId", member.conference_id)?,
        member_url: arena.text(WHAT, "memberUrl", member.member_url)?,
        mute: flag(member.mute),
        hold: flag(member.hold),
        call_ids_to_coach,
        call_ids_to_coach_len,
    })
}

/// `member` as a library-owned `bw_conference_member`.
pub fn owned_member(member: ConferenceMember) -> Result<Box<Owned<bw_conference_member>>, Error> {
    let mut arena = Arena::default();
    let view = member_view(&mut arena, member)?;
    Ok(Owned::new(view, arena))
}

/// `conference` as a library-owned `bw_conference`.
pub fn owned_conference(conference: Conference) -> Result<Box<Owned<bw_conference>>, Error> {
    let mut arena = Arena::default();
    let mut members = Vec::new();
    for member in conference.active_members.unwrap_or_default() {
        members.push(member_view(&mut arena, member)?);
    }
    let (active_members, active_members_len) = arena.pointers(members);
    let (created_time, created_time_ms) =
        arena.time(WHAT, "createdTime", conference.created_time)?;
    let (completed_time, completed_time_ms) =
        arena.time(WHAT, "completedTime", conference.completed_time)?;
    let view = bw_conference {
        struct_size: std::mem::size_of::<bw_conference>() as u32,
        id: arena.text(WHAT, "id", conference.id)?,
        name: arena.text(WHAT, "name", conference.name)?,
        created_time,
        created_time_ms,
        completed_time,
        completed_time_ms,
        conference_event_url: arena.text(
            WHAT,
            "conferenceEventUrl",
            conference.conference_event_url,
        )?,
        conference_event_method: arena.text(
            WHAT,
            "conferenceEventMethod",
            conference.conference_event_method,
        )?,
        tag: arena.text(WHAT, "tag", conference.tag)?,
        active_members,
        active_members_len,
    };
    Ok(Owned::new(view, arena))
}

/// Frees a `bw_conference` from `bw_get_conference`, with its members.
/// NULL is a no-op.
///
/// # Safety
/// `conference` is NULL or a pointer written by `bw_get_conference`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_conference_free(conference: *mut bw_conference) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { Owned::free(conference) }
    })
}

/// Frees a `bw_conference_member` from `bw_get_conference_member`. NULL is
/// a no-op. Never free a member of a `bw_conference`.
///
/// # Safety
/// `member` is NULL or a pointer written by `bw_get_conference_member`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_conference_member_free(member: *mut bw_conference_member) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { Owned::free(member) }
    })
}
