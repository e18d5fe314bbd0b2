//! An explicit HTTP proxy (a local CONNECT proxy in front of the
//! simulator), and the plain-http rule for service URLs. Environment
//! variables are tested in `proxy_env.rs`, a binary of its own.

mod common;

use bwvoice::ProxyConfig;
use common::*;
use std::sync::atomic::Ordering;

/// base64("proxy-user:proxy-pw7"), what the proxy expects as Proxy-Authorization.
const PROXY_AUTH: &str = "Basic cHJveHktdXNlcjpwcm94eS1wdzc=";

fn proxied(sim: &Simulator, proxy_url: String) -> ClientConfig {
    ClientConfig {
        // Another authority than the base URL: a connection (and a tunnel)
        // of its own, so the proxy log shows where the token request went.
        auth: Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: SECRET.into(),
            token_url: Some(format!(
                "http://localhost:{}/api/v1/oauth2/token",
                sim.addr().port()
            )),
        },
        proxy: ProxyConfig::Url(proxy_url),
        ..oauth(sim)
    }
}

#[test]
fn calls_and_token_requests_go_through_an_explicit_proxy() {
    let sim = sim();
    let proxy = TunnelProxy::start(None);
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let client = client(proxied(&sim, proxy.url.clone()));
    client
        .modify_call(
            ACCOUNT,
            &call,
            &redirect_to_sim(&sim),
            &CallOptions::default(),
        )
        .unwrap();
    client
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();

    let port = sim.addr().port();
    let mut connects = proxy.connects.lock().unwrap().clone();
    connects.sort();
    assert_eq!(
        connects,
        [
            format!("CONNECT 127.0.0.1:{port} HTTP/1.1"),
            format!("CONNECT localhost:{port} HTTP/1.1"),
        ],
        "one tunnel each for the API and the token endpoint, kept alive"
    );
    assert_eq!(token_requests(&sim), 1);
    assert_eq!(call_requests(&sim, &call), 2);
}

#[test]
fn proxy_credentials_are_sent_and_never_shown() {
    let sim = sim();
    let proxy = TunnelProxy::start(Some(PROXY_AUTH));
    let host = proxy.url.trim_start_matches("http://");
    let call = sim.create_call(ACCOUNT, CallState::Answered);

    let good = proxied(&sim, format!("http://proxy-user:proxy-pw7@{host}"));
    assert!(!format!("{good:?}").contains("proxy-pw7"), "{good:?}");
    client(good)
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 2);

    let bad = proxied(&sim, format!("http://proxy-user:wrong-pw8@{host}"));
    let err = client(bad)
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap_err();
    assert_eq!(err.status, Status::Connect, "{err}");
    assert!(err.message.contains("407"), "{err}");
    assert_clean(&err, &["wrong-pw8", "proxy-user"]);
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 2);
}

#[test]
fn a_proxy_that_is_down_is_a_retried_connect_error() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let config = ClientConfig {
        proxy: ProxyConfig::Url(format!("http://127.0.0.1:{}", closed_port())),
        ..basic(&sim)
    };
    let err = client(config)
        .modify_call(ACCOUNT, &call, &redirect(), &CallOptions::default())
        .unwrap_err();
    // Nothing reached the Voice API, so even a redirect was retried.
    assert_eq!((err.status, err.attempts), (Status::Connect, 3), "{err}");
    assert_eq!(call_requests(&sim, &call), 0);
}

#[test]
fn an_invalid_proxy_url_is_refused_at_construction() {
    let sim = sim();
    for url in ["http://[::1", "http://"] {
        let config = ClientConfig {
            proxy: ProxyConfig::Url(url.into()),
            ..basic(&sim)
        };
        let err = Client::new(config).err().expect(url);
        assert_eq!(
            (err.status, err.field),
            (Status::InvalidArgument, Some("proxy")),
            "{url}"
        );
    }
}

#[test]
fn plain_http_off_loopback_is_refused_at_construction() {
    let sim = sim();
    let base = |url: &str| ClientConfig {
        base_url: Some(url.into()),
        ..basic(&sim)
    };
    let token = |url: &str| ClientConfig {
        auth: Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: SECRET.into(),
            token_url: Some(url.into()),
        },
        ..basic(&sim)
    };
    for (config, field) in [
        (base("http://voice.bandwidth.com/api/v2"), "base_url"),
        (base("http://10.0.0.1:8080/api/v2"), "base_url"),
        (base("http://localhost.example.com/api/v2"), "base_url"),
        (
            token("http://api.bandwidth.com/api/v1/oauth2/token"),
            "token_url",
        ),
        (token("http://192.168.1.1/token"), "token_url"),
    ] {
        let err = Client::new(config).err().expect(field);
        assert_eq!(
            (err.status, err.field),
            (Status::InvalidArgument, Some(field))
        );
        assert!(err.message.contains("https"), "{err}");
    }
    for ok in [
        base("https://voice.bandwidth.com/api/v2"),
        base("http://127.0.0.1:9/api/v2"),
        base("http://[::1]:9/api/v2"),
        base("http://localhost:9/api/v2"),
        token("https://api.bandwidth.com/api/v1/oauth2/token"),
    ] {
        Client::new(ok).unwrap();
    }
}
