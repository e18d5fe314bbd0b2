//! Generates the C header from src/ffi into OUT_DIR. The committed copy in
//! include/ is compared with it by tests/header.rs (`make header` refreshes it).

use std::env;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir")).join("bwvoice.h");
    // cbindgen reads src/ffi/mod.rs and follows its `mod` items, so every
    // file of the C ABI that is compiled at all is in the header.
    for watched in ["cbindgen.toml", "src/ffi"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let mut config =
        cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("read cbindgen.toml");
    let version = env::var("CARGO_PKG_VERSION").expect("version");
    let part = |name: &str| env::var(name).expect("version part");
    let mut after_includes = format!(
        "\n/** Version of this header; `bw_version()` returns \"bwvoice/\" BW_VERSION_STRING. */\n\
         #define BW_VERSION_MAJOR {}\n#define BW_VERSION_MINOR {}\n#define BW_VERSION_PATCH {}\n\
         #define BW_VERSION_STRING \"{version}\"\n\
         /** `MAJOR << 16 | MINOR << 8 | PATCH`, as `bw_version_number()`; usable in `#if`. */\n\
         #define BW_VERSION_NUMBER ((BW_VERSION_MAJOR << 16) | (BW_VERSION_MINOR << 8) | BW_VERSION_PATCH)",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    after_includes += &init_macros(&[
        "bw_client_config",
        "bw_modify_call_request",
        "bw_call_options",
        "bw_create_call_request",
        "bw_machine_detection",
        "bw_list_calls_query",
        "bw_update_conference_request",
        "bw_update_conference_member_request",
        "bw_error",
        "bw_stats",
    ]);
    config.after_includes = Some(after_includes);
    // ELF soname `libbwvoice.so.<major>` (cargo-c's layout with
    // version_suffix_components = 1): programs record it as NEEDED, and
    // `make install` installs libbwvoice.so.<major>.<minor>.<patch> with the
    // .so.<major> and .so links. The in-tree build needs the link
    // target/release/libbwvoice.so.<major> -> libbwvoice.so (`make build`).
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "freebsd" | "dragonfly" | "netbsd" | "openbsd" | "illumos" | "hurd" | "haiku"
    ) {
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,-soname,libbwvoice.so.{}",
            part("CARGO_PKG_VERSION_MAJOR")
        );
    }
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/ffi/mod.rs"))
        .generate()
        .expect("generate the C header")
        .write_to_file(out);
}

/// `BW_<NAME>_INIT` for each growable struct: `struct_size` set, every other
/// field zero. C gets a designated initialiser; C++17 (no designated
/// initialisers, and -Wextra wants every member named) a lambda.
fn init_macros(structs: &[&str]) -> String {
    let mut text = String::from(
        "\n\n/* Initialisers for the growable structs: `bw_error err = BW_ERROR_INIT;`. */\n#ifdef __cplusplus\n",
    );
    let name = |s: &str| format!("BW_{}_INIT", s.trim_start_matches("bw_").to_uppercase());
    for s in structs {
        text += &format!(
            "#define {} ([] {{ {s} v{{}}; v.struct_size = sizeof v; return v; }}())\n",
            name(s)
        );
    }
    text += "#else\n";
    for s in structs {
        text += &format!("#define {} {{ .struct_size = sizeof({s}) }}\n", name(s));
    }
    text + "#endif"
}
