//! `bw_xml_escape`: caller text made safe for BXML.

use super::boundary::{ffi_status, req_str};
use super::error::{bw_error, bw_status};
use crate::error::Error;
use std::os::raw::c_char;
use std::ptr;

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
        if needed.is_null() {
            return Err(Error::invalid("needed", "needed is NULL"));
        }
        let escaped = crate::bxml::escape(text)?;
        let size = escaped.len() + 1;
        // SAFETY: `needed` is non-NULL and writable per the contract.
        unsafe { needed.write(size) };
        if out.is_null() && out_size == 0 {
            return Ok(());
        }
        if out.is_null() || out_size < size {
            return Err(Error::invalid(
                "out_size",
                format!("out_size is {out_size}; the escaped text needs {size} bytes"),
            ));
        }
        // SAFETY: `out` has at least `size` writable bytes (checked above),
        // and `escaped` is a fresh string, so they cannot overlap.
        unsafe {
            ptr::copy_nonoverlapping(escaped.as_ptr().cast::<c_char>(), out, escaped.len());
            out.add(escaped.len()).write(0);
        }
        Ok(())
    })
}
