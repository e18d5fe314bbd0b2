//! The nested objects of a `bw_callback` (`machineDetectionResult`,
//! `transcription`, `mediaStream`, …): structs of their own, pointed to
//! and NULL when absent. Absence then needs no flag, one struct serves
//! every field of its shape (`transcription`, `real_time_transcription`,
//! `original_transcription`), and each can grow by its own `struct_size`.

use super::callback::WHAT;
use super::create_call_request::{BW_BOOL_FALSE, BW_BOOL_TRUE, BW_BOOL_UNSET};
use super::view::Arena;
use crate::callback::{MachineDetectionResult, MediaStream, Transcription};
use crate::error::Error;
use std::os::raw::c_char;
use std::ptr;

/// Answering machine detection's result (`bw_callback.machine_detection_result`).
#[repr(C)]
pub struct bw_callback_machine_detection {
    /// `sizeof(bw_callback_machine_detection)` of the library that allocated it.
    pub struct_size: u32,
    /// `"human"`, `"answering-machine"`, `"silence"`, `"timeout"`, `"error"`, or newer.
    pub value: *const c_char,
    /// How long detection took, ISO 8601 (`"PT4.98S"`); NULL when not sent.
    pub duration: *const c_char,
}

/// A transcription: a recording's (`id`, `status`, `url`, `completed_time`)
/// or a real-time one (also `name`, `start_time`, `duration`,
/// `destination`, `stabilized`, `tracks`). Strings NULL and times
/// `BW_TIME_ABSENT` when not sent.
#[repr(C)]
pub struct bw_callback_transcription {
    /// `sizeof(bw_callback_transcription)` of the library that allocated it.
    pub struct_size: u32,
    pub id: *const c_char,
    pub name: *const c_char,
    /// `"available"`, `"error"`, `"timeout"`, `"failed"`, … or newer.
    pub status: *const c_char,
    pub url: *const c_char,
    pub completed_time: *const c_char,
    pub completed_time_ms: i64,
    pub start_time: *const c_char,
    pub start_time_ms: i64,
    /// ISO 8601 (`"PT1M52.2S"`).
    pub duration: *const c_char,
    pub destination: *const c_char,
    /// `BW_BOOL_TRUE`, `BW_BOOL_FALSE`, or `BW_BOOL_UNSET` when not sent.
    pub stabilized: i32,
    /// `"inbound"`, `"outbound"`: `tracks_len` strings (NULL when none).
    pub tracks: *const *const c_char,
    pub tracks_len: usize,
}

/// A media stream (`<StartStream>`).
#[repr(C)]
pub struct bw_callback_media_stream {
    /// `sizeof(bw_callback_media_stream)` of the library that allocated it.
    pub struct_size: u32,
    pub id: *const c_char,
    pub name: *const c_char,
    /// Where the media goes (`"wss://…"`).
    pub destination: *const c_char,
    /// `"WebSocket"` (JSON `type`).
    pub stream_type: *const c_char,
    pub start_time: *const c_char,
    pub start_time_ms: i64,
    /// How long it ran, ISO 8601.
    pub duration: *const c_char,
    /// `"inbound"`, `"outbound"`: `tracks_len` strings (NULL when none).
    pub tracks: *const *const c_char,
    pub tracks_len: usize,
}

/// `item` kept in `arena`, as a pointer (NULL for `None`).
fn one<T: 'static>(arena: &mut Arena, item: Option<T>) -> *const T {
    item.map_or(ptr::null(), |item| arena.list(vec![item]).0)
}

fn flag(value: Option<bool>) -> i32 {
    match value {
        None => BW_BOOL_UNSET,
        Some(false) => BW_BOOL_FALSE,
        Some(true) => BW_BOOL_TRUE,
    }
}

pub(super) fn machine_detection(
    arena: &mut Arena,
    md: Option<MachineDetectionResult>,
) -> Result<*const bw_callback_machine_detection, Error> {
    let Some(md) = md else {
        return Ok(ptr::null());
    };
    let view = bw_callback_machine_detection {
        struct_size: std::mem::size_of::<bw_callback_machine_detection>() as u32,
        value: arena.text(WHAT, "machineDetectionResult", md.value)?,
        duration: arena.text(WHAT, "machineDetectionResult", md.duration)?,
    };
    Ok(one(arena, Some(view)))
}

pub(super) fn transcription(
    arena: &mut Arena,
    field: &str,
    t: Option<Transcription>,
) -> Result<*const bw_callback_transcription, Error> {
    let Some(t) = t else {
        return Ok(ptr::null());
    };
    let (completed_time, completed_time_ms) = arena.time(WHAT, field, t.completed_time)?;
    let (start_time, start_time_ms) = arena.time(WHAT, field, t.start_time)?;
    let (tracks, tracks_len) = arena.texts(WHAT, field, Some(t.tracks))?;
    let view = bw_callback_transcription {
        struct_size: std::mem::size_of::<bw_callback_transcription>() as u32,
        id: arena.text(WHAT, field, t.id)?,
        name: arena.text(WHAT, field, t.name)?,
        status: arena.text(WHAT, field, t.status)?,
        url: arena.text(WHAT, field, t.url)?,
        completed_time,
        completed_time_ms,
        start_time,
        start_time_ms,
        duration: arena.text(WHAT, field, t.duration)?,
        destination: arena.text(WHAT, field, t.destination)?,
        stabilized: flag(t.stabilized),
        tracks,
        tracks_len,
    };
    Ok(one(arena, Some(view)))
}

pub(super) fn stream(
    arena: &mut Arena,
    field: &str,
    s: Option<MediaStream>,
) -> Result<*const bw_callback_media_stream, Error> {
    let Some(s) = s else {
        return Ok(ptr::null());
    };
    let (start_time, start_time_ms) = arena.time(WHAT, field, s.start_time)?;
    let (tracks, tracks_len) = arena.texts(WHAT, field, Some(s.tracks))?;
    let view = bw_callback_media_stream {
        struct_size: std::mem::size_of::<bw_callback_media_stream>() as u32,
        id: arena.text(WHAT, field, s.id)?,
        name: arena.text(WHAT, field, s.name)?,
        destination: arena.text(WHAT, field, s.destination)?,
        stream_type: arena.text(WHAT, field, s.stream_type)?,
        start_time,
        start_time_ms,
        duration: arena.text(WHAT, field, s.duration)?,
        tracks,
        tracks_len,
    };
    Ok(one(arena, Some(view)))
}
