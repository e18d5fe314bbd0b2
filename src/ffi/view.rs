//! Library-owned results for C: a `#[repr(C)]` view whose pointers point
//! into an [`Arena`] kept beside it, in one allocation ([`Owned`]) that the
//! type's `bw_*_free` releases.

use super::call_state::BW_TIME_ABSENT;
use crate::call_state::Timestamp;
use crate::error::{Error, Status};
use std::any::Any;
use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

/// The view first, so a pointer to it is a pointer to this (the struct is
/// `#[repr(C)]`); the arena keeps its pointers valid. Moving the arena
/// moves no string or list: their bytes live on the heap.
#[repr(C)]
pub struct Owned<V> {
    pub view: V,
    arena: Arena,
}

impl<V> Owned<V> {
    pub fn new(view: V, arena: Arena) -> Box<Owned<V>> {
        Box::new(Owned { view, arena })
    }

    /// Hands the allocation to C as a pointer to its view.
    pub fn into_raw(self: Box<Self>) -> *mut V {
        Box::into_raw(self).cast::<V>()
    }

    /// Frees what [`Owned::into_raw`] handed out; NULL is a no-op.
    ///
    /// # Safety
    /// `view` is NULL or from `into_raw` of an `Owned<V>`, not yet freed.
    pub unsafe fn free(view: *mut V) {
        if !view.is_null() {
            // SAFETY: caller contract above; the view is the first field.
            drop(unsafe { Box::from_raw(view.cast::<Owned<V>>()) });
        }
    }
}

/// What a view's pointers point into.
#[derive(Default)]
pub struct Arena {
    strings: Vec<CString>,
    blocks: Vec<Box<dyn Any>>,
}

impl Arena {
    /// A NUL-terminated copy of `value` (NULL for `None`). A string with a
    /// NUL character cannot be given to C whole, and is never given cut
    /// short: the reply of `what` is malformed.
    pub fn text(
        &mut self,
        what: &str,
        field: &str,
        value: Option<String>,
    ) -> Result<*const c_char, Error> {
        let Some(value) = value else {
            return Ok(ptr::null());
        };
        let owned = CString::new(value).map_err(|_| {
            Error::new(
                Status::Protocol,
                format!("malformed {what}: {field} contains a NUL character"),
            )
        })?;
        let at = owned.as_ptr();
        self.strings.push(owned);
        Ok(at)
    }

    /// A time as its text and milliseconds (`BW_TIME_ABSENT` when absent).
    pub fn time(
        &mut self,
        what: &str,
        field: &str,
        value: Option<Timestamp>,
    ) -> Result<(*const c_char, i64), Error> {
        let ms = value.as_ref().map_or(BW_TIME_ABSENT, |t| t.unix_ms);
        Ok((self.text(what, field, value.map(|t| t.text))?, ms))
    }

    /// `items` as a C array and its length (NULL when empty).
    pub fn list<T: 'static>(&mut self, items: Vec<T>) -> (*const T, usize) {
        if items.is_empty() {
            return (ptr::null(), 0);
        }
        let (at, len) = (items.as_ptr(), items.len());
        self.blocks.push(Box::new(items));
        (at, len)
    }

    /// `items` kept here, as a C array of pointers to them and its length
    /// (NULL when empty). For arrays of growable structs: a program built
    /// with an older, smaller struct still finds each one.
    pub fn pointers<T: 'static>(&mut self, items: Vec<T>) -> (*const *const T, usize) {
        // Moving the vector into the arena does not move its elements.
        let at: Vec<*const T> = items.iter().map(|item| item as *const T).collect();
        self.blocks.push(Box::new(items));
        self.list(at)
    }

    /// An array of strings (NULL when `None` or empty).
    pub fn texts(
        &mut self,
        what: &str,
        field: &str,
        values: Option<Vec<String>>,
    ) -> Result<(*const *const c_char, usize), Error> {
        let mut pointers = Vec::new();
        for value in values.unwrap_or_default() {
            pointers.push(self.text(what, field, Some(value))?);
        }
        Ok(self.list(pointers))
    }
}
