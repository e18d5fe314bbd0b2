//! Callbacks: a body or query string read into a bw_callback, the caller
//! check and the challenge. Input format and invariants: fuzz/src/callback.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::callback(data));
