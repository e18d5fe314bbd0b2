// Tests of include/bwvoice.hpp against the simulator, linked with the
// installed libbwvoice.a through CMake's bwvoice::bwvoice_static.
//
//   test_wrapper CALL_A CALL_B CALL_C CALL_LIMITED
//
// Environment: BW_BASE_URL, BW_USERNAME, BW_PASSWORD, BW_ACCOUNT_ID and
// BW_APP_URL (the simulator's webhook receiver). run.sh created the four
// answered calls, a 429 fault with Retry-After: 1 for CALL_LIMITED, and checks
// the tags afterwards: CALL_A "step-1", CALL_B cleared.
#include <bwvoice.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

static_assert(!std::is_copy_constructible_v<bwvoice::Client>, "Client is move-only");
static_assert(!std::is_copy_assignable_v<bwvoice::Client>, "Client is move-only");
static_assert(std::is_nothrow_move_constructible_v<bwvoice::Client>, "noexcept move");
static_assert(std::is_nothrow_move_assignable_v<bwvoice::Client>, "noexcept move");
static_assert(std::is_base_of_v<std::runtime_error, bwvoice::Error>, "Error is a runtime_error");
static_assert(std::is_nothrow_copy_constructible_v<bwvoice::Error>, "exceptions copy without throwing");

static int checks = 0;
static int failures = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        ++checks;                                                                       \
        if (!(cond)) {                                                                  \
            std::cerr << __FILE__ << ':' << __LINE__ << ": CHECK failed: " #cond "\n"; \
            ++failures;                                                                 \
        }                                                                               \
    } while (0)

// Runs f, which must throw bwvoice::Error; returns it.
template <class F>
static std::optional<bwvoice::Error> error_of(F f, int line) {
    ++checks;
    try {
        f();
    } catch (const bwvoice::Error &e) {
        return e;
    }
    std::cerr << __FILE__ << ':' << line << ": expected a bwvoice::Error\n";
    ++failures;
    return std::nullopt;
}
#define ERROR_OF(expr) error_of([&] { expr; }, __LINE__)

static std::string env(const char *name) {
    const char *value = std::getenv(name);
    if (!value) throw std::runtime_error(std::string(name) + " is not set");
    return value;
}

static bool starts_with(const std::string &s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        std::cerr << "usage: test_wrapper CALL_A CALL_B CALL_C CALL_LIMITED\n";
        return 2;
    }
    const std::string a = argv[1], b = argv[2], c = argv[3], limited = argv[4];
    const std::string account = env("BW_ACCOUNT_ID"), app = env("BW_APP_URL");

    CHECK(bwvoice::version() == std::string("bwvoice/") + BW_VERSION_STRING);
    CHECK(std::string(bwvoice::status_name(bwvoice::Status::not_found)) == "BW_ERR_NOT_FOUND");

    // Configuration errors: from the library, and the wrapper's own checks.
    bwvoice::Config cfg;
    if (auto e = ERROR_OF(bwvoice::Client{cfg})) {  // no credentials
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->attempts() == 0);
        CHECK(!e->retry_after());
    }
    cfg.base_url = env("BW_BASE_URL");
    cfg.username = std::string("us\0er", 5);
    cfg.password = env("BW_PASSWORD");
    if (auto e = ERROR_OF(bwvoice::Client{cfg})) {
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->field() == "username");
        CHECK(e->message() == "username contains a NUL character");
        CHECK(std::string(e->what()) == "BW_ERR_INVALID_ARGUMENT: username contains a NUL character");
    }
    cfg.username = env("BW_USERNAME");
    cfg.timeout = std::chrono::milliseconds(-1);
    if (auto e = ERROR_OF(bwvoice::Client{cfg})) CHECK(e->field() == "timeout_ms");
    cfg.timeout = std::chrono::milliseconds(0);

    bwvoice::Client client(cfg);

    // Tags are three-valued: text sets, nullopt keeps, "" clears (run.sh checks the result).
    bwvoice::RedirectOptions tagged;
    tagged.tag = "step-1";
    client.redirect(account, a, app + "/first", tagged);
    client.redirect(account, a, app + "/second");
    client.redirect(account, b, app + "/first", tagged);
    bwvoice::RedirectOptions clear;
    clear.tag = "";
    clear.redirect_method = bwvoice::Method::get;
    client.redirect(account, b, app + "/second", clear);

    // string_view ids need not be NUL-terminated.
    const std::string buffer = c + "-and-more";
    const std::string_view call_c(buffer.data(), c.size());
    bwvoice::ModifyCallRequest complete;
    complete.state = bwvoice::RequestedState::completed;
    client.modify_call(account, call_c, complete);

    // Server errors carry the HTTP details.
    if (auto e = ERROR_OF(client.hangup(account, call_c))) {
        CHECK(e->status() == bwvoice::Status::not_found);
        CHECK(e->http_status() == 404);
        CHECK(e->attempts() >= 1);
        CHECK(!e->error_type().empty());
        CHECK(starts_with(e->what(), "BW_ERR_NOT_FOUND: "));
        const bwvoice::Error copy = *e;
        CHECK(copy.status() == e->status() && copy.message() == e->message());
    }

    // Validation errors: nothing is sent, the field is named.
    complete.tag = "not allowed when completing";
    if (auto e = ERROR_OF(client.modify_call(account, a, complete))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->field() == "tag");
        CHECK(e->attempts() == 0);
        CHECK(e->http_status() == 0);
    }
    if (auto e = ERROR_OF(client.hangup(account, ""))) CHECK(e->field() == "call_id");
    if (auto e = ERROR_OF(client.hangup(account, std::string_view("c-1\0x", 5)))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->field() == "call_id");
    }
    const bwvoice::CallOptions bad_timeout{std::chrono::milliseconds(1LL << 40)};
    if (auto e = ERROR_OF(client.redirect(account, a, app + "/x", {}, bad_timeout)))
        CHECK(e->field() == "timeout_ms");

    // The rest of the live-call family.
    const bwvoice::CallState st = client.get_call_state(account, a, bwvoice::CallOptions{std::chrono::seconds(5)});
    CHECK(st.call_id == a && st.account_id == account);
    CHECK(st.state == "answered");
    CHECK(st.answer_time && !st.answer_time->text.empty() &&
          st.answer_time->at > std::chrono::system_clock::time_point());
    CHECK(!st.end_time && !st.disconnect_cause);
    const std::string escaped = bwvoice::xml_escape("</SpeakSentence><Transfer> & 'x'");
    CHECK(escaped == "&lt;/SpeakSentence&gt;&lt;Transfer&gt; &amp; &apos;x&apos;");
    client.update_call_bxml(account, a, "<Bxml><SpeakSentence>" + escaped + "</SpeakSentence></Bxml>");
    if (auto e = ERROR_OF(client.update_call_bxml(account, a, "<Bxml>\n<Pause></Hangup></Bxml>"))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->field() == "bxml");
        CHECK(e->message().find("line 2") != std::string::npos);
    }
    if (auto e = ERROR_OF(bwvoice::xml_escape("\x01"))) CHECK(e->field() == "text");
    // The asynchronous forms: a std::future per call, errors rethrown by get().
    auto state_of_b = client.get_call_state_async(account, b);
    auto gone = client.hangup_async(account, "c-unknown");
    CHECK(state_of_b.job_id != 0 && gone.job_id != state_of_b.job_id);
    CHECK(state_of_b.result.get().state == "answered");
    if (auto e = ERROR_OF(gone.result.get())) CHECK(e->status() == bwvoice::Status::not_found);
    if (auto e = ERROR_OF(client.update_call_bxml_async(account, a, "<Bxml>"))) {
        CHECK(e->field() == "bxml");  // thrown by the submit: nothing queued
    }
    CHECK(!client.cancel(gone.job_id));  // already completed

    if (auto e = ERROR_OF(client.pause_recording(account, a))) {
        CHECK(e->status() == bwvoice::Status::bad_request);  // no recording in progress
        CHECK(e->http_status() == 400);
    }

    // 429 with Retry-After, no retries: retry_after is filled.
    bwvoice::Config once = cfg;
    once.max_attempts = 1;
    const bwvoice::Client no_retry(once);
    if (auto e = ERROR_OF(no_retry.redirect(account, limited, app + "/first"))) {
        CHECK(e->status() == bwvoice::Status::rate_limited);
        CHECK(e->http_status() == 429);
        CHECK(e->retry_after() == std::chrono::milliseconds(1000));
        CHECK(e->attempts() == 1);
    }

    // Move-only RAII: the moved-from client has no handle and says so.
    bwvoice::Client moved(std::move(client));
    CHECK(moved.native_handle() != nullptr);
    CHECK(client.native_handle() == nullptr);
    if (auto e = ERROR_OF(client.hangup(account, a))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument);
        CHECK(e->field() == "client");
    }
    bwvoice::Client assigned(once);
    assigned = std::move(moved);
    assigned.hangup(account, a);
    const bwvoice::CallState ended = assigned.get_call_state(account, a);
    CHECK(ended.state == "disconnected" && ended.disconnect_cause == "hangup");
    CHECK(ended.end_time && ended.end_time->at >= st.answer_time->at);

    std::cout << "C++ wrapper: " << checks << " checks, " << failures << " failed\n";
    return failures == 0 ? 0 : 1;
}
