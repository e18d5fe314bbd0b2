//! The BXML checker on any text, as every kind.
//! Input format and invariants: fuzz/src/bxml.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::bxml_check(data));
