//! The C ABI. The only place with `unsafe`; every block says why it holds.

#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;
pub(crate) mod boundary;
mod call_state;
mod completion;
mod events;
pub(crate) mod growable;
mod queue;
// What the fuzz harness needs from the C boundary (see `crate::fuzzing`).
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    pub use super::api::{bw_client, modify_call_args, ModifyCallArgs};
    pub use super::boundary::ErrorOut;
    pub use super::types::*;
}
#[cfg(test)]
mod tests;
// The constants are there for cbindgen, which copies them into the header;
// the Rust code itself needs only some of them.
#[allow(dead_code)]
pub mod types;
