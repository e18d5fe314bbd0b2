//! Every relative link in the repository's Markdown files leads somewhere:
//! the file or directory exists and, for a `#fragment` into a Markdown file,
//! a heading there has that anchor (GitHub's slugs). Links to http(s) and
//! mailto, and anything inside code blocks or inline code, are not checked.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Directories that hold no documentation of the project (build output,
/// fuzz inputs, virtualenvs, dependencies).
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", ".venv", "__pycache__"];
const SKIPPED_PATHS: &[&str] = &["fuzz/corpus", "fuzz/artifacts", "bindings/python/build"];

#[test]
fn every_relative_link_and_anchor_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_files(root, root, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("README.md")),
        "no Markdown files found under {}",
        root.display()
    );
    let mut anchors = HashMap::new();
    let mut dead = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (line, dest) in links(&text) {
            if let Some(problem) = check(root, file, &dest, &mut anchors) {
                let shown = file.strip_prefix(root).unwrap().display();
                dead.push(format!("{shown}:{line}: ({dest}) {problem}"));
            }
        }
    }
    assert!(dead.is_empty(), "dead links:\n{}", dead.join("\n"));
}

/// Why the link `dest` in `file` leads nowhere, or None when it resolves.
fn check(
    root: &Path,
    file: &Path,
    dest: &str,
    anchors: &mut HashMap<PathBuf, Vec<String>>,
) -> Option<String> {
    let lower = dest.to_ascii_lowercase();
    if ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(percent_decode(fragment))),
        None => (dest, None),
    };
    let target = if path.is_empty() {
        file.to_path_buf()
    } else if let Some(from_root) = path.strip_prefix('/') {
        root.join(percent_decode(from_root))
    } else {
        file.parent().unwrap().join(percent_decode(path))
    };
    if !target.exists() {
        return Some("no such file or directory".into());
    }
    let fragment = fragment?;
    if target.extension().is_none_or(|e| e != "md") {
        return None; // GitHub's line anchors (#L10) and the like
    }
    let known = anchors.entry(target.clone()).or_insert_with(|| {
        let text = fs::read_to_string(&target).unwrap_or_default();
        heading_anchors(&text)
    });
    if known.contains(&fragment) {
        None
    } else {
        Some(format!("no heading with anchor #{fragment}"))
    }
}

/// The Markdown files under `dir`, skipping what holds no documentation.
fn markdown_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy();
        let relative = path.strip_prefix(root).unwrap();
        if path.is_dir() {
            let skipped = SKIPPED_DIRS.contains(&name.as_ref())
                || name.ends_with(".egg-info")
                || SKIPPED_PATHS.iter().any(|p| relative == Path::new(p));
            if !skipped {
                markdown_files(root, &path, out);
            }
        } else if name.ends_with(".md") {
            out.push(path);
        }
    }
}

/// The text with fenced code blocks blanked out (newlines kept, so offsets
/// still give line numbers). A fence is 3+ backticks or tildes; it closes
/// with a run of the same character at least as long.
fn without_fences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let first = trimmed.chars().next().filter(|&c| c == '`' || c == '~');
        let marker: String = first
            .map(|m| trimmed.chars().take_while(|&c| c == m).collect())
            .unwrap_or_default();
        let is_fence = marker.len() >= 3;
        match &fence {
            Some(open)
                if is_fence
                    && marker.starts_with(open.as_str())
                    && trimmed[marker.len()..].trim().is_empty() =>
            {
                fence = None
            }
            Some(_) => {}
            None if is_fence => fence = Some(marker),
            None => {
                out.push_str(line);
                continue;
            }
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Replaces each inline code span (a run of n backticks up to the next run
/// of exactly n) with `x`s, keeping newlines.
fn blank_inline_code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let close = loop {
            if j >= chars.len() {
                break None;
            }
            if chars[j] == '`' {
                let m = run_at(j);
                if m == n {
                    break Some(j + m);
                }
                j += m;
            } else {
                j += 1;
            }
        };
        match close {
            Some(end) => {
                out.extend(
                    chars[i..end]
                        .iter()
                        .map(|&c| if c == '\n' { '\n' } else { 'x' }),
                );
                i = end;
            }
            None => {
                out.extend(&chars[i..i + n]);
                i += n;
            }
        }
    }
    out
}

/// (line, destination) of every inline link and image, and every link
/// reference definition, outside code.
fn links(text: &str) -> Vec<(usize, String)> {
    let text = blank_inline_code(&without_fences(text));
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    for (at, _) in text.match_indices("](") {
        let rest = &text[at + 2..];
        let mut depth = 0;
        let end = rest.char_indices().find(|&(_, c)| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' if depth == 0 => true,
            ')' => {
                depth -= 1;
                false
            }
            _ => false,
        });
        if let Some((end, _)) = end {
            let inner = rest[..end].trim();
            let dest = match inner.strip_prefix('<') {
                Some(angled) => angled.split('>').next().unwrap_or(""),
                None => inner.split_whitespace().next().unwrap_or(""),
            };
            if !dest.is_empty() {
                found.push((line_of(at), dest.to_string()));
            }
        }
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let label_end = trimmed.strip_prefix('[').and_then(|l| l.find(']'));
        if let Some(close) = label_end.filter(|&c| trimmed[c + 2..].starts_with(':')) {
            let dest = trimmed[close + 3..].split_whitespace().next().unwrap_or("");
            if !dest.is_empty() {
                found.push((line_of(offset), dest.trim_matches(['<', '>']).to_string()));
            }
        }
        offset += line.len();
    }
    found
}

/// The anchors GitHub gives the ATX headings of a Markdown text, in order.
fn heading_anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut anchors = Vec::new();
    for line in without_fences(text).lines() {
        let trimmed = line.trim_start();
        let level = trimmed.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&level) || line.len() - trimmed.len() > 3 {
            continue;
        }
        let rest = &trimmed[level..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let title = rest.trim().trim_end_matches('#').trim_end();
        let base = slug(&heading_text(title));
        let count = seen.entry(base.clone()).or_insert(0);
        anchors.push(if *count == 0 {
            base.clone()
        } else {
            format!("{base}-{count}")
        });
        *count += 1;
    }
    anchors
}

/// A heading's text as rendered: links become their text, backticks go.
fn heading_text(title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](") else {
            break;
        };
        let Some(close) = rest[open + mid..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..open + mid]);
        rest = &rest[open + mid + close + 1..];
    }
    out.push_str(rest);
    out.replace('`', "")
}

/// GitHub's heading slug: lowercase, punctuation other than `-` and `_`
/// dropped, each space a `-`.
fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn anchors_follow_github_slugs() {
    let text = "# bwvoice\n## Use from C++, pkg-config and CMake\n### `bwvoice.Client(*, ...)`\n\
                ## Retry budget\n## Retry budget\n## Retry budget\n```sh\n# not a heading\n```\n\
                ## The result: `bw_result`\n## [Link](x.md) text ##\n#nope\n";
    assert_eq!(
        heading_anchors(text),
        [
            "bwvoice",
            "use-from-c-pkg-config-and-cmake",
            "bwvoiceclient-",
            "retry-budget",
            "retry-budget-1",
            "retry-budget-2",
            "the-result-bw_result",
            "link-text",
        ]
    );
}

#[test]
fn links_outside_code_are_found_with_their_lines() {
    let text = "See [a](a.md) and `[b](b.md)`,\n![img](i.png \"title\") [c\nd](#e).\n\
                ```\n[f](f.md)\n```\n[`g`](g.md#h) [ref]: r.md\n[ref]: <s.md>\n";
    let found: Vec<_> = links(text)
        .into_iter()
        .map(|(l, d)| format!("{l}:{d}"))
        .collect();
    assert_eq!(found, ["1:a.md", "2:i.png", "3:#e", "7:g.md#h", "8:s.md"]);
}
