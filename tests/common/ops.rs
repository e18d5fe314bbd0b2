//! The account and conference operations (createCall, listCalls and the
//! five conference ones) as values, so that one table can run each against
//! the same fault or observer: a [`Room`] holds what they act on.

use super::{Client, Error, Simulator};
use bwvoice::{
    CallOptions, CreateCallRequest, ListCallsQuery, UpdateConferenceMemberRequest,
    UpdateConferenceRequest,
};
use bwvoice_sim::{CallState, LoggedRequest, Route};

/// A conference document with a declaration, an entity and non-ASCII text.
pub const CONF_DOC: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bxml>\n  \
    <SpeakSentence>caf\u{e9} &amp; \u{263A}</SpeakSentence>\n</Bxml>\n";

/// An account with a conference of two answered calls.
#[derive(Debug, Clone)]
pub struct Room {
    pub account: String,
    pub conference: String,
    /// The members' call ids, which are also their member ids.
    pub members: [String; 2],
}

/// Two answered calls of `account` in a new conference named `room`.
pub fn room(sim: &Simulator, account: &str) -> Room {
    let members = [
        sim.create_call(account, CallState::Answered),
        sim.create_call(account, CallState::Answered),
    ];
    let conference = sim
        .create_conference(account, "room", &[&members[0], &members[1]])
        .expect("create conference");
    Room {
        account: account.to_owned(),
        conference,
        members,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    CreateCall,
    ListCalls,
    GetConference,
    /// updateConference with a redirect to the simulator's own receiver.
    RedirectConference,
    /// updateConference `{"status":"completed"}`.
    EndConference,
    ConferenceBxml,
    GetMember,
    /// updateConferenceMember: mute the first member.
    MuteMember,
}

impl Op {
    pub const ALL: [Op; 8] = [
        Op::CreateCall,
        Op::ListCalls,
        Op::GetConference,
        Op::RedirectConference,
        Op::EndConference,
        Op::ConferenceBxml,
        Op::GetMember,
        Op::MuteMember,
    ];

    /// Runs the operation on `room` with the default options.
    #[allow(clippy::result_large_err)] // `Error` by value, as in the library
    pub fn run(self, client: &Client, sim: &Simulator, room: &Room) -> Result<(), Error> {
        let opts = &CallOptions::default();
        let (account, conf, member) = (&room.account, &room.conference, &room.members[0]);
        match self {
            Op::CreateCall => {
                let answer_url = format!("{}/sim/app/answer", sim.url());
                let request =
                    CreateCallRequest::new("+15555550100", "+15555550199", "app-1", answer_url);
                client.create_call(account, &request, opts).map(|_| ())
            }
            Op::ListCalls => client
                .list_calls(account, &ListCallsQuery::default(), opts)
                .map(|_| ()),
            Op::GetConference => client.get_conference(account, conf, opts).map(|_| ()),
            Op::RedirectConference => {
                let request =
                    UpdateConferenceRequest::redirect(format!("{}/sim/app/conf", sim.url()));
                client.update_conference(account, conf, &request, opts)
            }
            Op::EndConference => {
                client.update_conference(account, conf, &UpdateConferenceRequest::end(), opts)
            }
            Op::ConferenceBxml => client.update_conference_bxml(account, conf, CONF_DOC, opts),
            Op::GetMember => client
                .get_conference_member(account, conf, member, opts)
                .map(|_| ()),
            Op::MuteMember => {
                let mute = UpdateConferenceMemberRequest {
                    mute: Some(true),
                    ..UpdateConferenceMemberRequest::default()
                };
                client.update_conference_member(account, conf, member, &mute, opts)
            }
        }
    }

    /// The spec's operationId.
    pub fn name(self) -> &'static str {
        match self {
            Op::CreateCall => "createCall",
            Op::ListCalls => "listCalls",
            Op::GetConference => "getConference",
            Op::RedirectConference | Op::EndConference => "updateConference",
            Op::ConferenceBxml => "updateConferenceBxml",
            Op::GetMember => "getConferenceMember",
            Op::MuteMember => "updateConferenceMember",
        }
    }

    pub fn method(self) -> &'static str {
        match self {
            Op::ListCalls | Op::GetConference | Op::GetMember => "GET",
            Op::CreateCall | Op::RedirectConference | Op::EndConference => "POST",
            Op::ConferenceBxml | Op::MuteMember => "PUT",
        }
    }

    pub fn route(self) -> Route {
        match self {
            Op::CreateCall | Op::ListCalls => Route::Calls,
            Op::GetConference | Op::RedirectConference | Op::EndConference => Route::Conference,
            Op::ConferenceBxml => Route::ConferenceBxml,
            Op::GetMember | Op::MuteMember => Route::Member,
        }
    }

    /// The path with placeholders, as events name it.
    pub fn template(self) -> &'static str {
        match self.route() {
            Route::Calls => "/accounts/{accountId}/calls",
            Route::Conference => "/accounts/{accountId}/conferences/{conferenceId}",
            Route::ConferenceBxml => "/accounts/{accountId}/conferences/{conferenceId}/bxml",
            _ => "/accounts/{accountId}/conferences/{conferenceId}/members/{memberId}",
        }
    }

    /// Repeated after a 5xx or a reset, which may have been applied: the
    /// reads, ending a conference and setting a member's state.
    pub fn idempotent(self) -> bool {
        matches!(
            self,
            Op::ListCalls | Op::GetConference | Op::EndConference | Op::GetMember | Op::MuteMember
        )
    }

    /// The conference it acts on (events' `conference_id`); "" for none.
    pub fn conference_id(self, room: &Room) -> String {
        match self.route() {
            Route::Calls => String::new(),
            _ => room.conference.clone(),
        }
    }

    /// The call it acts on (events' `call_id`): the member for member
    /// operations, else "".
    pub fn call_id(self, room: &Room) -> String {
        match self.route() {
            Route::Member => room.members[0].clone(),
            _ => String::new(),
        }
    }

    /// The requests the simulator logged for this operation on `room`.
    pub fn sent(self, sim: &Simulator, room: &Room) -> Vec<LoggedRequest> {
        let account = format!("/api/v2/accounts/{}/", super::encoded(&room.account));
        let conference = format!("{account}conferences/{}", super::encoded(&room.conference));
        let path = match self.route() {
            Route::Calls => format!("{account}calls"),
            Route::Conference => conference,
            Route::ConferenceBxml => format!("{conference}/bxml"),
            _ => format!("{conference}/members/{}", super::encoded(&room.members[0])),
        };
        sim.requests()
            .into_iter()
            .filter(|r| r.method == self.method())
            .filter(|r| r.path.split('?').next() == Some(path.as_str()))
            .collect()
    }
}
