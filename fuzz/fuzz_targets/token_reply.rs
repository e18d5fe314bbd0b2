//! The OAuth2 token reply parser.
//! Input format and invariants: src/ffi/fuzzing.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice::ffi::fuzzing::token_reply(data));
