//! The exported functions' paths that never reach the network, runnable
//! under Miri (`cargo +nightly miri test -- ffi::`), which checks every raw
//! pointer access for undefined behaviour.

use super::*;
use std::ffi::CStr;
use std::mem::size_of;
use std::os::raw::c_char;
use std::ptr::{null, null_mut};

/// A record full of garbage, as an uninitialised C stack variable would be.
fn garbage() -> bw_error {
    bw_error {
        struct_size: size_of::<bw_error>() as u32,
        status: 99,
        http_status: 99,
        retry_after_ms: 99,
        attempts: 99,
        field: [-1; BW_ERROR_FIELD_LEN],
        error_type: [-1; BW_ERROR_TYPE_LEN],
        description: [-1; BW_ERROR_TEXT_LEN],
        error_id: [-1; BW_ERROR_ID_LEN],
        message: [-1; BW_ERROR_TEXT_LEN],
        maybe_applied: true,
    }
}

fn text(buf: &[c_char]) -> &str {
    // SAFETY: the library NUL-terminates every string in `bw_error`.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .expect("UTF-8")
}

fn static_str(ptr: *const c_char) -> &'static str {
    // SAFETY: the functions under test return static NUL-terminated strings.
    unsafe { CStr::from_ptr(ptr) }.to_str().expect("UTF-8")
}

fn config(base_url: &CStr) -> bw_client_config {
    bw_client_config {
        struct_size: size_of::<bw_client_config>() as u32,
        base_url: base_url.as_ptr(),
        username: c"user".as_ptr(),
        password: c"pass".as_ptr(),
        client_id: null(),
        client_secret: null(),
        token_url: null(),
        connect_timeout_ms: 0,
        timeout_ms: 0,
        max_attempts: 0,
        retry_non_idempotent: false,
        tls_roots: BW_TLS_ROOTS_BUNDLED,
        ca_file: null(),
        proxy: null(),
        proxy_from_env: false,
        user_agent_suffix: null(),
        max_concurrency: 0,
        max_queued: 0,
        retry_budget: 0,
        on_event: None,
        event_userdata: null_mut(),
        event_mask: 0,
        binding: null(),
        allow_unknown_bxml_verbs: false,
    }
}

fn redirect(url: &CStr) -> bw_modify_call_request {
    bw_modify_call_request {
        struct_size: size_of::<bw_modify_call_request>() as u32,
        state: BW_CALL_STATE_UNSET,
        redirect_url: url.as_ptr(),
        redirect_method: BW_METHOD_UNSET,
        username: null(),
        password: null(),
        tag: null(),
        redirect_fallback_url: null(),
        redirect_fallback_method: BW_METHOD_UNSET,
        fallback_username: null(),
        fallback_password: null(),
    }
}

#[test]
fn status_names_and_version() {
    assert_eq!(static_str(bw_status_str(BW_OK)), "BW_OK");
    assert_eq!(
        static_str(bw_status_str(BW_ERR_NOT_FOUND)),
        "BW_ERR_NOT_FOUND"
    );
    for unknown in [-1, 16, i32::MIN, i32::MAX] {
        assert_eq!(static_str(bw_status_str(unknown)), "BW_ERR_UNKNOWN");
    }
    assert_eq!(
        static_str(bw_version()),
        concat!("bwvoice/", env!("CARGO_PKG_VERSION"))
    );
    let number = bw_version_number();
    let parts: Vec<u32> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(number, parts[0] << 16 | parts[1] << 8 | parts[2]);
}

#[test]
fn status_codes_match_the_core() {
    // The C constants, bw_status_str and the core's enum stay in lockstep.
    let constants = [
        BW_ERR_INVALID_ARGUMENT,
        BW_ERR_UNAUTHORIZED,
        BW_ERR_FORBIDDEN,
        BW_ERR_NOT_FOUND,
        BW_ERR_CONFLICT,
        BW_ERR_RATE_LIMITED,
        BW_ERR_BAD_REQUEST,
        BW_ERR_SERVER,
        BW_ERR_TIMEOUT,
        BW_ERR_CONNECT,
        BW_ERR_TLS,
        BW_ERR_PROTOCOL,
        BW_ERR_INTERNAL,
        BW_ERR_BUSY,
        BW_ERR_CANCELLED,
    ];
    for (status, constant) in crate::error::Status::ALL.into_iter().zip(constants) {
        assert_eq!(status as i32, constant);
        assert_eq!(static_str(bw_status_str(constant)), status.name());
    }
    assert!(crate::error::Status::ALL.len() < BW_STATS_OUTCOMES);
    assert_eq!(static_str(bw_status_str(BW_OK)), "BW_OK");
    assert_eq!(static_str(bw_status_str(16)), "BW_ERR_UNKNOWN");
}

#[test]
fn published_defaults_match_the_core() {
    let ms = |d: std::time::Duration| u32::try_from(d.as_millis()).unwrap();
    assert_eq!(
        BW_DEFAULT_CONNECT_TIMEOUT_MS,
        ms(crate::client::DEFAULT_CONNECT_TIMEOUT)
    );
    assert_eq!(BW_DEFAULT_TIMEOUT_MS, ms(crate::client::DEFAULT_TIMEOUT));
    assert_eq!(BW_DEFAULT_MAX_ATTEMPTS, crate::retry::DEFAULT_MAX_ATTEMPTS);
    assert_eq!(
        BW_DEFAULT_MAX_CONCURRENCY,
        crate::jobs::DEFAULT_MAX_CONCURRENCY
    );
    assert_eq!(BW_DEFAULT_MAX_QUEUED, crate::jobs::DEFAULT_MAX_QUEUED);
    assert_eq!(BW_DEFAULT_RETRY_BUDGET, crate::budget::DEFAULT_CAPACITY);
    assert_eq!(BW_RETRY_BUDGET_OFF, crate::budget::OFF);
    assert_eq!(BW_MAX_BXML_BYTES, crate::bxml::MAX_BXML_BYTES);
}

#[test]
fn client_new_rejects_bad_arguments() {
    let mut err = garbage();
    let mut out: *mut bw_client = null_mut();
    let good = config(c"http://127.0.0.1:9/api/v2");
    // SAFETY (all calls): valid or NULL pointers, NUL-terminated strings.
    unsafe {
        assert_eq!(
            bw_client_new(null(), &mut out, &mut err),
            BW_ERR_INVALID_ARGUMENT
        );
        assert_eq!(text(&err.field), "cfg");
        assert_eq!(bw_client_new(&good, null_mut(), &mut err), 1);
        assert_eq!(text(&err.field), "out");
        let bad_utf8 = b"\xc3\x28\0";
        let mut cfg = config(c"http://127.0.0.1:9/api/v2");
        cfg.password = bad_utf8.as_ptr().cast();
        assert_eq!(bw_client_new(&cfg, &mut out, null_mut()), 1);
        let cfg = config(c"http://example.com/api/v2"); // plain http off loopback
        assert_eq!(bw_client_new(&cfg, &mut out, &mut err), 1);
        assert_eq!(text(&err.field), "base_url");
        let mut cfg = config(c"http://127.0.0.1:9/api/v2");
        cfg.tls_roots = 7;
        assert_eq!(bw_client_new(&cfg, &mut out, &mut err), 1);
        assert_eq!(text(&err.field), "tls_roots");
        assert_eq!(text(&err.message), "tls_roots has unknown value 7");
        bw_free(null_mut());
    }
    assert!(out.is_null(), "out is written only on success");
}

#[test]
fn modify_call_rejects_bad_arguments_before_sending() {
    let mut err = garbage();
    let cfg = config(c"http://127.0.0.1:9/api/v2");
    let mut client: *mut bw_client = null_mut();
    // SAFETY (all calls): valid or NULL pointers, NUL-terminated strings;
    // the client is freed once, after its last use.
    unsafe {
        assert_eq!(bw_client_new(&cfg, &mut client, &mut err), BW_OK);
        assert_eq!(err.status, BW_OK);
        assert_eq!(text(&err.message), "", "cleared on entry");
        let ok = redirect(c"/next");
        let (a, c) = (c"9900000".as_ptr(), c"c-1".as_ptr());
        let rejected = |client, a, c, req: &bw_modify_call_request, err: &mut bw_error| {
            let status = bw_modify_call(client, a, c, req, null(), err);
            assert_eq!(status, BW_ERR_INVALID_ARGUMENT, "{}", text(&err.message));
            assert_eq!(err.attempts, 0, "nothing was sent");
            text(&err.field).to_owned()
        };
        assert_eq!(rejected(null(), a, c, &ok, &mut err), "client");
        assert_eq!(rejected(client, null(), c, &ok, &mut err), "account_id");
        assert_eq!(rejected(client, a, c"".as_ptr(), &ok, &mut err), "call_id");
        assert_eq!(
            bw_modify_call(client, a, c, null(), null(), null_mut()),
            BW_ERR_INVALID_ARGUMENT
        );
        let mut req = redirect(c"/next");
        req.state = 3;
        assert_eq!(rejected(client, a, c, &req, &mut err), "state");
        let mut req = redirect(c"/next");
        req.redirect_fallback_method = -1;
        assert_eq!(
            rejected(client, a, c, &req, &mut err),
            "redirect_fallback_method"
        );
        let mut req = redirect(c"/next");
        req.tag = c"\xff".as_ptr();
        assert_eq!(rejected(client, a, c, &req, &mut err), "tag");
        let req = redirect(c"ftp://x");
        assert_eq!(rejected(client, a, c, &req, &mut err), "redirect_url");
        let mut req = redirect(c"/next");
        req.state = BW_CALL_STATE_COMPLETED;
        assert_eq!(rejected(client, a, c, &req, &mut err), "redirect_url");
        assert_eq!(bw_hangup(client, a, null(), null(), &mut err), 1);
        assert_eq!(text(&err.field), "call_id");
        bw_free(client);
    }
}

#[test]
fn the_other_operations_reject_bad_arguments_before_sending() {
    let mut err = garbage();
    let cfg = config(c"http://127.0.0.1:9/api/v2");
    let mut client: *mut bw_client = null_mut();
    let (a, c) = (c"9900000".as_ptr(), c"c-1".as_ptr());
    let bxml = c"<Bxml><Hangup/></Bxml>".as_ptr();
    let mut state: *mut bw_call_state = null_mut();
    // SAFETY (all calls): valid or NULL pointers, NUL-terminated strings;
    // the client is freed once, after its last use.
    unsafe {
        assert_eq!(bw_client_new(&cfg, &mut client, &mut err), BW_OK);
        let check = |status: bw_status, err: &bw_error, field: &str| {
            assert_eq!(status, BW_ERR_INVALID_ARGUMENT, "{}", text(&err.message));
            assert_eq!(err.attempts, 0, "nothing was sent");
            assert_eq!(text(&err.field), field, "{}", text(&err.message));
        };
        let status = bw_get_call_state(client, a, c, null(), null_mut(), &mut err);
        check(status, &err, "out");
        let status = bw_get_call_state(client, a, c"..".as_ptr(), null(), &mut state, &mut err);
        check(status, &err, "call_id");
        let status = bw_update_call_bxml(client, a, c, null(), null(), &mut err);
        check(status, &err, "bxml");
        let unclosed = c"<Bxml>\n<SpeakSentence>hi</Bxml>".as_ptr();
        let status = bw_update_call_bxml(client, a, c, unclosed, null(), &mut err);
        check(status, &err, "bxml");
        assert!(
            text(&err.message).contains("line 2"),
            "{}",
            text(&err.message)
        );
        for bad in [0, 3, -1] {
            let status = bw_update_call_recording(client, a, c, bad, null(), &mut err);
            check(status, &err, "state");
        }
        let mut opts = bw_call_options {
            struct_size: 0,
            timeout_ms: 100,
            flags: 0,
        };
        let status = bw_update_call_bxml(client, a, c, bxml, &opts, &mut err);
        check(status, &err, "opts.struct_size");
        opts.struct_size = size_of::<bw_call_options>() as u32;
        let status = bw_hangup(null(), a, c, &opts, &mut err);
        check(status, &err, "client");
        opts.flags = 2;
        let status = bw_hangup(client, a, c, &opts, &mut err);
        check(status, &err, "opts.flags");
        bw_free(client);
    }
    assert!(state.is_null(), "out untouched on failure");
}

#[test]
fn xml_escape_reports_the_size_it_needs() {
    let mut err = garbage();
    let mut needed = 0usize;
    let text_in = c"a<b & 'c'";
    let want = "a&lt;b &amp; &apos;c&apos;";
    // SAFETY (all calls): NUL-terminated input, buffers of the sizes passed.
    unsafe {
        let status = bw_xml_escape(text_in.as_ptr(), null_mut(), 0, &mut needed, &mut err);
        assert_eq!((status, needed), (BW_OK, want.len() + 1));
        let mut small = [1 as c_char; 8];
        let status = bw_xml_escape(
            text_in.as_ptr(),
            small.as_mut_ptr(),
            8,
            &mut needed,
            &mut err,
        );
        assert_eq!(status, BW_ERR_INVALID_ARGUMENT);
        assert_eq!(text(&err.field), "out_size");
        assert_eq!(small, [1; 8], "nothing written");
        let mut out = vec![1 as c_char; needed];
        let status = bw_xml_escape(
            text_in.as_ptr(),
            out.as_mut_ptr(),
            needed,
            &mut needed,
            &mut err,
        );
        assert_eq!(status, BW_OK);
        assert_eq!(text(&out), want);
        let status = bw_xml_escape(c"\x07".as_ptr(), null_mut(), 0, &mut needed, &mut err);
        assert_eq!(
            (status, text(&err.field)),
            (BW_ERR_INVALID_ARGUMENT, "text")
        );
        let status = bw_xml_escape(text_in.as_ptr(), null_mut(), 0, null_mut(), &mut err);
        assert_eq!(
            (status, text(&err.field)),
            (BW_ERR_INVALID_ARGUMENT, "needed")
        );
    }
}

#[test]
fn growable_layouts_follow_the_rule() {
    use super::growable::check_layouts;
    check_layouts::<bw_client_config>();
    check_layouts::<bw_modify_call_request>();
    check_layouts::<bw_call_options>();
    check_layouts::<bw_stats>();
    check_layouts::<bw_error>();
    check_layouts::<bw_create_call_request>();
    check_layouts::<bw_machine_detection>();
    check_layouts::<bw_list_calls_query>();
    check_layouts::<bw_update_conference_request>();
    check_layouts::<bw_update_conference_member_request>();
}

#[test]
fn unknown_struct_sizes_are_refused_and_named() {
    let mut err = garbage();
    let mut out: *mut bw_client = null_mut();
    // SAFETY (all calls): valid or NULL pointers, NUL-terminated strings.
    unsafe {
        for size in [
            0,
            3,
            4,
            40,
            size_of::<bw_client_config>() as u32 - 4,
            u32::MAX,
        ] {
            let mut cfg = config(c"http://127.0.0.1:9/api/v2");
            cfg.struct_size = size;
            assert_eq!(bw_client_new(&cfg, &mut out, &mut err), 1, "size {size}");
            assert_eq!(text(&err.field), "cfg.struct_size");
            assert!(
                text(&err.message).contains("initialise it with BW_CLIENT_CONFIG_INIT"),
                "{}",
                text(&err.message)
            );
        }
        // An error record of unknown size is not written at all.
        let mut bad = garbage();
        bad.struct_size = 0;
        assert_eq!(bw_client_new(null(), &mut out, &mut bad), 1);
        assert_eq!((bad.status, bad.message[0]), (99, -1), "untouched");
    }
    assert!(out.is_null());
}

/// A `bw_client_config` as a program built against a newer header passes
/// it: this library's fields, then one it does not know.
#[repr(C)]
struct NewerConfig {
    known: bw_client_config,
    future_field: u64,
}

#[test]
fn newer_callers_are_accepted_while_their_new_fields_are_zero() {
    let mut err = garbage();
    let mut client: *mut bw_client = null_mut();
    let mut newer = NewerConfig {
        known: config(c"http://127.0.0.1:9/api/v2"),
        future_field: 0,
    };
    newer.known.struct_size = size_of::<NewerConfig>() as u32;
    let ptr = (&newer as *const NewerConfig).cast::<bw_client_config>();
    // SAFETY: `ptr` covers `struct_size` bytes; the client is freed once.
    unsafe {
        assert_eq!(bw_client_new(ptr, &mut client, &mut err), BW_OK);
        bw_free(client);
        newer.future_field = 1;
        let ptr = (&newer as *const NewerConfig).cast::<bw_client_config>();
        client = null_mut();
        assert_eq!(bw_client_new(ptr, &mut client, &mut err), 1);
        assert_eq!(text(&err.field), "cfg.struct_size");
        assert!(
            text(&err.message).contains("does not know"),
            "{}",
            text(&err.message)
        );
    }
    assert!(client.is_null());
}

/// A newer caller's `bw_error`: the library writes its own fields only.
#[test]
fn newer_error_records_keep_their_unknown_tail() {
    #[repr(C)]
    struct NewerError {
        known: bw_error,
        future_field: u64,
    }
    let mut newer = NewerError {
        known: garbage(),
        future_field: 7,
    };
    newer.known.struct_size = size_of::<NewerError>() as u32;
    let ptr = (&mut newer as *mut NewerError).cast::<bw_error>();
    // SAFETY: `ptr` covers `struct_size` writable bytes.
    let status = unsafe { bw_client_new(null(), &mut null_mut(), ptr) };
    assert_eq!(status, BW_ERR_INVALID_ARGUMENT);
    assert_eq!(text(&newer.known.field), "cfg");
    assert_eq!(newer.known.struct_size, size_of::<NewerError>() as u32);
    assert_eq!(newer.future_field, 7, "not this library's to write");
}

#[test]
fn a_duplicated_call_state_is_equal_and_owned() {
    use super::call_state::{owned_call_state, read};
    use crate::call_state::{CallState, Timestamp};
    let text = |s: &str| Some(s.to_owned());
    let state = CallState {
        call_id: text("c-1"),
        state: text("answered"),
        answer_time: Some(Timestamp {
            text: "2022-06-16T13:15:18.126Z".into(),
            unix_ms: 1_655_385_318_126,
        }),
        stir_shaken: vec![("verstat".into(), "TN-Validation-Passed".into())],
        ..CallState::default()
    };
    let owned = owned_call_state(state.clone()).unwrap();
    // SAFETY: `owned.view` is a library-made view, alive for the call; the
    // copy is freed once.
    unsafe {
        let copy = bw_call_state_dup(&owned.view);
        assert!(!copy.is_null());
        drop(owned);
        assert_eq!(read(&*copy), state);
        bw_call_state_free(copy);
        assert!(bw_call_state_dup(null()).is_null());
    }
}

#[test]
fn a_result_is_read_by_kind_and_outlives_its_original_when_duplicated() {
    use super::call_state::read;
    use super::result::IntoResult;
    use crate::call_state::CallState;
    let state = CallState {
        call_id: Some("c-1".into()),
        state: Some("answered".into()),
        ..CallState::default()
    };
    assert!(().into_result().unwrap().is_none(), "no value, no result");
    let result = Box::into_raw(Box::new(state.clone().into_result().unwrap().unwrap()));
    // SAFETY: `result` and its duplicate are library-made, each freed once,
    // and the view is read before its owner is freed.
    unsafe {
        assert_eq!(bw_result_kind(result), BW_RESULT_CALL_STATE);
        let kept = bw_result_dup(result);
        bw_result_free(result);
        let view = bw_result_call_state(kept);
        assert!(!view.is_null());
        assert_eq!(read(&*view), state);
        bw_result_free(kept);
        assert_eq!(bw_result_kind(null()), BW_RESULT_NONE);
        assert!(bw_result_call_state(null()).is_null());
        assert!(bw_result_dup(null()).is_null());
        bw_result_free(null_mut());
    }
}
