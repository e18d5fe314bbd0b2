//! listCalls: order, filters, paging through the `Link` header, errors.
mod common;
use common::*;

/// A control-API call with these fields; returns its id.
fn make_call(sim: &Simulator, fields: Value) -> String {
    let resp = post_json(&format!("{}/sim/calls", sim.url()), &fields);
    assert_eq!(resp.status, 201, "{}", resp.body);
    resp.json()["callId"].as_str().unwrap().to_string()
}

/// The URL of the next page, from `Link: <url>; rel="next"`.
fn next_link(resp: &Resp) -> Option<String> {
    let link = resp.header("link")?;
    let url = link
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix(">; rel=\"next\""))
        .unwrap_or_else(|| panic!("Link header shape: {link}"));
    Some(url.to_string())
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|c| c["callId"].as_str().unwrap().to_string())
        .collect()
}

/// Follows the links from `url`; returns the pages' call ids, in order.
fn all_pages(url: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut next = Some(url.to_string());
    while let Some(url) = next {
        assert!(pages.len() < 50, "too many pages");
        let resp = api("GET", &url, "");
        assert_eq!(resp.status, 200, "{url}: {}", resp.body);
        pages.push(ids(&resp.json()));
        next = next_link(&resp);
    }
    pages
}

#[test]
fn pages_of_ten_over_twenty_five_calls() {
    let sim = start();
    let mut created = Vec::new();
    for i in 0..25 {
        created.push(sim.create_call(ACCOUNT, CallState::Answered));
        if i % 5 == 0 {
            sim.create_call("1111111", CallState::Answered); // another account
        }
    }
    let first = api(
        "GET",
        &format!("{}?pageSize=10", calls_url(&sim, ACCOUNT)),
        "",
    );
    let link = next_link(&first).expect("a next page");
    let prefix = format!("{}/accounts/{ACCOUNT}/calls?", sim.api_url());
    assert!(
        link.starts_with(&prefix) && link.contains("pageSize=10"),
        "{link}"
    );
    assert!(link.contains("pageToken="), "{link}");
    let pages = all_pages(&format!("{}?pageSize=10", calls_url(&sim, ACCOUNT)));
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(
        pages.concat(),
        created,
        "oldest first, none missed, none twice"
    );

    // The default page size (1000) takes them all at once.
    let resp = api("GET", &calls_url(&sim, ACCOUNT), "");
    assert!(resp.header("link").is_none());
    assert_eq!(ids(&resp.json()), created);
    // An exact fit has no next page.
    let resp = api(
        "GET",
        &format!("{}?pageSize=25", calls_url(&sim, ACCOUNT)),
        "",
    );
    assert!(resp.header("link").is_none());
    let other = api("GET", &calls_url(&sim, "1111111"), "").json();
    assert_eq!(other.as_array().unwrap().len(), 5);
    assert_eq!(api("GET", &calls_url(&sim, "2222"), "").json(), json!([]));
}

#[test]
fn filters_hold_across_pages() {
    let sim = start();
    let mut wanted = Vec::new();
    for i in 0..25 {
        wanted.push(make_call(
            &sim,
            json!({"to": "+15551110000", "from": "+15550000001"}),
        ));
        if i % 3 == 0 {
            make_call(&sim, json!({"to": "+15552220000", "from": "+15550000001"}));
            make_call(&sim, json!({"to": "+15551110000", "from": "+15550000009"}));
        }
    }
    let url = format!(
        "{}?to=%2B15551110000&from=%2B15550000001&pageSize=10",
        calls_url(&sim, ACCOUNT)
    );
    let first = api("GET", &url, "");
    let link = next_link(&first).unwrap();
    assert!(
        link.contains("to=%2B15551110000") && link.contains("from=%2B15550000001"),
        "{link}"
    );
    let pages = all_pages(&url);
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
    assert_eq!(pages.concat(), wanted);

    // disconnectCause
    for id in &wanted[..3] {
        assert_eq!(update(&sim, id, &json!({"state": "completed"})).status, 200);
    }
    let url = format!("{}?disconnectCause=hangup", calls_url(&sim, ACCOUNT));
    let page = api("GET", &url, "").json();
    assert_eq!(ids(&page), wanted[..3]);
    assert!(page
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["disconnectCause"] == "hangup"));
}

#[test]
fn start_time_bounds() {
    let sim = start();
    let all: Vec<String> = (0..6)
        .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
        .collect();
    let starts: Vec<String> = all
        .iter()
        .map(|id| {
            sim.call(id).unwrap()["startTime"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let list = |query: &str| {
        let url = format!("{}?{query}", calls_url(&sim, ACCOUNT));
        let resp = api("GET", &url, "");
        assert_eq!(resp.status, 200, "{query}: {}", resp.body);
        ids(&resp.json())
    };
    assert_eq!(list("minStartTime=2000-01-01T00:00:00Z"), all);
    assert_eq!(list("maxStartTime=2999-01-01T00:00:00.000%2B05:00"), all);
    assert!(list("minStartTime=2999-01-01T00:00:00Z").is_empty());
    assert!(list("maxStartTime=2000-01-01T00:00:00Z").is_empty());
    // Both bounds are inclusive; calls made in the same millisecond tie.
    let pivot = &starts[3];
    let from_pivot: Vec<String> = all
        .iter()
        .zip(&starts)
        .filter(|(_, s)| *s >= pivot)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(list(&format!("minStartTime={pivot}")), from_pivot);
    let until_pivot: Vec<String> = all
        .iter()
        .zip(&starts)
        .filter(|(_, s)| *s <= pivot)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(list(&format!("maxStartTime={pivot}")), until_pivot);
    assert_eq!(
        list(&format!("minStartTime={pivot}&maxStartTime={pivot}")).len(),
        starts.iter().filter(|s| *s == pivot).count()
    );
}

#[test]
fn each_element_is_a_call_state() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Initiated);
    let listed = api("GET", &calls_url(&sim, ACCOUNT), "");
    assert_eq!(listed.status, 200);
    assert!(listed
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let one = api("GET", &call_url(&sim, ACCOUNT, &id), "").json();
    assert_eq!(listed.json(), json!([one]));
}

#[test]
fn bad_queries_are_400() {
    let sim = start();
    for _ in 0..3 {
        sim.create_call(ACCOUNT, CallState::Answered);
    }
    let url = calls_url(&sim, ACCOUNT);
    for query in [
        "minStartTime=yesterday",
        "maxStartTime=2022-06-21T19:13:21",
        "minStartTime=2022-02-30T00:00:00Z",
        "pageSize=0",
        "pageSize=10001",
        "pageSize=-1",
        "pageSize=ten",
        "pageSize=2.5",
        "pageToken=bogus",
        "pageToken=",
    ] {
        let resp = api("GET", &format!("{url}?{query}"), "");
        assert_error(&resp, 400, "validation");
        let text = resp.json()["description"].as_str().unwrap().to_string();
        let field = query.split('=').next().unwrap();
        assert!(text.contains(field), "{query}: {text}");
    }
    assert_eq!(api("GET", &format!("{url}?pageSize=10000"), "").status, 200);
    assert_eq!(
        api("GET", &format!("{url}?pageSize=1&unknown=x"), "").status,
        200
    );
    // A token is only good for the account it was made for.
    let link = next_link(&api("GET", &format!("{url}?pageSize=1"), "")).unwrap();
    let token = link.split("pageToken=").nth(1).unwrap();
    let other = format!("{}?pageToken={token}", calls_url(&sim, "1111111"));
    assert_error(&api("GET", &other, ""), 400, "validation");
    assert_eq!(api("GET", &link, "").status, 200);
    // A reset forgets the tokens.
    sim.reset();
    assert_error(&api("GET", &link, ""), 400, "validation");
    let resp = send("GET", &url, &[], "");
    assert_error(&resp, 401, "authentication-error");
}
