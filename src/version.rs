//! The library's version as a number, and which headers it serves.

/// The version as one number, `MAJOR << 16 | MINOR << 8 | PATCH`.
pub const fn number() -> u32 {
    const fn parse(digits: &str) -> u32 {
        match u32::from_str_radix(digits, 10) {
            Ok(n) => n,
            Err(_) => panic!("a version part is not a number"),
        }
    }
    parse(env!("CARGO_PKG_VERSION_MAJOR")) << 16
        | parse(env!("CARGO_PKG_VERSION_MINOR")) << 8
        | parse(env!("CARGO_PKG_VERSION_PATCH"))
}

/// The first version whose C structs can grow (`struct_size`); programs
/// built against an older header must be rebuilt.
const FIRST_GROWABLE: u32 = 0x00_02_00;

/// Whether this library gives a program built against the header of
/// version `header` everything that header declares: the same major, and
/// not older than it (nor than [`FIRST_GROWABLE`]). The bindings' version
/// check, stated once.
pub const fn compatible(header: u32) -> bool {
    let own = number();
    header >> 16 == own >> 16 && header <= own && header >= FIRST_GROWABLE
}

#[cfg(test)]
mod tests {
    #[test]
    fn compatible_versions() {
        use super::{compatible as ok, number};
        let own = number();
        assert!(ok(own));
        assert!(!ok(own + 1), "a newer header");
        assert!(!ok(own + 0x01_00_00), "another major");
        assert!(!ok(0x00_01_00), "0.1.0 had no struct_size");
        if own >> 16 == 0 {
            assert!(
                ok(super::FIRST_GROWABLE),
                "0.2.0 headers, served by every later 0.x"
            );
        }
    }
}
