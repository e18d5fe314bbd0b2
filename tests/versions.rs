//! Every file that states the release version must agree with Cargo.toml's:
//! the C header, the Python package, the Go package documentation, the
//! changelog and the simulator crate. A release bumps them all at once, and
//! this test names the one that was missed.

/// The version in Cargo.toml, which the others must equal.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `(name for messages, absolute path)` of a file in the repository.
macro_rules! repo_file {
    ($path:literal) => {
        ($path, concat!(env!("CARGO_MANIFEST_DIR"), "/", $path))
    };
}

fn read((name, path): (&str, &str)) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

/// Reads `file` and fails, naming the file and both versions, unless
/// `find` gets the crate's version out of its text.
fn assert_version(file: (&str, &str), what: &str, find: impl FnOnce(&str) -> Option<&str>) {
    let (name, text) = (file.0, read(file));
    let Some(found) = find(&text) else {
        panic!("{name}: cannot find {what} (the bwvoice crate's Cargo.toml says {VERSION})");
    };
    assert!(
        found == VERSION,
        "{name}: {what} says {found}, but the bwvoice crate's Cargo.toml says {VERSION}; make them equal"
    );
}

/// The rest of the first line of `text` that starts with `prefix`.
fn after_prefix<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().find_map(|line| line.strip_prefix(prefix))
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = &text[text.find(open)? + open.len()..];
    Some(&rest[..rest.find(close)?])
}

#[test]
fn header_version_string() {
    let file = repo_file!("include/bwvoice.h");
    assert_version(file, "BW_VERSION_STRING", |text| {
        let value = after_prefix(text, "#define BW_VERSION_STRING ")?;
        between(value, "\"", "\"")
    });
}

#[test]
fn python_package_version() {
    let file = repo_file!("bindings/python/src/bwvoice/_version.py");
    assert_version(file, "__version__", |text| {
        let value = after_prefix(text, "__version__ = ")?;
        Some(value.trim().trim_matches(|c| c == '"' || c == '\''))
    });
}

#[test]
fn go_documentation_version() {
    let marker = "This documentation is for bwvoice ";
    let what = format!("\"{marker}<version>\"");
    assert_version(repo_file!("bindings/go/doc.go"), &what, |text| {
        let rest = &text[text.find(marker)? + marker.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
            .unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches('.'))
    });
}

#[test]
fn newest_changelog_entry() {
    // The first "## [x.y.z]" heading; a Keep a Changelog "## [Unreleased]" is no version.
    let what = "the first \"## [x.y.z]\" heading";
    assert_version(repo_file!("CHANGELOG.md"), what, |text| {
        text.lines()
            .filter_map(|line| line.strip_prefix("## ["))
            .filter_map(|rest| rest.split_once(']').map(|(version, _)| version))
            .find(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    });
}

#[test]
fn simulator_crate_version() {
    assert_version(repo_file!("sim/Cargo.toml"), "[package] version", |text| {
        let mut section = "";
        text.lines().map(str::trim).find_map(|line| {
            if line.starts_with('[') {
                section = line;
                return None;
            }
            let (key, value) = line.split_once('=')?;
            (section == "[package]" && key.trim() == "version")
                .then(|| between(value, "\"", "\""))?
        })
    });
}
