//! The client: a checked configuration, a connection pool, a retry budget
//! and counters, shared by every call. Its operations are defined with
//! their descriptions, in `operation`, and run through the one pipeline
//! (see `run`).

use crate::budget::RetryBudget;
use crate::config::Settings;
pub use crate::config::{
    CallOptions, ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT,
};
use crate::error::Error;
use crate::events::{Counters, Stats};
use crate::jobs::Pool;
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
        let (settings, connection) = Settings::check(config)?;
        Ok(Client {
            transport: Transport::new(&connection)?,
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
}
