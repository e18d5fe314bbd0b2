//! `eventType`: the kinds of Voice callback this library knows by name.

/// What a callback reports, from its `eventType`. Bandwidth adds events
/// from time to time: one this library does not know is
/// [`CallbackEvent::Unknown`], its name kept in [`Callback::event_type`](super::Callback::event_type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CallbackEvent {
    /// An `eventType` this library does not know (or an empty one).
    #[default]
    Unknown,
    /// `answer`: an outbound call was answered.
    Answer,
    /// `bridgeComplete`: the target call left a `<Bridge>`.
    BridgeComplete,
    /// `bridgeTargetComplete`: the originating call left a `<Bridge>`.
    BridgeTargetComplete,
    /// `conferenceCreated`.
    ConferenceCreated,
    /// `conferenceRedirect`: a conference was redirected to new BXML.
    ConferenceRedirect,
    /// `conferenceMemberJoin`.
    ConferenceMemberJoin,
    /// `conferenceMemberExit`.
    ConferenceMemberExit,
    /// `conferenceCompleted`: the last member left.
    ConferenceCompleted,
    /// `conferenceRecordingAvailable`.
    ConferenceRecordingAvailable,
    /// `disconnect`: the call ended, for any reason.
    Disconnect,
    /// `dtmf`: one digit after `<StartGather>`.
    Dtmf,
    /// `gather`: a `<Gather>` finished.
    Gather,
    /// `initiate`: an inbound call arrived.
    Initiate,
    /// `machineDetectionComplete`: the result of asynchronous machine detection.
    MachineDetectionComplete,
    /// `recordingComplete` (the spec's name) or `recordComplete` (the
    /// documentation's): a `<Record>` finished.
    RecordingComplete,
    /// `recordingAvailable`: a call recording can be downloaded.
    RecordingAvailable,
    /// `redirect`: a `<Redirect>` ran, or the call was redirected.
    Redirect,
    /// `transcriptionAvailable`: a recording's transcription can be downloaded.
    TranscriptionAvailable,
    /// `transferAnswer`: a `<Transfer>`'s B-leg answered.
    TransferAnswer,
    /// `transferComplete`: the B-leg of a `<Transfer>` ended; the A-leg goes on.
    TransferComplete,
    /// `transferDisconnect`: one leg of a `<Transfer>` ended.
    TransferDisconnect,
    /// `mediaStreamStarted` (`<StartStream>`; not in the spec, from the documentation).
    MediaStreamStarted,
    /// `mediaStreamStopped` (`<StopStream>`, or the call ended).
    MediaStreamStopped,
    /// `mediaStreamRejected`: the stream `<StartStream>` asked for was not started.
    MediaStreamRejected,
    /// `realTimeTranscriptionStarted` (`<StartTranscription>`; also spelt
    /// `realtimeTranscriptionStarted` in older documentation).
    RealTimeTranscriptionStarted,
    /// `realTimeTranscriptionAvailable` (or `realtimeTranscriptionAvailable`):
    /// a real-time transcription can be downloaded.
    RealTimeTranscriptionAvailable,
    /// `realTimeTranscriptionStopped` (or `realtimeTranscriptionStopped`).
    RealTimeTranscriptionStopped,
    /// `realTimeTranscriptionRejected` (or `realtimeTranscriptionRejected`).
    RealTimeTranscriptionRejected,
}

/// Each known event and its `eventType`, in the order of the C constants
/// `BW_CALLBACK_*` (1 on; 0 is unknown). Names are matched exactly.
const NAMES: [(CallbackEvent, &str); 28] = [
    (CallbackEvent::Answer, "answer"),
    (CallbackEvent::BridgeComplete, "bridgeComplete"),
    (CallbackEvent::BridgeTargetComplete, "bridgeTargetComplete"),
    (CallbackEvent::ConferenceCreated, "conferenceCreated"),
    (CallbackEvent::ConferenceRedirect, "conferenceRedirect"),
    (CallbackEvent::ConferenceMemberJoin, "conferenceMemberJoin"),
    (CallbackEvent::ConferenceMemberExit, "conferenceMemberExit"),
    (CallbackEvent::ConferenceCompleted, "conferenceCompleted"),
    (
        CallbackEvent::ConferenceRecordingAvailable,
        "conferenceRecordingAvailable",
    ),
    (CallbackEvent::Disconnect, "disconnect"),
    (CallbackEvent::Dtmf, "dtmf"),
    (CallbackEvent::Gather, "gather"),
    (CallbackEvent::Initiate, "initiate"),
    (
        CallbackEvent::MachineDetectionComplete,
        "machineDetectionComplete",
    ),
    (CallbackEvent::RecordingComplete, "recordingComplete"),
    (CallbackEvent::RecordingAvailable, "recordingAvailable"),
    (CallbackEvent::Redirect, "redirect"),
    (
        CallbackEvent::TranscriptionAvailable,
        "transcriptionAvailable",
    ),
    (CallbackEvent::TransferAnswer, "transferAnswer"),
    (CallbackEvent::TransferComplete, "transferComplete"),
    (CallbackEvent::TransferDisconnect, "transferDisconnect"),
    (CallbackEvent::MediaStreamStarted, "mediaStreamStarted"),
    (CallbackEvent::MediaStreamStopped, "mediaStreamStopped"),
    (CallbackEvent::MediaStreamRejected, "mediaStreamRejected"),
    (
        CallbackEvent::RealTimeTranscriptionStarted,
        "realTimeTranscriptionStarted",
    ),
    (
        CallbackEvent::RealTimeTranscriptionAvailable,
        "realTimeTranscriptionAvailable",
    ),
    (
        CallbackEvent::RealTimeTranscriptionStopped,
        "realTimeTranscriptionStopped",
    ),
    (
        CallbackEvent::RealTimeTranscriptionRejected,
        "realTimeTranscriptionRejected",
    ),
];

/// Other spellings Bandwidth's documentation uses for the same events.
const ALIASES: [(CallbackEvent, &str); 5] = [
    (CallbackEvent::RecordingComplete, "recordComplete"),
    (
        CallbackEvent::RealTimeTranscriptionStarted,
        "realtimeTranscriptionStarted",
    ),
    (
        CallbackEvent::RealTimeTranscriptionAvailable,
        "realtimeTranscriptionAvailable",
    ),
    (
        CallbackEvent::RealTimeTranscriptionStopped,
        "realtimeTranscriptionStopped",
    ),
    (
        CallbackEvent::RealTimeTranscriptionRejected,
        "realtimeTranscriptionRejected",
    ),
];

impl CallbackEvent {
    /// Every known event, in the order of their C constants.
    pub const ALL: [CallbackEvent; 28] = {
        let mut all = [CallbackEvent::Unknown; 28];
        let mut i = 0;
        while i < NAMES.len() {
            all[i] = NAMES[i].0;
            i += 1;
        }
        all
    };

    /// The event an `eventType` names (exactly, or by a documented
    /// alternative spelling); `Unknown` for any other text.
    pub fn from_name(event_type: &str) -> CallbackEvent {
        NAMES
            .iter()
            .chain(&ALIASES)
            .find(|(_, name)| *name == event_type)
            .map_or(CallbackEvent::Unknown, |(event, _)| *event)
    }

    /// The `eventType` Bandwidth's API reference gives it (`None` for
    /// `Unknown`).
    pub fn name(self) -> Option<&'static str> {
        NAMES.iter().find(|(e, _)| *e == self).map(|(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_aliases() {
        for (i, event) in CallbackEvent::ALL.into_iter().enumerate() {
            let name = event.name().unwrap();
            assert_eq!(CallbackEvent::from_name(name), event);
            assert_ne!(event, CallbackEvent::Unknown, "{i}");
        }
        assert_eq!(CallbackEvent::Unknown.name(), None);
        assert_eq!(
            CallbackEvent::from_name("recordComplete"),
            CallbackEvent::RecordingComplete
        );
        assert_eq!(
            CallbackEvent::from_name("realtimeTranscriptionStopped"),
            CallbackEvent::RealTimeTranscriptionStopped
        );
        for other in ["", "Answer", "answer ", "brandNewEvent"] {
            assert_eq!(CallbackEvent::from_name(other), CallbackEvent::Unknown);
        }
    }
}
