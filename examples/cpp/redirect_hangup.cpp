// Check a call is answered, redirect it to new BXML, then hang it up and
// confirm it ended, with the C++ wrapper.
//
//   redirect_hangup CALL_ID REDIRECT_URL [TAG]
//
// TAG "" clears the call's tag; without it the tag is left alone.
// Settings come from the environment: BW_ACCOUNT_ID and the OAuth2 client
// credentials BW_CLIENT_ID + BW_CLIENT_SECRET (Bandwidth retired Basic
// API-user credentials on 2026-12-02); optionally BW_BASE_URL and
// BW_TOKEN_URL (e.g. a local simulator's).
// Exit status: 0 done, 3 the call was already gone (ended, or 404), 4 not answered
// yet (a redirect would be a 409), 1 other error.
#include <bwvoice.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

static std::optional<std::string> env(const char *name) {
    const char *value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}

int main(int argc, char **argv) {
    const std::optional<std::string> account = env("BW_ACCOUNT_ID");
    if (argc < 3 || !account) {
        std::cerr << "usage: BW_ACCOUNT_ID=... " << argv[0] << " CALL_ID REDIRECT_URL [TAG]\n";
        return 2;
    }
    const std::string call_id = argv[1];

    bwvoice::Config cfg;
    cfg.base_url = env("BW_BASE_URL");
    cfg.token_url = env("BW_TOKEN_URL");
    cfg.client_id = env("BW_CLIENT_ID");
    cfg.client_secret = env("BW_CLIENT_SECRET");

    try {
        const bwvoice::Client client(cfg);

        const bwvoice::CallState before = client.get_call_state(*account, call_id);
        if (before.state == "disconnected") {
            std::cout << call_id << " has already ended (" << before.disconnect_cause.value_or("?") << ")\n";
            return 3;
        }
        if (before.state != "answered") {
            std::cout << call_id << " is " << before.state.value_or("(unknown)")
                      << ": a redirect needs an answered call\n";
            return 4;
        }

        bwvoice::RedirectOptions opts;
        if (argc > 3) opts.tag = argv[3];  // nullopt leaves the tag alone, "" clears it
        client.redirect(*account, call_id, argv[2], opts);
        std::cout << "redirected " << call_id << " to " << argv[2] << '\n';

        client.hangup(*account, call_id, bwvoice::CallOptions{std::chrono::seconds(5)});
        const bwvoice::CallState after = client.get_call_state(*account, call_id);
        std::cout << "hung up " << call_id << ": " << after.state.value_or("?") << ", cause "
                  << after.disconnect_cause.value_or("?") << '\n';
        return 0;
    } catch (const bwvoice::Error &e) {
        if (e.status() == bwvoice::Status::not_found) {
            std::cout << call_id << " was already gone: " << e.message() << '\n';
            return 3;
        }
        std::cerr << e.what();
        if (!e.field().empty()) std::cerr << " (field " << e.field() << ')';
        if (e.http_status() != 0) std::cerr << " (HTTP " << e.http_status() << ')';
        if (e.retry_after()) std::cerr << " (retry after " << e.retry_after()->count() << " ms)";
        std::cerr << '\n';
        return 1;
    }
}
