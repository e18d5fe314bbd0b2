//! The committed header must equal the one build.rs generates.
//! After changing src/ffi, refresh it with `make header`.

#[test]
fn committed_header_matches_generated() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/bwvoice.h"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/bwvoice.h");
    let committed = std::fs::read_to_string(path).expect("read include/bwvoice.h");
    assert!(
        committed == generated,
        "include/bwvoice.h is stale: run `make header` and commit it"
    );
}
