//! Checking who sends a callback from C: `bw_callback_check_auth` and the
//! challenge that asks Bandwidth for its credentials,
//! `bw_callback_challenge`.

use super::boundary::{ffi_status, req_str, text_out};
use super::error::{bw_error, bw_status};
use crate::callback::{challenge_header, check_callback_auth_bytes, CallbackAuth};
use crate::error::Error;
use std::ffi::CStr;
use std::os::raw::c_char;

/// The verdict of `bw_callback_check_auth`: a `BW_CALLBACK_AUTH_*` value.
pub type bw_callback_auth = i32;
/// The expected credentials: handle the callback.
pub const BW_CALLBACK_AUTH_OK: bw_callback_auth = 1;
/// No credentials, or not Basic ones: answer `401 Unauthorized` with the
/// header `WWW-Authenticate:` and the value of `bw_callback_challenge`.
/// Bandwidth then sends the callback again with its credentials.
pub const BW_CALLBACK_AUTH_CHALLENGE: bw_callback_auth = 2;
/// Basic credentials that are wrong or malformed: answer `403 Forbidden`.
pub const BW_CALLBACK_AUTH_REFUSED: bw_callback_auth = 3;

/// Checks a callback request's `Authorization` header (`authorization`
/// NULL when the request has none) against the credentials you set for
/// callbacks, and writes the verdict to `*verdict`: `BW_CALLBACK_AUTH_OK`,
/// `_CHALLENGE` (no or non-Basic credentials: answer 401 with the
/// challenge) or `_REFUSED` (wrong or malformed Basic credentials: answer
/// 403). The scheme's case and surrounding whitespace do not matter; both
/// username and password are compared in constant time. A NULL or empty
/// `username` or `password` is `BW_ERR_INVALID_ARGUMENT` (nothing to check
/// against); on any error `*verdict` is `BW_CALLBACK_AUTH_REFUSED`. No
/// message ever holds a credential.
///
/// # Safety
/// `authorization`, `username` and `password` are NULL or NUL-terminated;
/// `verdict` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_callback_check_auth(
    authorization: *const c_char,
    username: *const c_char,
    password: *const c_char,
    verdict: *mut bw_callback_auth,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        if !verdict.is_null() {
            // SAFETY: non-NULL and writable (contract above).
            unsafe { verdict.write(BW_CALLBACK_AUTH_REFUSED) };
        }
        // SAFETY: each is NULL or NUL-terminated (contract above).
        let (authorization, username, password) = unsafe {
            (
                bytes(authorization),
                credential(username, "username")?,
                credential(password, "password")?,
            )
        };
        if verdict.is_null() {
            return Err(Error::invalid("verdict", "verdict is NULL"));
        }
        let code = match check_callback_auth_bytes(authorization, username, password) {
            CallbackAuth::Ok => BW_CALLBACK_AUTH_OK,
            CallbackAuth::Challenge => BW_CALLBACK_AUTH_CHALLENGE,
            CallbackAuth::Refused => BW_CALLBACK_AUTH_REFUSED,
        };
        // SAFETY: non-NULL and writable.
        unsafe { verdict.write(code) };
        Ok(())
    })
}

/// The `WWW-Authenticate` value to send with the `401` that asks
/// Bandwidth for its credentials: `Basic realm="…"`, the realm's `"` and
/// `\` escaped (`""` is a fine realm). Written as `bw_xml_escape` writes:
/// the NUL-terminated text to `out` when `out_size` bytes suffice,
/// `*needed` set to the size required; `out` NULL and `out_size` 0 ask for
/// the size. A realm with control characters or anything but ASCII is
/// `BW_ERR_INVALID_ARGUMENT` (field `realm`).
///
/// # Safety
/// `realm` is NULL or NUL-terminated; `out` is NULL or has `out_size`
/// writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_callback_challenge(
    realm: *const c_char,
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let header = challenge_header(unsafe { req_str(realm, "realm") }?)?;
        // SAFETY: caller contract above.
        unsafe { text_out(&[&header], out, out_size, needed) }
    })
}

/// A C string's bytes, `None` for NULL.
///
/// # Safety
/// `text` is NULL or NUL-terminated and outlives `'a`.
unsafe fn bytes<'a>(text: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: forwarded from the caller.
    (!text.is_null()).then(|| unsafe { CStr::from_ptr(text) }.to_bytes())
}

/// An expected credential: present and not empty. Its value is never in a
/// message.
///
/// # Safety
/// As for [`bytes`].
unsafe fn credential<'a>(text: *const c_char, field: &'static str) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded from the caller.
    match unsafe { bytes(text) } {
        None => Err(Error::invalid(field, format!("{field} is NULL"))),
        Some([]) => Err(Error::invalid(
            field,
            format!("{field} is empty: set the credentials Bandwidth sends with callbacks"),
        )),
        Some(value) => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{bw_error, BW_ERR_INVALID_ARGUMENT, BW_OK};
    use super::*;
    use crate::ffi::boundary::record;
    use std::ptr::{null, null_mut};

    fn field(err: &bw_error) -> &str {
        // SAFETY: the library NUL-terminates `field`.
        unsafe { CStr::from_ptr(err.field.as_ptr()) }
            .to_str()
            .unwrap()
    }

    /// Checks `header` against `bw` / `pa:ss`.
    fn verdict(header: Option<&CStr>) -> bw_callback_auth {
        let mut verdict = 0;
        let header = header.map_or(null(), CStr::as_ptr);
        // SAFETY: NUL-terminated strings; `verdict` is writable.
        let status = unsafe {
            bw_callback_check_auth(
                header,
                c"bw".as_ptr(),
                c"pa:ss".as_ptr(),
                &mut verdict,
                null_mut(),
            )
        };
        assert_eq!(status, BW_OK);
        verdict
    }

    // SHA-256 in ring is assembly, which Miri cannot run.
    #[cfg(not(miri))]
    #[test]
    fn verdicts() {
        assert_eq!(verdict(None), BW_CALLBACK_AUTH_CHALLENGE);
        assert_eq!(verdict(Some(c"Bearer x")), BW_CALLBACK_AUTH_CHALLENGE);
        assert_eq!(verdict(Some(c"basic Ync6cGE6c3M=")), BW_CALLBACK_AUTH_OK);
        assert_eq!(
            verdict(Some(c"Basic Ync6cGE6c3N=")),
            BW_CALLBACK_AUTH_REFUSED
        );
        assert_eq!(verdict(Some(c"Basic \xff")), BW_CALLBACK_AUTH_REFUSED);
    }

    #[test]
    fn argument_errors_refuse() {
        let mut err = record(None);
        let mut verdict = BW_CALLBACK_AUTH_OK;
        let (user, pass) = (c"bw".as_ptr(), c"pa:ss".as_ptr());
        // SAFETY: NULL or NUL-terminated strings; writable `verdict` and `err`.
        unsafe {
            let status = bw_callback_check_auth(null(), null(), pass, &mut verdict, &mut err);
            assert_eq!(
                (status, field(&err), verdict),
                (
                    BW_ERR_INVALID_ARGUMENT,
                    "username",
                    BW_CALLBACK_AUTH_REFUSED
                )
            );
            verdict = BW_CALLBACK_AUTH_OK;
            let status = bw_callback_check_auth(null(), user, c"".as_ptr(), &mut verdict, &mut err);
            assert_eq!(
                (status, field(&err), verdict),
                (
                    BW_ERR_INVALID_ARGUMENT,
                    "password",
                    BW_CALLBACK_AUTH_REFUSED
                )
            );
            let status = bw_callback_check_auth(null(), user, pass, null_mut(), &mut err);
            assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "verdict"));
        }
    }

    #[test]
    fn the_challenge_and_its_size() {
        let mut err = record(None);
        let mut needed = 0;
        let mut buf = [0x7f as c_char; 32];
        // SAFETY: `buf` has the size given; `needed` and `err` are writable.
        unsafe {
            let realm = c"a\"b".as_ptr();
            assert_eq!(
                bw_callback_challenge(realm, null_mut(), 0, &mut needed, &mut err),
                BW_OK
            );
            assert_eq!(needed, "Basic realm=\"a\\\"b\"".len() + 1);
            let status =
                bw_callback_challenge(realm, buf.as_mut_ptr(), needed - 1, &mut needed, &mut err);
            assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "out_size"));
            assert_eq!(
                bw_callback_challenge(realm, buf.as_mut_ptr(), buf.len(), &mut needed, &mut err),
                BW_OK
            );
            assert_eq!(
                CStr::from_ptr(buf.as_ptr()).to_str().unwrap(),
                "Basic realm=\"a\\\"b\""
            );
            let status = bw_callback_challenge(
                c"x\ty".as_ptr(),
                buf.as_mut_ptr(),
                buf.len(),
                &mut needed,
                &mut err,
            );
            assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "realm"));
            let status =
                bw_callback_challenge(null(), buf.as_mut_ptr(), buf.len(), &mut needed, &mut err);
            assert_eq!((status, field(&err)), (BW_ERR_INVALID_ARGUMENT, "realm"));
        }
    }
}
