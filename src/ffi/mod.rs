//! The C ABI. The only place with `unsafe`; every block says why it holds.

#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;
pub(crate) mod boundary;
pub mod types;
