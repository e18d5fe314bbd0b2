//! What every exported function shares: the panic boundary, C string
//! conversion, filling the caller's `bw_error`, and writing text into the
//! caller's buffer.

use super::error::bw_error;
use super::growable;
use crate::error::{Error, Status};
use std::ffi::CStr;
use std::mem::{offset_of, size_of};
use std::os::raw::c_char;
use std::ptr;

/// Runs an exported function's body. The body returns `Result<(), Error>`;
/// the macro clears `err`, turns the result into a `bw_status`, fills `err`
/// on failure, and turns a panic into `BW_ERR_INTERNAL` instead of letting
/// it unwind into C. An `err` whose `struct_size` is unknown cannot be
/// written safely: the function then returns `BW_ERR_INVALID_ARGUMENT` at
/// once and does nothing.
macro_rules! ffi_status {
    ($err:expr, $body:block) => {{
        // SAFETY: each exported function's contract: `err` is NULL or
        // points to a `bw_error` of the caller's layout, valid for writes.
        match unsafe { $crate::ffi::boundary::ErrorOut::new($err) } {
            None => $crate::ffi::BW_ERR_INVALID_ARGUMENT,
            Some(out) => {
                out.clear();
                let result = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
                    || -> ::std::result::Result<(), $crate::error::Error> { $body },
                ))
                .unwrap_or_else(|panic| Err($crate::ffi::boundary::panic_error(panic)));
                match result {
                    Ok(()) => $crate::ffi::BW_OK,
                    Err(e) => out.fill(&e),
                }
            }
        }
    }};
}

/// The panic boundary for functions without a status: a panic yields `$fallback`.
macro_rules! ffi_value {
    ($fallback:expr, $body:block) => {{
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)).unwrap_or($fallback)
    }};
}

pub(crate) use {ffi_status, ffi_value};

pub fn panic_error(panic: Box<dyn std::any::Any + Send>) -> Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Error::new(
        Status::Internal,
        format!("internal error (please report): {what}"),
    )
}

/// The caller's error record: where to write, and how many bytes of it.
pub struct ErrorOut {
    ptr: *mut bw_error,
    /// Bytes the library may write (see [`growable::out_len`]).
    len: usize,
}

impl ErrorOut {
    /// `None` when `err` is non-NULL with a `struct_size` this library does
    /// not know: nothing may be written into it.
    ///
    /// # Safety
    /// `err` is NULL or points to a `bw_error` of the caller's layout (its
    /// own `struct_size` bytes), valid for writes while the `ErrorOut` lives.
    pub unsafe fn new(err: *mut bw_error) -> Option<ErrorOut> {
        let len = if err.is_null() {
            0
        } else {
            // SAFETY: the caller's contract: a `bw_error` of the caller's
            // layout, which begins with `struct_size`.
            unsafe { growable::out_len(err) }.ok()?
        };
        Some(ErrorOut { ptr: err, len })
    }

    /// Empty strings, no HTTP status, no Retry-After. Writes each number
    /// and each string's first byte, not the whole record: every call
    /// clears it, and it is a few kilobytes.
    pub fn clear(&self) {
        if self.ptr.is_null() {
            return;
        }
        self.put_at(offset_of!(bw_error, status), 0i32);
        self.put_at(offset_of!(bw_error, http_status), 0i32);
        self.put_at(offset_of!(bw_error, attempts), 0u32);
        self.put_at(offset_of!(bw_error, retry_after_ms), -1i64);
        self.put_at(offset_of!(bw_error, field), 0 as c_char);
        self.put_at(offset_of!(bw_error, error_type), 0 as c_char);
        self.put_at(offset_of!(bw_error, description), 0 as c_char);
        self.put_at(offset_of!(bw_error, error_id), 0 as c_char);
        self.put_at(offset_of!(bw_error, message), 0 as c_char);
        self.put_at(offset_of!(bw_error, maybe_applied), false);
    }

    /// Writes `value` at `offset` of the caller's record when the caller's
    /// layout has those bytes.
    fn put_at<T: Copy>(&self, offset: usize, value: T) {
        if offset + size_of::<T>() <= self.len {
            // SAFETY: `ptr` is non-NULL (checked by the caller) and valid for
            // `len` bytes (the caller's own struct_size), which cover
            // `offset..offset + size_of::<T>()`; `T` is plain data.
            unsafe {
                self.ptr
                    .cast::<u8>()
                    .add(offset)
                    .cast::<T>()
                    .write_unaligned(value)
            };
        }
    }

    /// Writes `e` into the caller's record (if any); returns its status.
    pub fn fill(&self, e: &Error) -> i32 {
        self.put(&record(Some(e)));
        e.status as i32
    }

    /// Writes `record` into the caller's (if any), keeping its `struct_size`.
    pub fn put(&self, record: &bw_error) {
        if !self.ptr.is_null() {
            // SAFETY: `len` came from the caller's own struct_size.
            unsafe { growable::copy_out(self.ptr, record, self.len) };
        }
    }
}

/// The full record for `e` (an empty one for `None`), of this library's
/// layout.
pub fn record(e: Option<&Error>) -> bw_error {
    let mut out = bw_error {
        struct_size: size_of::<bw_error>() as u32,
        status: 0,
        http_status: 0,
        retry_after_ms: -1,
        attempts: 0,
        field: [0; super::BW_ERROR_FIELD_LEN],
        error_type: [0; super::BW_ERROR_TYPE_LEN],
        description: [0; super::BW_ERROR_TEXT_LEN],
        error_id: [0; super::BW_ERROR_ID_LEN],
        message: [0; super::BW_ERROR_TEXT_LEN],
        maybe_applied: false,
    };
    if let Some(e) = e {
        out.status = e.status as i32;
        out.http_status = i32::from(e.http_status);
        out.retry_after_ms = e
            .retry_after
            .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        out.attempts = e.attempts;
        write_text(&mut out.field, e.field.unwrap_or(""));
        write_text(&mut out.error_type, e.error_type.as_deref().unwrap_or(""));
        write_text(&mut out.description, e.description.as_deref().unwrap_or(""));
        write_text(&mut out.error_id, e.error_id.as_deref().unwrap_or(""));
        write_text(&mut out.message, &e.message);
        out.maybe_applied = e.maybe_applied;
    }
    out
}

/// Copies `text` as a NUL-terminated string, truncated on a UTF-8
/// character boundary so the result is always valid UTF-8.
fn write_text(dst: &mut [c_char], text: &str) {
    let mut len = text.len().min(dst.len() - 1);
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    for (d, &b) in dst.iter_mut().zip(&text.as_bytes()[..len]) {
        *d = b as c_char;
    }
    dst[len] = 0;
}

/// Reads an optional C string: NULL is `None`; invalid UTF-8 is an error
/// naming `field`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for `'a`.
pub unsafe fn opt_str<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller guarantees NUL termination and lifetime.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("{field} is not valid UTF-8")))
}

/// Reads a required C string: NULL is an error naming `field`.
///
/// # Safety
/// As for [`opt_str`].
pub unsafe fn req_str<'a>(ptr: *const c_char, field: &'static str) -> Result<&'a str, Error> {
    // SAFETY: forwarded from the caller.
    unsafe { opt_str(ptr, field) }?.ok_or_else(|| Error::invalid(field, format!("{field} is NULL")))
}

/// Reads a required pointer: NULL is an error naming `field`.
///
/// # Safety
/// `ptr` is NULL or points to a valid `T` for `'a`.
pub unsafe fn req_ref<'a, T>(ptr: *const T, field: &'static str) -> Result<&'a T, Error> {
    // SAFETY: forwarded from the caller; `as_ref` handles NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid(field, format!("{field} is NULL")))
}

/// An enum-valued argument outside its `BW_*` values.
pub fn enum_error(field: &'static str, value: i32) -> Error {
    Error::invalid(field, format!("{field} has unknown value {value}"))
}

/// Writes `parts` one after the other and a NUL to `out` when `out_size`
/// bytes suffice, and their size to `*needed`; `out` NULL with `out_size` 0
/// asks for the size only. How every function that returns text into the
/// caller's buffer writes it (`bw_xml_escape`, `bw_bxml_render`,
/// `bw_callback_challenge`).
///
/// # Safety
/// `out` is NULL or has `out_size` writable bytes not overlapping `parts`;
/// `needed` is NULL or writable.
pub unsafe fn text_out(
    parts: &[&str],
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
) -> Result<(), Error> {
    if needed.is_null() {
        return Err(Error::invalid("needed", "needed is NULL"));
    }
    let size = parts.iter().map(|p| p.len()).sum::<usize>() + 1;
    // SAFETY: `needed` is non-NULL and writable per the contract.
    unsafe { needed.write(size) };
    if out.is_null() && out_size == 0 {
        return Ok(());
    }
    if out.is_null() || out_size < size {
        return Err(Error::invalid(
            "out_size",
            format!("out_size is {out_size}; the text needs {size} bytes"),
        ));
    }
    let mut at = out;
    for part in parts {
        // SAFETY: `out` has at least `size` writable bytes (checked above),
        // the parts fill `size - 1` of them, and they are this library's
        // strings, which cannot overlap the caller's buffer.
        unsafe {
            ptr::copy_nonoverlapping(part.as_ptr().cast::<c_char>(), at, part.len());
            at = at.add(part.len());
        }
    }
    // SAFETY: the last of the `size` bytes.
    unsafe { at.write(0) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(buf: &[c_char]) -> &str {
        // SAFETY: `write_text` always NUL-terminates within the buffer.
        let cstr = unsafe { CStr::from_ptr(buf.as_ptr()) };
        cstr.to_str().expect("valid UTF-8")
    }

    #[test]
    fn text_truncates_on_char_boundary() {
        let mut buf = [1 as c_char; 6];
        write_text(&mut buf, "abcdé"); // é is 2 bytes: 6 bytes do not fit in 5
        assert_eq!(text(&buf), "abcd");
        write_text(&mut buf, "ab");
        assert_eq!(text(&buf), "ab");
        write_text(&mut buf, "");
        assert_eq!(text(&buf), "");
    }

    #[test]
    fn strings_from_c() {
        let ok = c"héllo";
        let bad = b"\xff\xfe\0";
        // SAFETY: pointers to NUL-terminated literals.
        unsafe {
            assert_eq!(opt_str(std::ptr::null(), "tag").unwrap(), None);
            assert_eq!(req_str(ok.as_ptr(), "tag").unwrap(), "héllo");
            let err = req_str(bad.as_ptr().cast(), "tag").unwrap_err();
            assert_eq!(
                (err.field, err.message.as_str()),
                (Some("tag"), "tag is not valid UTF-8")
            );
            let err = req_str(std::ptr::null(), "call_id").unwrap_err();
            assert_eq!(err.message, "call_id is NULL");
        }
    }
}
