//! Proxy environment variables are used only with
//! `ProxyConfig::FromEnvironment`. The environment is process-global, and
//! changing it while other threads run races with their `getenv`, so each
//! case runs in a child process of this test binary that starts with the
//! environment the parent chose; nothing here calls `set_var`.

mod common;

use bwvoice::ProxyConfig;
use common::*;
use std::process::Command;
use std::sync::atomic::Ordering;

const VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];
/// Set in a child: which client to make (`direct` or `from-env`).
const CASE: &str = "BWVOICE_PROXY_ENV_CASE";
const TEST: &str = "proxy_environment_variables_apply_only_when_asked";

#[test]
fn proxy_environment_variables_apply_only_when_asked() {
    if let Ok(case) = std::env::var(CASE) {
        return hang_up_one_call(&case);
    }
    let proxy = TunnelProxy::start(None);
    let run = |case: &str, env: &[(&str, &str)]| {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", TEST, "--test-threads=1"])
            .env(CASE, case);
        for var in VARS.iter().chain(&["NO_PROXY", "no_proxy"]) {
            child.env_remove(var);
        }
        let output = child.envs(env.iter().copied()).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        // Not just a success: the child ran this test (a filter that
        // matched nothing would succeed too).
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{case} {env:?}: {stdout}"
        );
    };

    // Each variable alone is ignored by a default (direct) client.
    for var in VARS {
        run("direct", &[(var, &proxy.url)]);
    }
    assert_eq!(
        proxy.tunnels.load(Ordering::SeqCst),
        0,
        "env used without asking"
    );

    // Asked for: HTTPS_PROXY is used (API and token requests share one
    // authority here, so one kept-alive tunnel carries both).
    run("from-env", &[("HTTPS_PROXY", &proxy.url)]);
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);

    // NO_PROXY wins for the hosts it lists.
    run(
        "from-env",
        &[("HTTPS_PROXY", &proxy.url), ("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1, "NO_PROXY ignored");

    // Nothing set: direct.
    run("from-env", &[]);
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);
}

/// In a child: one OAuth2 client (as `case` says) hangs up one call; the
/// token request and the hang-up must both be answered.
fn hang_up_one_call(case: &str) {
    let sim = sim();
    let proxy = match case {
        "direct" => ProxyConfig::Direct,
        _ => ProxyConfig::FromEnvironment,
    };
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    client(ClientConfig {
        proxy,
        ..oauth(&sim)
    })
    .hangup(ACCOUNT, &call, &CallOptions::default())
    .unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.status == 200));
}
