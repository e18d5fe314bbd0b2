//! A DNS cache in front of ureq's resolver.
//!
//! ureq's `unversioned` API is exempt from semver, so Cargo.toml pins ureq
//! to one minor version.

use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a resolved host name is reused: libcurl's default DNS cache
/// lifetime (CURLOPT_DNS_CACHE_TIMEOUT).
const DNS_TTL: Duration = Duration::from_secs(60);
/// Distinct hosts remembered; a client talks to one or two (API, token).
const DNS_CACHE_HOSTS: usize = 8;

/// ureq resolves the host before every request, even one that then reuses
/// a pooled connection, and with a timeout set (always, here) it does so
/// on a freshly spawned thread. This resolver remembers each answer for
/// [`DNS_TTL`], so a call on a kept-alive connection spawns no thread and
/// does no lookup; a miss resolves exactly as ureq would (same timeout,
/// same IP family filter). Failures are not cached.
#[derive(Debug, Default)]
pub struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<Vec<(String, ResolvedSocketAddrs, Instant)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => DefaultResolver::host_and_port(scheme, authority),
            _ => None,
        };
        let Some(key) = key else {
            return self.inner.resolve(uri, config, timeout);
        };
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, addrs, _)) = cache
                .iter()
                .find(|(k, _, expires)| *k == key && now < *expires)
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(k, _, expires)| *k != key && now < *expires);
        if cache.len() >= DNS_CACHE_HOSTS {
            cache.remove(0);
        }
        cache.push((key, addrs.clone(), now + DNS_TTL));
        Ok(addrs)
    }
}
