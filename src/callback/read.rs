//! Reading a callback's fields from its tree, each by its type: text,
//! times, whole numbers, booleans, lists, key/value maps and nested
//! objects. Every error is `Status::InvalidArgument` naming a `bw_callback`
//! member (the member holding a nested object for a problem inside it),
//! and its message the field by Bandwidth's JSON name.

use super::tree::{shown, Node};
use super::{Callback, CallbackEvent, MachineDetectionResult, MediaStream, Transcription};
use crate::call_state::Timestamp;
use crate::error::Error;
use crate::json::parse_time;

/// Where the tree came from: a JSON body, or a query string (all text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Body,
    Query,
}

impl Source {
    /// The argument that holds the whole callback.
    fn whole(self) -> &'static str {
        match self {
            Source::Body => "body",
            Source::Query => "query",
        }
    }
}

/// A field: its JSON names (Bandwidth's reference name first, then other
/// spellings its documentation uses) and, at the top, its `bw_callback`
/// member for `Error::field`.
struct Key {
    json: &'static [&'static str],
    field: &'static str,
}

/// Declares each field's `Key` and the list of them.
macro_rules! keys {
    ($list:ident: $($key:ident = [$($json:literal),+] => $field:literal;)*) => {
        $(const $key: Key = Key { json: &[$($json),+], field: $field };)*
        const $list: &[Key] = &[$($key),*];
    };
}

keys!(TOP:
    EVENT_TYPE = ["eventType"] => "event_type";
    EVENT_TIME = ["eventTime"] => "event_time";
    ACCOUNT_ID = ["accountId"] => "account_id";
    APPLICATION_ID = ["applicationId"] => "application_id";
    CALL_ID = ["callId"] => "call_id";
    CALL_URL = ["callUrl"] => "call_url";
    PARENT_CALL_ID = ["parentCallId"] => "parent_call_id";
    CONFERENCE_ID = ["conferenceId"] => "conference_id";
    NAME = ["name"] => "name";
    FROM = ["from"] => "from";
    TO = ["to"] => "to";
    DIRECTION = ["direction"] => "direction";
    TAG = ["tag"] => "tag";
    ENQUEUED_TIME = ["enqueuedTime"] => "enqueued_time";
    START_TIME = ["startTime"] => "start_time";
    ANSWER_TIME = ["answerTime"] => "answer_time";
    END_TIME = ["endTime"] => "end_time";
    DIGITS = ["digits"] => "digits";
    DIGIT = ["digit"] => "digit";
    TERMINATING_DIGIT = ["terminatingDigit"] => "terminating_digit";
    CAUSE = ["cause"] => "cause";
    ERROR_MESSAGE = ["errorMessage"] => "error_message";
    ERROR_ID = ["errorId"] => "error_id";
    SIP_RESPONSE_CODE = ["sipResponseCode"] => "sip_response_code";
    MACHINE_DETECTION_RESULT = ["machineDetectionResult"] => "machine_detection_result";
    RECORDING_ID = ["recordingId"] => "recording_id";
    MEDIA_URL = ["mediaUrl"] => "media_url";
    DURATION = ["duration"] => "duration";
    FILE_FORMAT = ["fileFormat"] => "file_format";
    CHANNELS = ["channels"] => "channels";
    STATUS = ["status"] => "status";
    TRANSCRIPTION = ["transcription"] => "transcription";
    TRANSFER_CALLER_ID = ["transferCallerId"] => "transfer_caller_id";
    TRANSFER_TO = ["transferTo"] => "transfer_to";
    DIVERSION = ["diversion"] => "diversion";
    STIR_SHAKEN = ["stirShaken"] => "stir_shaken";
    UUI = ["uui"] => "uui";
    SIP_CALL_ID = ["sipCallId"] => "sip_call_id";
    SIP_HEADERS = ["sipHeaders"] => "sip_headers";
    MEDIA_STREAM = ["mediaStream"] => "media_stream";
    ORIGINAL_MEDIA_STREAM = ["originalMediaStream", "originalStreamInfo"] => "original_media_stream";
    REAL_TIME_TRANSCRIPTION = ["realTimeTranscription", "realtimeTranscription"] => "real_time_transcription";
    ORIGINAL_TRANSCRIPTION = ["originalTranscription"] => "original_transcription";
    REASON = ["reason", "rejectReason"] => "reason";
);

// Inside nested objects, errors name the member holding the object.
keys!(MACHINE_DETECTION:
    MD_VALUE = ["value"] => "";
    MD_DURATION = ["duration"] => "";
);

keys!(TRANSCRIPTION_FIELDS:
    T_ID = ["id"] => "";
    T_NAME = ["name"] => "";
    T_STATUS = ["status"] => "";
    T_URL = ["url"] => "";
    T_COMPLETED_TIME = ["completedTime"] => "";
    T_START_TIME = ["startTime"] => "";
    T_DURATION = ["duration"] => "";
    T_DESTINATION = ["destination"] => "";
    T_STABILIZED = ["stabilized"] => "";
    T_TRACKS = ["tracks"] => "";
);

keys!(STREAM_FIELDS:
    S_ID = ["id"] => "";
    S_NAME = ["name"] => "";
    S_DESTINATION = ["destination"] => "";
    S_TYPE = ["type"] => "";
    S_START_TIME = ["startTime"] => "";
    S_DURATION = ["duration"] => "";
    S_TRACKS = ["tracks"] => "";
);

/// The whole callback from the entries of its top-level object.
pub(super) fn callback(entries: &[(String, Node)], source: Source) -> Result<Callback, Error> {
    let f = Fields::new(entries, source, String::new(), None, TOP)?;
    let event_type = f.text(&EVENT_TYPE)?.ok_or_else(|| {
        Error::invalid(
            "event_type",
            format!("callback {} has no eventType", source.whole()),
        )
    })?;
    Ok(Callback {
        event: CallbackEvent::from_name(&event_type),
        event_type,
        event_time: f.time(&EVENT_TIME)?,
        account_id: f.text(&ACCOUNT_ID)?,
        application_id: f.text(&APPLICATION_ID)?,
        call_id: f.text(&CALL_ID)?,
        call_url: f.text(&CALL_URL)?,
        parent_call_id: f.text(&PARENT_CALL_ID)?,
        conference_id: f.text(&CONFERENCE_ID)?,
        name: f.text(&NAME)?,
        from: f.text(&FROM)?,
        to: f.text(&TO)?,
        direction: f.text(&DIRECTION)?,
        tag: f.text(&TAG)?,
        enqueued_time: f.time(&ENQUEUED_TIME)?,
        start_time: f.time(&START_TIME)?,
        answer_time: f.time(&ANSWER_TIME)?,
        end_time: f.time(&END_TIME)?,
        digits: f.text(&DIGITS)?,
        digit: f.text(&DIGIT)?,
        terminating_digit: f.text(&TERMINATING_DIGIT)?,
        cause: f.text(&CAUSE)?,
        error_message: f.text(&ERROR_MESSAGE)?,
        error_id: f.text(&ERROR_ID)?,
        sip_response_code: f.count(&SIP_RESPONSE_CODE)?,
        machine_detection_result: machine_detection(&f)?,
        recording_id: f.text(&RECORDING_ID)?,
        media_url: f.text(&MEDIA_URL)?,
        duration: f.text(&DURATION)?,
        file_format: f.text(&FILE_FORMAT)?,
        channels: f.count(&CHANNELS)?,
        status: f.text(&STATUS)?,
        transcription: transcription(&f, &TRANSCRIPTION)?,
        transfer_caller_id: f.text(&TRANSFER_CALLER_ID)?,
        transfer_to: f.text(&TRANSFER_TO)?,
        diversion: f.pairs(&DIVERSION)?,
        stir_shaken: f.pairs(&STIR_SHAKEN)?,
        uui: f.text(&UUI)?,
        sip_call_id: f.text(&SIP_CALL_ID)?,
        sip_headers: f.pairs(&SIP_HEADERS)?,
        media_stream: stream(&f, &MEDIA_STREAM)?,
        original_media_stream: stream(&f, &ORIGINAL_MEDIA_STREAM)?,
        real_time_transcription: transcription(&f, &REAL_TIME_TRANSCRIPTION)?,
        original_transcription: transcription(&f, &ORIGINAL_TRANSCRIPTION)?,
        reason: f.text(&REASON)?,
    })
}

/// `machineDetectionResult`: an object, or (in the documentation's
/// `machineDetectionComplete` example) just the value as text.
fn machine_detection(f: &Fields<'_>) -> Result<Option<MachineDetectionResult>, Error> {
    let key = &MACHINE_DETECTION_RESULT;
    match f.typed(key)? {
        None => Ok(None),
        Some((name, Node::Text(value))) => Ok(Some(MachineDetectionResult {
            value: Some(f.kept(key, &name, value)?),
            duration: None,
        })),
        Some((_, Node::Object(_))) => {
            let Some(o) = f.object(key, MACHINE_DETECTION)? else {
                return Ok(None);
            };
            Ok(Some(MachineDetectionResult {
                value: o.text(&MD_VALUE)?,
                duration: o.text(&MD_DURATION)?,
            }))
        }
        Some((name, _)) => {
            Err(f.error(key, format!("callback {name} is not a string or an object")))
        }
    }
}

fn transcription(f: &Fields<'_>, key: &Key) -> Result<Option<Transcription>, Error> {
    let Some(o) = f.object(key, TRANSCRIPTION_FIELDS)? else {
        return Ok(None);
    };
    Ok(Some(Transcription {
        id: o.text(&T_ID)?,
        name: o.text(&T_NAME)?,
        status: o.text(&T_STATUS)?,
        url: o.text(&T_URL)?,
        completed_time: o.time(&T_COMPLETED_TIME)?,
        start_time: o.time(&T_START_TIME)?,
        duration: o.text(&T_DURATION)?,
        destination: o.text(&T_DESTINATION)?,
        stabilized: o.flag(&T_STABILIZED)?,
        tracks: o.list(&T_TRACKS)?,
    }))
}

fn stream(f: &Fields<'_>, key: &Key) -> Result<Option<MediaStream>, Error> {
    let Some(o) = f.object(key, STREAM_FIELDS)? else {
        return Ok(None);
    };
    Ok(Some(MediaStream {
        id: o.text(&S_ID)?,
        name: o.text(&S_NAME)?,
        destination: o.text(&S_DESTINATION)?,
        stream_type: o.text(&S_TYPE)?,
        start_time: o.time(&S_START_TIME)?,
        duration: o.text(&S_DURATION)?,
        tracks: o.list(&S_TRACKS)?,
    }))
}

/// One JSON object's entries, read field by field.
struct Fields<'a> {
    entries: &'a [(String, Node)],
    source: Source,
    /// Its JSON path in messages: empty at the top, `transcription` inside.
    path: String,
    /// For a nested object, the `bw_callback` member every error names.
    parent: Option<&'static str>,
}

impl<'a> Fields<'a> {
    /// The object, once no key appears in it twice.
    fn new(
        entries: &'a [(String, Node)],
        source: Source,
        path: String,
        parent: Option<&'static str>,
        known: &[Key],
    ) -> Result<Fields<'a>, Error> {
        let mut keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
        keys.sort_unstable();
        if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
            let key = pair[0];
            let field = parent.unwrap_or_else(|| {
                known
                    .iter()
                    .find(|k| k.json.contains(&key))
                    .map_or(source.whole(), |k| k.field)
            });
            let within = if path.is_empty() {
                source.whole()
            } else {
                &path
            };
            return Err(Error::invalid(
                field,
                format!(
                    "callback {within} has the key \"{}\" more than once",
                    shown(key, 64)
                ),
            ));
        }
        Ok(Fields {
            entries,
            source,
            path,
            parent,
        })
    }

    /// The error about `key`, naming the member it belongs to.
    fn error(&self, key: &Key, message: String) -> Error {
        Error::invalid(self.parent.unwrap_or(key.field), message)
    }

    /// The field's value and the name it came under (as a message shows
    /// it); `None` when absent or null. Two spellings of one field at once
    /// are an error.
    fn get(&self, key: &Key) -> Result<Option<(String, &'a Node)>, Error> {
        let mut found = self
            .entries
            .iter()
            .filter(|(name, _)| key.json.contains(&name.as_str()));
        let first = found.next();
        if let (Some((a, _)), Some((b, _))) = (first, found.next()) {
            return Err(self.error(
                key,
                format!(
                    "callback {} and {} are the same field: send one",
                    self.name_of(a),
                    self.name_of(b)
                ),
            ));
        }
        Ok(match first {
            None | Some((_, Node::Null)) => None,
            Some((name, node)) => Some((self.name_of(name), node)),
        })
    }

    /// As [`Fields::get`], for a field that is not text: in a query string
    /// an empty value means absent.
    fn typed(&self, key: &Key) -> Result<Option<(String, &'a Node)>, Error> {
        Ok(self.get(key)?.filter(|(_, node)| {
            !(self.source == Source::Query && matches!(node, Node::Text(t) if t.is_empty()))
        }))
    }

    fn name_of(&self, json: &str) -> String {
        if self.path.is_empty() {
            shown(json, 64)
        } else {
            format!("{}.{}", self.path, shown(json, 64))
        }
    }

    /// `text` as kept: C cannot carry a NUL character.
    fn kept(&self, key: &Key, name: &str, text: &str) -> Result<String, Error> {
        if text.contains('\0') {
            return Err(self.error(key, format!("callback {name} contains a NUL character")));
        }
        Ok(text.to_owned())
    }

    fn text(&self, key: &Key) -> Result<Option<String>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some((name, Node::Text(text))) => self.kept(key, &name, text).map(Some),
            Some((name, _)) => Err(self.error(key, format!("callback {name} is not a string"))),
        }
    }

    /// An RFC 3339 date-time. Bandwidth describes these times as UTC, and
    /// one of its documented examples leaves the offset out: such a time is
    /// read as UTC. The text is kept as sent.
    fn time(&self, key: &Key) -> Result<Option<Timestamp>, Error> {
        let Some((name, node)) = self.typed(key)? else {
            return Ok(None);
        };
        let Node::Text(text) = node else {
            return Err(self.error(key, format!("callback {name} is not a string")));
        };
        let instant = parse_time(text)
            .or_else(|why| parse_time(&format!("{text}Z")).map_err(|_| why))
            .map_err(|why| self.error(key, format!("callback {name} {why}")))?;
        Ok(Some(Timestamp {
            text: self.kept(key, &name, text)?,
            unix_ms: instant.unix_timestamp_nanos().div_euclid(1_000_000) as i64,
        }))
    }

    /// A whole number from 0 to `i32::MAX` (so that C's `int32_t` holds it).
    fn count(&self, key: &Key) -> Result<Option<u32>, Error> {
        let Some((name, node)) = self.typed(key)? else {
            return Ok(None);
        };
        let value = match node {
            Node::Number(n) => n.as_u64(),
            Node::Text(t) if self.source == Source::Query => t.parse::<u64>().ok(),
            _ => None,
        };
        match value {
            Some(v) if v <= i32::MAX as u64 => Ok(Some(v as u32)),
            _ => Err(self.error(
                key,
                format!("callback {name} is not a whole number from 0 to 2147483647"),
            )),
        }
    }

    /// `true` or `false`, as JSON or as text.
    fn flag(&self, key: &Key) -> Result<Option<bool>, Error> {
        let Some((name, node)) = self.typed(key)? else {
            return Ok(None);
        };
        match node {
            Node::Bool(b) => Ok(Some(*b)),
            Node::Text(t) if t == "true" => Ok(Some(true)),
            Node::Text(t) if t == "false" => Ok(Some(false)),
            _ => Err(self.error(key, format!("callback {name} is not true or false"))),
        }
    }

    /// A list of strings; in a query string, comma-separated text.
    fn list(&self, key: &Key) -> Result<Vec<String>, Error> {
        let not_a_list = |name: &str| format!("callback {name} is not a list of strings");
        match self.typed(key)? {
            None => Ok(Vec::new()),
            Some((name, Node::List(items))) => items
                .iter()
                .map(|item| match item {
                    Node::Text(text) => self.kept(key, &name, text),
                    _ => Err(self.error(key, not_a_list(&name))),
                })
                .collect(),
            Some((name, Node::Text(text))) if self.source == Source::Query => text
                .split(',')
                .map(|part| self.kept(key, &name, part))
                .collect(),
            Some((name, _)) => Err(self.error(key, not_a_list(&name))),
        }
    }

    /// An object of open-ended keys (`diversion`, `stirShaken`,
    /// `sipHeaders`), sorted by key. A number or boolean value is kept as
    /// its JSON text, a null one left out.
    fn pairs(&self, key: &Key) -> Result<Vec<(String, String)>, Error> {
        let Some(inner) = self.object(key, &[])? else {
            return Ok(Vec::new());
        };
        let mut pairs = Vec::with_capacity(inner.entries.len());
        for (name, value) in inner.entries {
            let shown_name = inner.name_of(name);
            let value = match value {
                Node::Null => continue,
                Node::Text(text) => text.clone(),
                Node::Bool(b) => b.to_string(),
                Node::Number(n) => n.to_string(),
                Node::List(_) | Node::Object(_) => {
                    return Err(self.error(key, format!("callback {shown_name} is not a string")))
                }
            };
            pairs.push((
                inner.kept(key, &format!("{} (a key)", inner.path), name)?,
                inner.kept(key, &shown_name, &value)?,
            ));
        }
        pairs.sort_unstable();
        Ok(pairs)
    }

    /// A nested object, read with its own fields (`known`).
    fn object(&self, key: &Key, known: &[Key]) -> Result<Option<Fields<'a>>, Error> {
        match self.typed(key)? {
            None => Ok(None),
            Some((name, Node::Object(entries))) => Fields::new(
                entries,
                self.source,
                name,
                Some(self.parent.unwrap_or(key.field)),
                known,
            )
            .map(Some),
            Some((name, _)) => Err(self.error(key, format!("callback {name} is not an object"))),
        }
    }
}
