//! The OAuth2 token reply parser.
//! Input format and invariants: fuzz/src/lib.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::token_reply(data));
