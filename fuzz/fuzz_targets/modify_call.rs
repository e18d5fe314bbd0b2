//! bw_modify_call's argument conversion, validation, URL and JSON body, without a network.
//! Input format and invariants: src/ffi/fuzzing.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bwvoice::ffi::fuzzing::modify_call(data));
