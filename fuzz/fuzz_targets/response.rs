//! HTTP error responses: status mapping, Retry-After, Bandwidth's error body.
//! Input format and invariants: src/ffi/fuzzing.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice::ffi::fuzzing::response(data));
