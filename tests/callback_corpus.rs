//! Every callback of `tests/data/callbacks/` (one per example payload of
//! Bandwidth's webhook documentation) parses to its `X.expected.json`,
//! field by field. The directory is walked, so a new file is covered
//! without a change here; the format is in that directory's README.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use bwvoice::{
    parse_callback, parse_callback_query, Callback, MachineDetectionResult, MediaStream, Timestamp,
    Transcription,
};
use serde_json::{json, Map, Value};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/callbacks")
}

/// `MediaStreamRejected` → `MEDIA_STREAM_REJECTED`, as the C constants name it.
fn enum_name(debug: &str) -> String {
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn text(view: &mut Map<String, Value>, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        view.insert(name.into(), json!(v));
    }
}

fn time(view: &mut Map<String, Value>, name: &str, value: &Option<Timestamp>) {
    if let Some(t) = value {
        view.insert(name.into(), json!(t.text));
        view.insert(format!("{name}_ms"), json!(t.unix_ms));
    }
}

fn number(view: &mut Map<String, Value>, name: &str, value: Option<u32>) {
    if let Some(n) = value {
        view.insert(name.into(), json!(n));
    }
}

fn tracks(view: &mut Map<String, Value>, value: &[String]) {
    if !value.is_empty() {
        view.insert("tracks".into(), json!(value));
    }
}

fn pairs(view: &mut Map<String, Value>, name: &str, value: &[(String, String)]) {
    if !value.is_empty() {
        let list: Vec<Value> = value.iter().map(|(k, v)| json!([k, v])).collect();
        view.insert(name.into(), Value::Array(list));
    }
}

fn machine_detection(m: &MachineDetectionResult) -> Value {
    let mut view = Map::new();
    text(&mut view, "value", &m.value);
    text(&mut view, "duration", &m.duration);
    Value::Object(view)
}

fn transcription(t: &Transcription) -> Value {
    let mut view = Map::new();
    text(&mut view, "id", &t.id);
    text(&mut view, "name", &t.name);
    text(&mut view, "status", &t.status);
    text(&mut view, "url", &t.url);
    time(&mut view, "completed_time", &t.completed_time);
    time(&mut view, "start_time", &t.start_time);
    text(&mut view, "duration", &t.duration);
    text(&mut view, "destination", &t.destination);
    if let Some(s) = t.stabilized {
        view.insert("stabilized".into(), json!(s));
    }
    tracks(&mut view, &t.tracks);
    Value::Object(view)
}

fn media_stream(s: &MediaStream) -> Value {
    let mut view = Map::new();
    text(&mut view, "id", &s.id);
    text(&mut view, "name", &s.name);
    text(&mut view, "destination", &s.destination);
    text(&mut view, "stream_type", &s.stream_type);
    time(&mut view, "start_time", &s.start_time);
    text(&mut view, "duration", &s.duration);
    tracks(&mut view, &s.tracks);
    Value::Object(view)
}

/// The parsed callback in the corpus's format: only the fields present.
fn view(cb: &Callback) -> Value {
    let mut v = Map::new();
    v.insert("event".into(), json!(enum_name(&format!("{:?}", cb.event))));
    v.insert("event_type".into(), json!(cb.event_type));
    time(&mut v, "event_time", &cb.event_time);
    for (name, value) in [
        ("account_id", &cb.account_id),
        ("application_id", &cb.application_id),
        ("call_id", &cb.call_id),
        ("call_url", &cb.call_url),
        ("parent_call_id", &cb.parent_call_id),
        ("conference_id", &cb.conference_id),
        ("name", &cb.name),
        ("from", &cb.from),
        ("to", &cb.to),
        ("direction", &cb.direction),
        ("tag", &cb.tag),
        ("digits", &cb.digits),
        ("digit", &cb.digit),
        ("terminating_digit", &cb.terminating_digit),
        ("cause", &cb.cause),
        ("error_message", &cb.error_message),
        ("error_id", &cb.error_id),
        ("recording_id", &cb.recording_id),
        ("media_url", &cb.media_url),
        ("duration", &cb.duration),
        ("file_format", &cb.file_format),
        ("status", &cb.status),
        ("transfer_caller_id", &cb.transfer_caller_id),
        ("transfer_to", &cb.transfer_to),
        ("uui", &cb.uui),
        ("sip_call_id", &cb.sip_call_id),
        ("reason", &cb.reason),
    ] {
        text(&mut v, name, value);
    }
    time(&mut v, "enqueued_time", &cb.enqueued_time);
    time(&mut v, "start_time", &cb.start_time);
    time(&mut v, "answer_time", &cb.answer_time);
    time(&mut v, "end_time", &cb.end_time);
    number(&mut v, "sip_response_code", cb.sip_response_code);
    number(&mut v, "channels", cb.channels);
    pairs(&mut v, "diversion", &cb.diversion);
    pairs(&mut v, "stir_shaken", &cb.stir_shaken);
    pairs(&mut v, "sip_headers", &cb.sip_headers);
    if let Some(m) = &cb.machine_detection_result {
        v.insert("machine_detection_result".into(), machine_detection(m));
    }
    for (name, t) in [
        ("transcription", &cb.transcription),
        ("real_time_transcription", &cb.real_time_transcription),
        ("original_transcription", &cb.original_transcription),
    ] {
        if let Some(t) = t {
            v.insert(name.into(), transcription(t));
        }
    }
    for (name, s) in [
        ("media_stream", &cb.media_stream),
        ("original_media_stream", &cb.original_media_stream),
    ] {
        if let Some(s) = s {
            v.insert(name.into(), media_stream(s));
        }
    }
    Value::Object(v)
}

/// Every difference between `got` and `want`, as "path: got X, want Y".
fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            let keys: BTreeSet<&String> = g.keys().chain(w.keys()).collect();
            for key in keys {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (g.get(key), w.get(key)) {
                    (Some(gv), Some(wv)) => diff(&at, gv, wv, out),
                    (Some(gv), None) => out.push(format!("{at}: got {gv}, expected absent")),
                    (None, Some(wv)) => out.push(format!("{at}: absent, expected {wv}")),
                    (None, None) => {}
                }
            }
        }
        _ if got != want => out.push(format!("{path}: got {got}, expected {want}")),
        _ => {}
    }
}

/// Each corpus input (`X.json` or `X.query`) with its `X.expected.json`.
fn corpus() -> Vec<(PathBuf, PathBuf)> {
    let mut cases = Vec::new();
    for entry in fs::read_dir(corpus_dir()).expect("tests/data/callbacks") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".expected.json") {
            continue;
        }
        let stem = match name
            .strip_suffix(".json")
            .or_else(|| name.strip_suffix(".query"))
        {
            Some(stem) => stem.to_owned(),
            None => continue,
        };
        cases.push((
            path.clone(),
            path.with_file_name(format!("{stem}.expected.json")),
        ));
    }
    cases.sort();
    cases
}

#[test]
fn every_corpus_callback_parses_as_expected() {
    let cases = corpus();
    assert!(cases.len() >= 40, "only {} corpus files", cases.len());
    let mut failures = Vec::new();
    for (input, expected_path) in &cases {
        let file = input.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Value = match fs::read(expected_path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
            Err(_) => {
                failures.push(format!("{file}: no {}", expected_path.display()));
                continue;
            }
        };
        let parsed = if file.ends_with(".query") {
            let query = fs::read_to_string(input).unwrap();
            // The file's final newline is not part of the query string.
            parse_callback_query(query.trim_end_matches(['\n', '\r']))
        } else {
            parse_callback(&fs::read(input).unwrap())
        };
        match parsed {
            Ok(cb) => {
                let mut diffs = Vec::new();
                diff("", &view(&cb), &expected, &mut diffs);
                failures.extend(diffs.into_iter().map(|d| format!("{file}: {d}")));
            }
            Err(e) => failures.push(format!("{file}: did not parse: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_known_event_is_in_the_corpus() {
    let mut seen = BTreeSet::new();
    for (_, expected_path) in corpus() {
        let expected: Value = serde_json::from_slice(&fs::read(&expected_path).unwrap()).unwrap();
        seen.insert(expected["event"].as_str().unwrap_or_default().to_owned());
    }
    for event in bwvoice::CallbackEvent::ALL {
        let name = enum_name(&format!("{event:?}"));
        assert!(seen.contains(&name), "no corpus file for {name}");
    }
}
