//! `bw_callback_parse` and `_query` through their C signatures (Miri runs
//! these: `make miri`).

use super::super::{bw_error, BW_ERR_INVALID_ARGUMENT, BW_OK};
use super::*;
use crate::ffi::boundary::record;
use crate::ffi::call_state::BW_TIME_ABSENT;
use std::ffi::CStr;
use std::ptr::{null, null_mut};

fn text(p: *const c_char) -> Option<&'static str> {
    // SAFETY: NULL or a NUL-terminated string the test keeps alive.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
}

fn field(err: &bw_error) -> &str {
    // SAFETY: the library NUL-terminates `field`.
    unsafe { CStr::from_ptr(err.field.as_ptr()) }
        .to_str()
        .unwrap()
}

#[test]
fn constants_follow_the_core_events() {
    let constants = [
        (BW_CALLBACK_ANSWER, "answer"),
        (BW_CALLBACK_BRIDGE_COMPLETE, "bridgeComplete"),
        (BW_CALLBACK_BRIDGE_TARGET_COMPLETE, "bridgeTargetComplete"),
        (BW_CALLBACK_CONFERENCE_CREATED, "conferenceCreated"),
        (BW_CALLBACK_CONFERENCE_REDIRECT, "conferenceRedirect"),
        (BW_CALLBACK_CONFERENCE_MEMBER_JOIN, "conferenceMemberJoin"),
        (BW_CALLBACK_CONFERENCE_MEMBER_EXIT, "conferenceMemberExit"),
        (BW_CALLBACK_CONFERENCE_COMPLETED, "conferenceCompleted"),
        (
            BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE,
            "conferenceRecordingAvailable",
        ),
        (BW_CALLBACK_DISCONNECT, "disconnect"),
        (BW_CALLBACK_DTMF, "dtmf"),
        (BW_CALLBACK_GATHER, "gather"),
        (BW_CALLBACK_INITIATE, "initiate"),
        (
            BW_CALLBACK_MACHINE_DETECTION_COMPLETE,
            "machineDetectionComplete",
        ),
        (BW_CALLBACK_RECORDING_COMPLETE, "recordingComplete"),
        (BW_CALLBACK_RECORDING_AVAILABLE, "recordingAvailable"),
        (BW_CALLBACK_REDIRECT, "redirect"),
        (
            BW_CALLBACK_TRANSCRIPTION_AVAILABLE,
            "transcriptionAvailable",
        ),
        (BW_CALLBACK_TRANSFER_ANSWER, "transferAnswer"),
        (BW_CALLBACK_TRANSFER_COMPLETE, "transferComplete"),
        (BW_CALLBACK_TRANSFER_DISCONNECT, "transferDisconnect"),
        (BW_CALLBACK_MEDIA_STREAM_STARTED, "mediaStreamStarted"),
        (BW_CALLBACK_MEDIA_STREAM_STOPPED, "mediaStreamStopped"),
        (BW_CALLBACK_MEDIA_STREAM_REJECTED, "mediaStreamRejected"),
        (
            BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED,
            "realTimeTranscriptionStarted",
        ),
        (
            BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE,
            "realTimeTranscriptionAvailable",
        ),
        (
            BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED,
            "realTimeTranscriptionStopped",
        ),
        (
            BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED,
            "realTimeTranscriptionRejected",
        ),
    ];
    assert_eq!(constants.len(), CallbackEvent::ALL.len());
    for (code, name) in constants {
        assert_eq!(event_code(CallbackEvent::from_name(name)), code, "{name}");
    }
    assert_eq!(event_code(CallbackEvent::Unknown), BW_CALLBACK_UNKNOWN);
}

#[test]
fn a_body_without_nul_becomes_a_view() {
    // Followed by bytes that are not JSON: only `body_len` are read.
    let body = br#"{"eventType":"initiate","from":"Anonymous","startTime":"2024-01-02T03:04:05Z",
        "stirShaken":{"verstat":"TN-Validation-Passed"},"machineDetectionResult":"human",
        "mediaStream":{"tracks":["inbound"]}}GARBAGE"#;
    let len = body.len() - "GARBAGE".len();
    let mut err = record(None);
    let mut out: *mut bw_callback = null_mut();
    // SAFETY: `body` has `len` readable bytes; `out` and `err` are writable.
    let status = unsafe { bw_callback_parse(body.as_ptr().cast(), len, &mut out, &mut err) };
    assert_eq!(status, BW_OK);
    // SAFETY: a view the library just made, freed below.
    let cb = unsafe { &*out };
    assert_eq!(cb.struct_size as usize, std::mem::size_of::<bw_callback>());
    assert_eq!(
        (cb.event, text(cb.event_type)),
        (BW_CALLBACK_INITIATE, Some("initiate"))
    );
    assert_eq!(text(cb.from), Some("Anonymous"));
    assert_eq!(cb.start_time_ms, 1_704_164_645_000);
    assert_eq!(
        (cb.answer_time, cb.answer_time_ms),
        (null(), BW_TIME_ABSENT)
    );
    assert_eq!((cb.sip_response_code, cb.channels), (-1, -1));
    assert_eq!(cb.stir_shaken_len, 1);
    // SAFETY: one pair, as `stir_shaken_len` says.
    let pair = unsafe { &*cb.stir_shaken };
    assert_eq!(
        (text(pair.key), text(pair.value)),
        (Some("verstat"), Some("TN-Validation-Passed"))
    );
    // SAFETY: non-NULL pointers of the view.
    let (md, stream) = unsafe { (&*cb.machine_detection_result, &*cb.media_stream) };
    assert_eq!((text(md.value), text(md.duration)), (Some("human"), None));
    assert_eq!(stream.tracks_len, 1);
    // SAFETY: `tracks_len` strings.
    assert_eq!(text(unsafe { *stream.tracks }), Some("inbound"));
    assert_eq!(
        (cb.transcription, cb.diversion, cb.diversion_len),
        (null(), null(), 0)
    );
    // SAFETY: from bw_callback_parse, freed once; NULL is a no-op.
    unsafe {
        bw_callback_free(out);
        bw_callback_free(null_mut());
    }
}

#[test]
fn bad_arguments_leave_out_null() {
    let mut err = record(None);
    let mut out: *mut bw_callback = std::ptr::dangling_mut();
    let body = b"{\"eventType\":1}";
    let query = c"eventType=answer";
    // SAFETY: every pointer is NULL or valid for what it is used for.
    unsafe {
        assert_eq!(
            bw_callback_parse(null(), 0, &mut out, &mut err),
            BW_ERR_INVALID_ARGUMENT
        );
        assert_eq!((field(&err), out), ("body", null_mut()));
        let too_long = MAX_CALLBACK_BYTES + 1;
        // The length is refused before a byte is read.
        assert_eq!(
            bw_callback_parse(body.as_ptr().cast(), too_long, &mut out, &mut err),
            BW_ERR_INVALID_ARGUMENT
        );
        assert_eq!(field(&err), "body");
        let status = bw_callback_parse(body.as_ptr().cast(), body.len(), null_mut(), &mut err);
        assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "out"));
        let status = bw_callback_parse(body.as_ptr().cast(), body.len(), &mut out, &mut err);
        assert_eq!(
            (status, field(&err), out),
            (BW_ERR_INVALID_ARGUMENT, "event_type", null_mut())
        );
        let status = bw_callback_parse_query(null(), &mut out, &mut err);
        assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "query"));
        let status = bw_callback_parse_query(query.as_ptr(), null_mut(), null_mut());
        assert_eq!(status, BW_ERR_INVALID_ARGUMENT);
        assert_eq!(
            bw_callback_parse_query(query.as_ptr(), &mut out, null_mut()),
            BW_OK
        );
        assert_eq!((*out).event, BW_CALLBACK_ANSWER);
        bw_callback_free(out);
    }
}

/// The rule for appending fields later: `struct_size` first, and each
/// struct's size a multiple of its alignment, so a field appended in a
/// later version starts at or past today's `sizeof`.
#[test]
fn layouts_can_grow() {
    use crate::ffi::{
        bw_callback_machine_detection, bw_callback_media_stream, bw_callback_transcription,
    };
    use std::mem::{align_of, offset_of, size_of};
    assert_eq!(offset_of!(bw_callback, struct_size), 0);
    assert_eq!(offset_of!(bw_callback_machine_detection, struct_size), 0);
    assert_eq!(offset_of!(bw_callback_transcription, struct_size), 0);
    assert_eq!(offset_of!(bw_callback_media_stream, struct_size), 0);
    for (size, align) in [
        (size_of::<bw_callback>(), align_of::<bw_callback>()),
        (
            size_of::<bw_callback_machine_detection>(),
            align_of::<bw_callback_machine_detection>(),
        ),
        (
            size_of::<bw_callback_transcription>(),
            align_of::<bw_callback_transcription>(),
        ),
        (
            size_of::<bw_callback_media_stream>(),
            align_of::<bw_callback_media_stream>(),
        ),
    ] {
        assert_eq!(size % align, 0);
    }
}

#[test]
fn the_headers_limit_is_the_readers() {
    assert_eq!(BW_MAX_CALLBACK_BYTES, crate::callback::MAX_CALLBACK_BYTES);
}
