//! Structs that cross the C boundary and can grow: each begins with
//! `uint32_t struct_size` (`sizeof` as the caller's header saw it).
//!
//! Fields are only ever appended, in groups called layouts. A caller built
//! against an older header passes the `sizeof` of an older layout: the
//! library reads just those bytes and treats every later field as zero (its
//! documented default). A caller built against a newer header passes a
//! larger size: accepted when every byte this library does not know is zero
//! (the caller left the new fields unset), refused otherwise. `bw_error`
//! goes the other way: the library writes at most `struct_size` bytes.
//!
//! The rule that keeps sizes unambiguous: each new layout begins at a
//! multiple of the struct's alignment, i.e. exactly at the `sizeof` of the
//! layout before it (tests check it), so no new field can hide in an older
//! layout's tail padding.

use super::{
    bw_call_options, bw_client_config, bw_create_call_request, bw_error, bw_list_calls_query,
    bw_machine_detection, bw_modify_call_request, bw_stats, bw_update_conference_member_request,
    bw_update_conference_request,
};
use crate::error::Error;
use std::mem::{size_of, MaybeUninit};

/// Largest `struct_size` considered at all. Bigger is taken for garbage
/// (an uninitialised struct), not for a header from the far future.
const MAX_STRUCT_SIZE: usize = 64 * 1024;

/// A `#[repr(C)]` struct with a leading `struct_size`.
///
/// # Safety
/// Implementors are `#[repr(C)]`, begin with `struct_size: u32`, and are
/// valid when every byte is zero.
pub unsafe trait Growable: Sized {
    /// The C type name, for messages (`bw_client_config`).
    const NAME: &'static str;
    /// The argument name, for `bw_error.field` (`cfg`).
    const ARG: &'static str;
    /// `bw_error.field` for a bad size (`cfg.struct_size`).
    const SIZE_FIELD: &'static str;
    /// The `*_INIT` macro that sets `struct_size`.
    const INIT: &'static str;
    /// Where each layout after the first begins: the `sizeof` of every
    /// older layout, oldest first. Empty while there is one layout.
    const OLDER_SIZES: &'static [usize];

    /// Whether `size` is the `sizeof` of a layout this library knows.
    fn known_size(size: usize) -> bool {
        size == size_of::<Self>() || Self::OLDER_SIZES.contains(&size)
    }
}

/// Implements [`Growable`] for a C struct of src/ffi: its argument name,
/// its `*_INIT` macro, and the sizes of its older layouts.
macro_rules! growable {
    ($ty:ident, $arg:literal, $init:literal, [$($older:expr),*]) => {
        // SAFETY: `#[repr(C)]` where it is defined, `struct_size: u32` first, and
        // every field (integers, bools, pointers, arrays of them) is valid
        // as zero.
        unsafe impl Growable for $ty {
            const NAME: &'static str = stringify!($ty);
            const ARG: &'static str = $arg;
            const SIZE_FIELD: &'static str = concat!($arg, ".struct_size");
            const INIT: &'static str = $init;
            const OLDER_SIZES: &'static [usize] = &[$($older),*];
        }
    };
}

growable!(
    bw_client_config,
    "cfg",
    "BW_CLIENT_CONFIG_INIT",
    [
        std::mem::offset_of!(bw_client_config, max_concurrency),
        std::mem::offset_of!(bw_client_config, retry_budget)
    ]
);
growable!(bw_stats, "out", "BW_STATS_INIT", []);
growable!(
    bw_modify_call_request,
    "req",
    "BW_MODIFY_CALL_REQUEST_INIT",
    []
);
growable!(
    bw_call_options,
    "opts",
    "BW_CALL_OPTIONS_INIT",
    [std::mem::offset_of!(bw_call_options, flags)]
);
growable!(
    bw_create_call_request,
    "req",
    "BW_CREATE_CALL_REQUEST_INIT",
    []
);
growable!(
    bw_machine_detection,
    "machine_detection",
    "BW_MACHINE_DETECTION_INIT",
    []
);
growable!(bw_list_calls_query, "query", "BW_LIST_CALLS_QUERY_INIT", []);
growable!(
    bw_update_conference_request,
    "req",
    "BW_UPDATE_CONFERENCE_REQUEST_INIT",
    []
);
growable!(
    bw_update_conference_member_request,
    "req",
    "BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT",
    []
);
growable!(
    bw_error,
    "err",
    "BW_ERROR_INIT",
    [std::mem::offset_of!(bw_error, maybe_applied)]
);

/// What the caller's `struct_size` says.
#[derive(Debug, PartialEq, Eq)]
pub enum Extent {
    /// A layout this library knows, this many bytes (at most its own size).
    Known(usize),
    /// A newer layout: this many bytes, of which the library knows its own size.
    Newer(usize),
    /// Zero, too small, between layouts, or absurdly large.
    Unknown(usize),
}

/// Classifies `size` for `T`.
pub fn extent<T: Growable>(size: u32) -> Extent {
    let size = size as usize;
    if T::known_size(size) {
        Extent::Known(size)
    } else if size > size_of::<T>() && size <= MAX_STRUCT_SIZE {
        Extent::Newer(size)
    } else {
        Extent::Unknown(size)
    }
}

/// Copies the caller's struct into a value of this library's layout; the
/// fields the caller's layout lacks come out zero.
///
/// # Safety
/// `ptr` is NULL or points to at least `struct_size` readable bytes whose
/// first four are `struct_size`, as written by the caller's `*_INIT`.
pub unsafe fn read<T: Growable>(ptr: *const T) -> Result<T, Error> {
    if ptr.is_null() {
        return Err(Error::invalid(T::ARG, format!("{} is NULL", T::ARG)));
    }
    // SAFETY: non-NULL; every growable struct begins with a u32 struct_size.
    let size = unsafe { ptr.cast::<u32>().read_unaligned() };
    let ours = size_of::<T>();
    let copied = match extent::<T>(size) {
        Extent::Known(n) => n,
        Extent::Newer(n) => {
            // SAFETY: the caller vouches for `n` readable bytes.
            let tail = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>().add(ours), n - ours) };
            if tail.iter().any(|&b| b != 0) {
                return Err(Error::invalid(
                    T::SIZE_FIELD,
                    format!(
                        "{} sets fields this library ({}) does not know (struct_size {n}, \
                         this library's is {ours}): run the library whose header you built with",
                        T::ARG,
                        crate::client::USER_AGENT,
                    ),
                ));
            }
            ours
        }
        Extent::Unknown(n) => return Err(unknown_size::<T>(n)),
    };
    let mut value = MaybeUninit::<T>::zeroed();
    // SAFETY: `copied` bytes are readable at `ptr` and fit in `value`; the
    // rest stays zero, which is valid for `T` (trait contract).
    unsafe {
        std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), value.as_mut_ptr().cast::<u8>(), copied);
        Ok(value.assume_init())
    }
}

/// Writes `value` into the caller's struct at `ptr`, no more than its
/// `struct_size` bytes (all of this library's when the caller's is newer).
///
/// # Safety
/// `ptr` is NULL or points to at least `struct_size` writable bytes whose
/// first four are `struct_size`.
pub unsafe fn write<T: Growable>(ptr: *mut T, value: &T) -> Result<(), Error> {
    if ptr.is_null() {
        return Err(Error::invalid(T::ARG, format!("{} is NULL", T::ARG)));
    }
    // SAFETY: forwarded from the caller.
    let len = unsafe { out_len(ptr) }?;
    // SAFETY: as above; `len` comes from the caller's struct_size.
    unsafe { copy_out(ptr, value, len) };
    Ok(())
}

/// How many bytes of the caller's struct at `ptr` the library may write:
/// its layout's size, or this library's when the caller's is newer.
///
/// # Safety
/// `ptr` is non-NULL and its first four bytes are `struct_size`.
pub unsafe fn out_len<T: Growable>(ptr: *const T) -> Result<usize, Error> {
    // SAFETY: every growable struct begins with a u32 struct_size.
    let size = unsafe { ptr.cast::<u32>().read_unaligned() };
    match extent::<T>(size) {
        Extent::Known(n) => Ok(n),
        Extent::Newer(_) => Ok(size_of::<T>()),
        Extent::Unknown(n) => Err(unknown_size::<T>(n)),
    }
}

/// Copies the first `len` bytes of `value` to `ptr`, but for `struct_size`
/// (the first four), which stays the caller's.
///
/// # Safety
/// `ptr` has at least `len` writable bytes, and `4 <= len <= size_of::<T>()`
/// (as [`out_len`] gives).
pub unsafe fn copy_out<T: Growable>(ptr: *mut T, value: &T, len: usize) {
    // SAFETY: per the contract, both sides hold `len` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(
            std::ptr::from_ref(value).cast::<u8>().add(4),
            ptr.cast::<u8>().add(4),
            len - 4,
        );
    }
}

/// The error for a `struct_size` that is no layout this library knows.
pub fn unknown_size<T: Growable>(size: usize) -> Error {
    let why = if size == 0 {
        format!("{}.struct_size is 0", T::ARG)
    } else {
        format!("{}.struct_size {size} is not a size of {}", T::ARG, T::NAME)
    };
    Error::invalid(
        T::SIZE_FIELD,
        format!(
            "{why} (this library knows {:?}): initialise it with {}",
            known_sizes::<T>(),
            T::INIT
        ),
    )
}

fn known_sizes<T: Growable>() -> Vec<usize> {
    let mut sizes = T::OLDER_SIZES.to_vec();
    sizes.push(size_of::<T>());
    sizes
}

/// Checks the layout rule for `T` (called by tests).
#[cfg(test)]
pub fn check_layouts<T: Growable>() {
    let mut previous = size_of::<u32>();
    for &size in T::OLDER_SIZES {
        assert!(size > previous, "{}: sizes must grow", T::NAME);
        assert_eq!(
            size % std::mem::align_of::<T>(),
            0,
            "{}: a layout must begin aligned",
            T::NAME
        );
        previous = size;
    }
    assert!(size_of::<T>() > previous, "{}", T::NAME);
    assert!(size_of::<T>() <= MAX_STRUCT_SIZE, "{}", T::NAME);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two layouts: `a` (layout 1), then `b` and `c` appended (layout 2).
    #[repr(C)]
    #[derive(Debug, PartialEq)]
    struct Grown {
        struct_size: u32,
        a: u32,
        b: *const u8,
        c: u32,
    }

    /// Layout 1, as a program built against the older header declares it.
    #[repr(C)]
    struct Layout1 {
        struct_size: u32,
        a: u32,
    }

    // SAFETY: repr(C), struct_size first, zero is valid for every field.
    unsafe impl Growable for Grown {
        const NAME: &'static str = "grown";
        const ARG: &'static str = "g";
        const SIZE_FIELD: &'static str = "g.struct_size";
        const INIT: &'static str = "GROWN_INIT";
        const OLDER_SIZES: &'static [usize] = &[std::mem::offset_of!(Grown, b)];
    }

    #[test]
    fn older_layouts_read_as_zero_past_their_end() {
        check_layouts::<Grown>();
        assert_eq!(size_of::<Layout1>(), Grown::OLDER_SIZES[0]);
        let old = Layout1 {
            struct_size: size_of::<Layout1>() as u32,
            a: 7,
        };
        // SAFETY: `old` has exactly `struct_size` readable bytes (Miri
        // would flag a read past them).
        let read = unsafe { read(std::ptr::from_ref(&old).cast::<Grown>()) }.unwrap();
        let want = Grown {
            struct_size: 8,
            a: 7,
            b: std::ptr::null(),
            c: 0,
        };
        assert_eq!(read, want);
    }

    #[test]
    fn sizes_between_layouts_are_unknown() {
        for size in [0, 4, 12, 20] {
            assert_eq!(extent::<Grown>(size), Extent::Unknown(size as usize));
        }
        assert_eq!(extent::<Grown>(8), Extent::Known(8));
        assert_eq!(extent::<Grown>(24), Extent::Known(24));
        assert_eq!(extent::<Grown>(32), Extent::Newer(32));
        let e = unknown_size::<Grown>(12);
        assert_eq!(e.field, Some("g.struct_size"));
        assert_eq!(
            e.message,
            "g.struct_size 12 is not a size of grown (this library knows [8, 24]): \
             initialise it with GROWN_INIT"
        );
    }
}
