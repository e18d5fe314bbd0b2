//! bw_modify_call's argument conversion, validation, URL and JSON body, without a network.
//! Input format and invariants: fuzz/src/lib.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice_fuzz::modify_call(data));
