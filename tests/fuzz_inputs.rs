//! Replays every committed fuzz input (seeds in `fuzz/corpus`, crash
//! regressions in `fuzz/regressions`) through the fuzz harness, so
//! `cargo test` holds each invariant without nightly or libFuzzer.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use harness::{bxml_build, bxml_check, callback, modify_call, replies, response, token_reply};
use std::path::Path;

#[test]
fn committed_fuzz_inputs_hold_every_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 7] = [
        ("modify_call", modify_call),
        ("response", response),
        ("token_reply", token_reply),
        ("replies", replies),
        ("bxml_check", bxml_check),
        ("bxml_build", bxml_build),
        ("callback", callback),
    ];
    for (name, target) in targets {
        let mut replayed = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("read dir").path();
                let data = std::fs::read(&path).expect("read input");
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{} fails", path.display());
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no committed inputs for {name}");
    }
}

#[test]
fn short_and_empty_inputs() {
    for data in [&b""[..], b"\x01", b"\xff\xff\xff"] {
        modify_call(data);
        response(data);
        token_reply(data);
        replies(data);
        bxml_check(data);
        bxml_build(data);
        callback(data);
    }
}
