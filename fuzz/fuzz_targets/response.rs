//! HTTP error responses: status mapping, Retry-After, Bandwidth's error body.
//! Input format and invariants: fuzz/src/lib.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::response(data));
