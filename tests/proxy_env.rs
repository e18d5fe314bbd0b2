//! Proxy environment variables are used only with
//! `ProxyConfig::FromEnvironment`. The environment is process-global, so
//! this binary holds a single test.

mod common;

use bwvoice::ProxyConfig;
use common::*;
use std::sync::atomic::Ordering;

const VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

#[test]
fn proxy_environment_variables_apply_only_when_asked() {
    let sim = sim();
    let proxy = TunnelProxy::start(None);
    for var in VARS.iter().chain(&["NO_PROXY", "no_proxy"]) {
        std::env::remove_var(var);
    }
    let call = || sim.create_call(ACCOUNT, CallState::Answered);
    let with = |proxy: ProxyConfig| {
        client(ClientConfig {
            proxy,
            ..oauth(&sim)
        })
    };

    // Each variable alone is ignored by a default (direct) client.
    for var in VARS {
        std::env::set_var(var, &proxy.url);
        with(ProxyConfig::Direct)
            .hangup(ACCOUNT, &call(), &CallOptions::default())
            .unwrap();
        std::env::remove_var(var);
    }
    assert_eq!(
        proxy.tunnels.load(Ordering::SeqCst),
        0,
        "env used without asking"
    );

    // Asked for: HTTPS_PROXY is used (API and token requests share one
    // authority here, so one kept-alive tunnel carries both).
    std::env::set_var("HTTPS_PROXY", &proxy.url);
    with(ProxyConfig::FromEnvironment)
        .hangup(ACCOUNT, &call(), &CallOptions::default())
        .unwrap();
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);

    // NO_PROXY wins for the hosts it lists.
    std::env::set_var("NO_PROXY", "127.0.0.1");
    with(ProxyConfig::FromEnvironment)
        .hangup(ACCOUNT, &call(), &CallOptions::default())
        .unwrap();
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1, "NO_PROXY ignored");

    // Nothing set: direct.
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("HTTPS_PROXY");
    with(ProxyConfig::FromEnvironment)
        .hangup(ACCOUNT, &call(), &CallOptions::default())
        .unwrap();
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);
    // Nine clients, each one token request and one hang-up, all answered.
    let requests = sim.requests();
    assert_eq!(requests.len(), 18);
    assert!(requests.iter().all(|r| r.status == 200));
}
