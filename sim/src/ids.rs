//! Random ids and tokens: call and conference ids, error ids, page tokens.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Non-cryptographic randomness from std's per-process random hash keys;
/// good enough for opaque test ids and tokens.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

pub fn random_hex(len: usize) -> String {
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(len);
    s
}

pub fn uuid() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-4{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[16..20],
        &h[20..]
    )
}

/// Bandwidth-style call id: `c-` + 8 hex + `-` + uuid.
pub fn new_call_id() -> String {
    format!("c-{}-{}", random_hex(8), uuid())
}

/// Bandwidth-style conference id: `conf-` + 8 hex + `-` + uuid.
pub fn new_conference_id() -> String {
    format!("conf-{}-{}", random_hex(8), uuid())
}
