//! The library's version, and whether it serves a program's header.

use super::boundary::ffi_value;
use std::os::raw::c_char;

/// The library's version, `"bwvoice/<major>.<minor>.<patch>"`, e.g.
/// `"bwvoice/0.2.0"`; matches `BW_VERSION_STRING`. Static: never free it.
#[no_mangle]
pub extern "C" fn bw_version() -> *const c_char {
    ffi_value!(c"bwvoice".as_ptr(), {
        concat!("bwvoice/", env!("CARGO_PKG_VERSION"), "\0")
            .as_ptr()
            .cast()
    })
}

/// The library's version as one number, `MAJOR << 16 | MINOR << 8 | PATCH`
/// (0.2.0 is `0x000200`); equals `BW_VERSION_NUMBER` of the header it was
/// built with. To check a loaded library at run time, use
/// `bw_version_compatible(BW_VERSION_NUMBER)`.
#[no_mangle]
pub extern "C" fn bw_version_number() -> u32 {
    ffi_value!(0, { crate::version::number() })
}

/// Whether this library serves a program built against the header of
/// version `header_version` (pass `BW_VERSION_NUMBER`): the same major, and
/// not older than that header. Check it once at startup; the Python and Go
/// bindings do.
#[no_mangle]
pub extern "C" fn bw_version_compatible(header_version: u32) -> bool {
    ffi_value!(false, { crate::version::compatible(header_version) })
}
