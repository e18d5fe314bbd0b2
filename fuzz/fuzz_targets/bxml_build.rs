//! The BXML builder driven through any sequence of calls.
//! Input format and invariants: fuzz/src/bxml.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::bxml_build(data));
