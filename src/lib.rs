//! bwvoice: Bandwidth Voice API call control — redirect a live call to new
//! BXML, or hang it up — with validation, timeouts, retries and a
//! thread-safe OAuth2 token cache. The safe Rust API lives here; the C ABI
//! (`include/bwvoice.h`) is in [`ffi`].

#![deny(unsafe_code)]
// Errors carry the server's detail by value; they are built only on the
// failure path, next to a network round trip, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod client;
mod coalescing;
pub mod endpoint;
pub mod error;
mod redact;
pub mod request;
mod resolver;
pub mod response;
pub mod retry;
pub mod transport;
pub mod version;

#[allow(unsafe_code)]
pub mod ffi;

pub use auth::Auth;
pub use client::{Client, ClientConfig};
pub use error::{Error, Status};
pub use request::{CallState, ModifyCallRequest, RedirectMethod};
pub use transport::{ProxyConfig, TlsRoots};
