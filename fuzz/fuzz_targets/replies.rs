//! 2xx answers: createCall's, a conference's, a member's, a page of calls.
//! Input format and invariants: fuzz/src/lib.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::replies(data));
