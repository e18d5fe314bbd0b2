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

/// Fails, naming the file and both versions, unless `found` is the crate's version.
fn assert_version(name: &str, what: &str, found: Option<&str>) {
    let Some(found) = found else {
        panic!("{name}: cannot find {what} (the bwvoice crate's Cargo.toml says {VERSION})");
    };
    assert!(
        found == VERSION,
        "{name}: {what} says {found}, but the bwvoice crate's Cargo.toml says {VERSION}; make them equal"
    );
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = &text[text.find(open)? + open.len()..];
    Some(&rest[..rest.find(close)?])
}

#[test]
fn header_version_string() {
    let file = repo_file!("include/bwvoice.h");
    let text = read(file);
    let found = text
        .lines()
        .find_map(|line| line.strip_prefix("#define BW_VERSION_STRING "))
        .and_then(|value| between(value, "\"", "\""));
    assert_version(file.0, "BW_VERSION_STRING", found);
}

#[test]
fn python_package_version() {
    let file = repo_file!("bindings/python/src/bwvoice/_version.py");
    let text = read(file);
    let found = text
        .lines()
        .find_map(|line| line.strip_prefix("__version__ = "))
        .map(|value| value.trim().trim_matches(|c| c == '"' || c == '\''));
    assert_version(file.0, "__version__", found);
}

#[test]
fn go_documentation_version() {
    let file = repo_file!("bindings/go/doc.go");
    let text = read(file);
    let marker = "This documentation is for bwvoice ";
    let found = text.find(marker).map(|at| {
        let rest = &text[at + marker.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
            .unwrap_or(rest.len());
        rest[..end].trim_end_matches('.')
    });
    assert_version(file.0, &format!("\"{marker}<version>\""), found);
}

#[test]
fn newest_changelog_entry() {
    let file = repo_file!("CHANGELOG.md");
    let text = read(file);
    // The first "## [x.y.z]" heading; a Keep a Changelog "## [Unreleased]" is no version.
    let found = text
        .lines()
        .filter_map(|line| line.strip_prefix("## ["))
        .filter_map(|rest| rest.split_once(']').map(|(version, _)| version))
        .find(|version| version.starts_with(|c: char| c.is_ascii_digit()));
    assert_version(file.0, "the first \"## [x.y.z]\" heading", found);
}

#[test]
fn simulator_crate_version() {
    let file = repo_file!("sim/Cargo.toml");
    let text = read(file);
    let mut section = "";
    let found = text.lines().map(str::trim).find_map(|line| {
        if line.starts_with('[') {
            section = line;
            return None;
        }
        let (key, value) = line.split_once('=')?;
        (section == "[package]" && key.trim() == "version").then(|| between(value, "\"", "\""))?
    });
    assert_version(file.0, "[package] version", found);
}
