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
// Fuzz entry points: the C argument conversion and the parsers without a
// network. Also built for `cargo test`, which replays fuzz/corpus through them.
#[cfg(any(fuzzing, test))]
pub mod fuzzing;
#[cfg(test)]
mod tests;
// The constants are there for cbindgen, which copies them into the header;
// the Rust code itself needs only some of them.
#[allow(dead_code)]
pub mod types;
