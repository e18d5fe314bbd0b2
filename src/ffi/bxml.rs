//! BXML from C: `bw_bxml`, a builder checked step by step against the
//! library's table of verbs; `bw_bxml_check` for a document as text; and
//! `bw_xml_escape` for caller text put into BXML by hand.

use super::boundary::{enum_error, ffi_status, ffi_value, req_str, text_out};
use super::error::{bw_error, bw_status};
use crate::bxml::{Builder, DocumentKind, UnknownVerbs};
use crate::error::Error;
use std::os::raw::c_char;

/// What a BXML document is for: `BW_BXML_RESPONSE`, `BW_BXML_UPDATE_CALL`
/// or `BW_BXML_UPDATE_CONFERENCE`.
pub type bw_bxml_kind = i32;
/// The answer to a webhook: a `<Response>` of any verbs.
pub const BW_BXML_RESPONSE: bw_bxml_kind = 1;
/// For `bw_update_call_bxml`: a `<Bxml>` of any verbs.
pub const BW_BXML_UPDATE_CALL: bw_bxml_kind = 2;
/// For `bw_update_conference_bxml`: a `<Bxml>` of the verbs a conference
/// plays (`<SpeakSentence>`, `<PlayAudio>` and the recording verbs).
pub const BW_BXML_UPDATE_CONFERENCE: bw_bxml_kind = 3;

/// Flag: let verbs this library does not know through unchecked, for verbs
/// Bandwidth adds before the library knows them. Without it they are
/// refused, so a typo such as `<SpeakSentance>` is caught.
pub const BW_BXML_ALLOW_UNKNOWN_VERBS: u32 = 1;

/// A BXML document being built, from `bw_bxml_new`. Each call checks its
/// step against Bandwidth's rules (the element may go there, the attribute
/// exists and its value is in range, the text is right) and on failure
/// changes nothing, so the caller may go on. Text and attribute values are
/// always escaped. Not thread-safe: use it from one thread at a time.
pub struct bw_bxml {
    builder: Builder,
}

fn kind(kind: bw_bxml_kind) -> Result<DocumentKind, Error> {
    match kind {
        BW_BXML_RESPONSE => Ok(DocumentKind::Response),
        BW_BXML_UPDATE_CALL => Ok(DocumentKind::UpdateCall),
        BW_BXML_UPDATE_CONFERENCE => Ok(DocumentKind::UpdateConference),
        other => Err(enum_error("kind", other)),
    }
}

fn unknown_verbs(flags: u32) -> Result<UnknownVerbs, Error> {
    match flags {
        0 => Ok(UnknownVerbs::Refuse),
        BW_BXML_ALLOW_UNKNOWN_VERBS => Ok(UnknownVerbs::Allow),
        other => Err(Error::invalid(
            "flags",
            format!("flags has unknown bits {other:#x}"),
        )),
    }
}

/// Starts a document of `kind` (its root, `<Response>` or `<Bxml>`, is
/// implicit) and writes it to `*out`; free it with `bw_bxml_free`. `flags`
/// is 0 or `BW_BXML_ALLOW_UNKNOWN_VERBS`.
///
/// # Safety
/// `out` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_new(
    kind: bw_bxml_kind,
    flags: u32,
    out: *mut *mut bw_bxml,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        let builder = Builder::new(self::kind(kind)?, unknown_verbs(flags)?);
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { out.write(Box::into_raw(Box::new(bw_bxml { builder }))) };
        Ok(())
    })
}

/// Runs one builder step on `bxml`.
///
/// # Safety
/// `bxml` is NULL or a live builder used by no other thread.
unsafe fn step(
    bxml: *mut bw_bxml,
    run: impl FnOnce(&mut Builder) -> Result<(), Error>,
) -> Result<(), Error> {
    // SAFETY: caller contract above.
    match unsafe { bxml.as_mut() } {
        None => Err(Error::invalid("bxml", "bxml is NULL")),
        Some(b) => run(&mut b.builder),
    }
}

/// Opens `element` (a verb, or a child element such as `<PhoneNumber>`)
/// inside the element open now, or at the root.
///
/// # Safety
/// `bxml` is NULL or a live builder; `element` is NULL or NUL-terminated;
/// `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_open(
    bxml: *mut bw_bxml,
    element: *const c_char,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { step(bxml, |b| b.open(req_str(element, "element")?)) }
    })
}

/// Sets attribute `name` of the element open now to `value`, before its
/// text or children. Attributes are written in Bandwidth's order whatever
/// order they are set in.
///
/// # Safety
/// As for `bw_bxml_open`; `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_attr(
    bxml: *mut bw_bxml,
    name: *const c_char,
    value: *const c_char,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe {
            step(bxml, |b| {
                b.attr(req_str(name, "name")?, req_str(value, "value")?)
            })
        }
    })
}

/// Adds `text` to the element open now, escaped: it can never become
/// markup.
///
/// # Safety
/// As for `bw_bxml_open`; `text` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_text(
    bxml: *mut bw_bxml,
    text: *const c_char,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { step(bxml, |b| b.text(req_str(text, "text")?)) }
    })
}

/// Adds SSML to the `<SpeakSentence>` open now: text and the SSML tags
/// Bandwidth's text-to-speech takes (`<break>`, `<emphasis>`, `<lang>`,
/// `<p>`, `<phoneme>`, `<prosody>`, `<s>`, `<say-as>`, `<sub>`) with their
/// attributes. Anything else is refused (field `fragment`); what is taken
/// is written anew from what was parsed.
///
/// # Safety
/// As for `bw_bxml_open`; `fragment` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_ssml(
    bxml: *mut bw_bxml,
    fragment: *const c_char,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { step(bxml, |b| b.ssml(req_str(fragment, "fragment")?)) }
    })
}

/// Closes the element open now, once it is complete (its required text,
/// its children, its own rules such as Gather's `repeatCount`).
///
/// # Safety
/// As for `bw_bxml_open`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_close(bxml: *mut bw_bxml, err: *mut bw_error) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { step(bxml, Builder::close) }
    })
}

/// Adds the verbs of `json`, a JSON list of nodes, inside the element open
/// now (or at the root): a string is text, `{"ssml": "…"}` is SSML, and
/// `["Element", {"attr": value, …}, node, …]` is an element with its
/// attributes (strings, numbers, booleans; `null` leaves one out) and its
/// content. The same checks as the calls above; on any error nothing is
/// added.
///
/// # Safety
/// As for `bw_bxml_open`; `json` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_append_json(
    bxml: *mut bw_bxml,
    json: *const c_char,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { step(bxml, |b| b.append_json(req_str(json, "json")?)) }
    })
}

/// Renders the document once every element is closed, as `bw_xml_escape`
/// writes its result: the NUL-terminated text to `out` when `out_size`
/// bytes suffice, `*needed` set to the size required. Pass `out` NULL and
/// `out_size` 0 to ask for the size. The same document renders to the same
/// bytes from every language.
///
/// # Safety
/// `bxml` is NULL or a live builder; `out` is NULL or has `out_size`
/// writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_render(
    bxml: *const bw_bxml,
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let Some(b) = (unsafe { bxml.as_ref() }) else {
            return Err(Error::invalid("bxml", "bxml is NULL"));
        };
        // SAFETY: caller contract above.
        unsafe { text_out(&b.builder.parts()?, out, out_size, needed) }
    })
}

/// Builds the document of `kind` whose verbs `json` describes (the form
/// `bw_bxml_append_json` takes) and renders it as `bw_bxml_render` does:
/// `bw_bxml_new`, `bw_bxml_append_json` and `bw_bxml_render` in one call,
/// for bindings that build a tree in their own language. A buffer of
/// `BW_MAX_BXML_BYTES + 1` bytes always suffices.
///
/// # Safety
/// `json` is NULL or NUL-terminated; `out`, `needed` and `err` as for
/// `bw_bxml_render`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_render_json(
    kind: bw_bxml_kind,
    flags: u32,
    json: *const c_char,
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        let mut builder = Builder::new(self::kind(kind)?, unknown_verbs(flags)?);
        // SAFETY: caller contract above.
        builder.append_json(unsafe { req_str(json, "json") }?)?;
        // SAFETY: caller contract above.
        unsafe { text_out(&builder.parts()?, out, out_size, needed) }
    })
}

/// Frees a builder; NULL is ignored.
///
/// # Safety
/// `bxml` is NULL or a builder from `bw_bxml_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_free(bxml: *mut bw_bxml) {
    ffi_value!((), {
        if !bxml.is_null() {
            // SAFETY: made by `Box::into_raw` in `bw_bxml_new`, freed once.
            drop(unsafe { Box::from_raw(bxml) });
        }
    })
}

/// Checks `document` as BXML of `kind` by the rules `bw_bxml` builds with:
/// at most 64 KB, well-formed, the root `kind` needs, every element where
/// it may be, every attribute known with its value in range, required
/// text, and rules across attributes. `BW_OK`, or
/// `BW_ERR_INVALID_ARGUMENT` (field `bxml`) whose message names the first
/// problem's element or attribute and its line and column. For testing the
/// BXML a webhook handler returns; `bw_update_call_bxml` and
/// `bw_update_conference_bxml` run the same check before sending.
///
/// # Safety
/// `document` is NULL or NUL-terminated; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_bxml_check(
    document: *const c_char,
    kind: bw_bxml_kind,
    flags: u32,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let document = unsafe { req_str(document, "document") }?;
        crate::bxml::check(document, self::kind(kind)?, unknown_verbs(flags)?)
    })
}

/// Escapes `text` for BXML: as element text or inside a quoted attribute
/// value (`& < > " '`, tab, newline and carriage return become references),
/// so caller-supplied text cannot close a verb or open another. Writes the
/// NUL-terminated result to `out` when `out_size` bytes suffice and sets
/// `*needed` to the size required, NUL included. Pass `out` NULL (and
/// `out_size` 0) to ask for the size; a buffer too small is
/// `BW_ERR_INVALID_ARGUMENT` (field `out_size`) with nothing written but
/// `*needed`. Text XML cannot carry at all (control characters other than
/// tab/newline/CR, U+FFFE, U+FFFF) or that is not UTF-8 is
/// `BW_ERR_INVALID_ARGUMENT` (field `text`).
///
/// # Safety
/// `text` is NULL or NUL-terminated; `out` is NULL or has `out_size`
/// writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_xml_escape(
    text: *const c_char,
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let text = unsafe { req_str(text, "text") }?;
        let escaped = crate::bxml::escape(text)?;
        // SAFETY: caller contract above.
        unsafe { text_out(&[&escaped], out, out_size, needed) }
    })
}
