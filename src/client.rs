//! The client: a checked configuration, a connection pool, a retry budget
//! and counters, shared by every call; and the live-call operations, each
//! an [`operation`] run through the one pipeline (see `run`).

use crate::budget::RetryBudget;
use crate::call_state::CallState;
use crate::config::Settings;
pub use crate::config::{
    CallOptions, ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT,
};
use crate::error::Error;
use crate::events::{Counters, Stats};
use crate::jobs::Pool;
use crate::operation::{self, RecordingState};
use crate::request::ModifyCallRequest;
pub use crate::run::Started;
use crate::transport::Transport;

/// A Voice API client. Share it freely between threads: calls run
/// concurrently over one keep-alive connection pool and one token cache.
pub struct Client {
    pub(crate) settings: Settings,
    pub(crate) transport: Transport,
    pub(crate) budget: RetryBudget,
    pub(crate) counters: Counters,
}

impl Client {
    /// A client for `config`, checked first: an invalid setting is
    /// [`crate::Status::InvalidArgument`] naming it in [`Error::field`].
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let settings = Settings::check(config)?;
        Ok(Client {
            transport: Transport::new(&settings.connection)?,
            budget: RetryBudget::new(settings.retry_budget),
            counters: Counters::default(),
            settings,
        })
    }

    /// The client's counters so far (cheap; any thread).
    pub fn stats(&self) -> Stats {
        Stats {
            retry_budget_tokens: self.budget.tokens(),
            ..self.counters.snapshot()
        }
    }

    /// A pool for this client's asynchronous calls, sized by its configuration.
    pub(crate) fn new_pool(&self) -> Pool {
        Pool::new(self.settings.pool_limits)
    }

    /// The Voice API base URL, for building operations.
    pub(crate) fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// Updates a live call: redirect it to new BXML, change its tag, or end
    /// it ("Update active call"). A redirect is not repeated after a failure
    /// that may have been applied; a hang-up is.
    pub fn modify_call(
        &self,
        account_id: &str,
        call_id: &str,
        request: &ModifyCallRequest,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            operation::update_call(self.base_url(), account_id, call_id, request)?,
            opts,
        )
    }

    /// Ends a call (cancels it if not yet answered): `{"state":"completed"}`.
    pub fn hangup(&self, account_id: &str, call_id: &str, opts: &CallOptions) -> Result<(), Error> {
        self.run(
            operation::hangup(self.base_url(), account_id, call_id)?,
            opts,
        )
    }

    /// Reads a call's state ("Get call state"). Safe to repeat.
    ///
    /// ```no_run
    /// # fn show(client: &bwvoice::Client) -> Result<(), bwvoice::Error> {
    /// use bwvoice::CallOptions;
    /// use std::time::Duration;
    ///
    /// let state = client.get_call_state("9900000", "c-1234", &CallOptions::within(Duration::from_secs(2)))?;
    /// if state.state.as_deref() == Some("disconnected") {
    ///     println!("ended: {:?}", state.disconnect_cause);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_call_state(
        &self,
        account_id: &str,
        call_id: &str,
        opts: &CallOptions,
    ) -> Result<CallState, Error> {
        self.run(
            operation::get_call_state(self.base_url(), account_id, call_id)?,
            opts,
        )
    }

    /// Replaces a live call's BXML with `document` ("Update call BXML"),
    /// which must be well-formed XML with a `<Bxml>` root of at most
    /// [`crate::MAX_BXML_BYTES`]. Like a redirect, not repeated after a
    /// failure that may have been applied: a second one restarts the script.
    pub fn update_call_bxml(
        &self,
        account_id: &str,
        call_id: &str,
        document: &str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            operation::update_call_bxml(self.base_url(), account_id, call_id, document)?,
            opts,
        )
    }

    /// Pauses or resumes a call's recording ("Update recording"). Safe to repeat.
    pub fn update_call_recording(
        &self,
        account_id: &str,
        call_id: &str,
        state: RecordingState,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            operation::update_call_recording(self.base_url(), account_id, call_id, state)?,
            opts,
        )
    }
}
