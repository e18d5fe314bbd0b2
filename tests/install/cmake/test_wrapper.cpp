// Tests of include/bwvoice.hpp against the simulator, linked with the
// installed libbwvoice.a through CMake's bwvoice::bwvoice_static.
//
//   test_wrapper CALL_A CALL_B CALL_C CALL_LIMITED CONFERENCE MEMBER_A MEMBER_B
//
// Environment: BW_BASE_URL, BW_USERNAME, BW_PASSWORD, BW_ACCOUNT_ID and
// BW_APP_URL (the simulator's webhook receiver). run.sh created the four
// answered calls, a 429 fault with Retry-After: 1 for CALL_LIMITED, and checks
// the tags afterwards: CALL_A "step-1", CALL_B cleared. CONFERENCE holds the
// answered calls MEMBER_A and MEMBER_B; this test ends it (run.sh checks that
// and its last BXML). BW_BXML_SAME is tests/data/bxml/same.
#include <bwvoice.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

static_assert(!std::is_copy_constructible_v<bwvoice::Client>, "Client is move-only");
static_assert(!std::is_copy_assignable_v<bwvoice::Client>, "Client is move-only");
static_assert(std::is_nothrow_move_constructible_v<bwvoice::Client>, "noexcept move");
static_assert(std::is_nothrow_move_assignable_v<bwvoice::Client>, "noexcept move");
static_assert(std::is_base_of_v<std::runtime_error, bwvoice::Error>, "Error is a runtime_error");
static_assert(std::is_nothrow_copy_constructible_v<bwvoice::Error>, "exceptions copy without throwing");
static_assert(!std::is_copy_constructible_v<bwvoice::Bxml>, "Bxml is move-only");
static_assert(!std::is_copy_assignable_v<bwvoice::Bxml>, "Bxml is move-only");
static_assert(std::is_nothrow_move_constructible_v<bwvoice::Bxml>, "noexcept move");
static_assert(std::is_nothrow_move_assignable_v<bwvoice::Bxml>, "noexcept move");

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

static std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// bwvoice::Bxml and check_bxml; CALL is answered and stays so.
static void test_bxml(const bwvoice::Client &client, const bwvoice::Config &cfg, const std::string &account,
                      const std::string &call) {
    // The shared ivr document, byte for byte; attributes set in any order.
    const std::string ivr = read_file(env("BW_BXML_SAME") + "/ivr.xml");
    bwvoice::Bxml doc{bwvoice::BxmlKind::response};
    doc.open("SpeakSentence").attr("voice", "julie").text("Welcome to Example Corp & \"friends\" <3.").close();
    doc.open("Gather")
        .attr("repeatCount", 2)
        .attr("maxDigits", 1u)
        .attr("gatherUrl", std::string("https://app.example/gather"))
        .attr("terminatingDigits", std::string_view("#"))
        .open("SpeakSentence")
        .text("Press 1 for sales, ")
        .ssml("<break strength='weak'/>")
        .text("2 for support.")
        .close()
        .open("PlayAudio")
        .text("https://app.example/beep.wav")
        .close()
        .close();
    doc.open("Redirect")
        .attr("tag", "menu:retry")
        .attr("redirectUrl", "https://app.example/menu")
        .attr("redirectMethod", "GET")
        .close()
        .open("Hangup")
        .close();
    CHECK(doc.render() == ivr);
    bwvoice::check_bxml(ivr, bwvoice::BxmlKind::response);

    // A failing step throws with the library's field and message and changes nothing.
    bwvoice::Bxml gather{bwvoice::BxmlKind::update_call};
    gather.open("Gather");
    if (auto e = ERROR_OF(gather.attr("maxDigits", 51))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument && e->field() == "value");
        CHECK(e->message().find("maxDigits") != std::string::npos);
        CHECK(starts_with(e->what(), "BW_ERR_INVALID_ARGUMENT: "));
    }
    if (auto e = ERROR_OF(gather.open("Hangup"))) CHECK(e->field() == "element");
    if (auto e = ERROR_OF(gather.text("x"))) CHECK(e->field() == "text");
    if (auto e = ERROR_OF(gather.render())) CHECK(e->field() == "bxml");
    if (auto e = ERROR_OF(gather.attr("tag", std::string("a\0b", 3)))) CHECK(e->field() == "value");
    if (auto e = ERROR_OF(gather.attr("tag", static_cast<const char *>(nullptr)))) CHECK(e->field() == "value");
    if (auto e = ERROR_OF(gather.attr("firstDigitTimeout", std::numeric_limits<double>::infinity())))
        CHECK(e->field() == "value");
    gather.attr("maxDigits", 5).attr("interDigitTimeout", 10.0).attr("firstDigitTimeout", 2.5);
    gather.append_json(R"([["SpeakSentence", {}, "Your PIN"]])").close();
    if (auto e = ERROR_OF(gather.append_json(R"([["Gather", {"maxDigits": 99}]])"))) CHECK(e->field() == "value");
    if (auto e = ERROR_OF(gather.close())) CHECK(e->field() == "bxml");  // nothing open
    const std::string pin = gather.render();
    CHECK(pin == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Bxml><Gather maxDigits=\"5\" "
                 "interDigitTimeout=\"10\" firstDigitTimeout=\"2.5\"><SpeakSentence>Your PIN</SpeakSentence>"
                 "</Gather></Bxml>");
    client.update_call_bxml(account, call, pin);

    // Unknown verbs: booleans and numbers as text, attributes by name.
    bwvoice::Bxml any{bwvoice::BxmlKind::update_call, true};
    any.open("NewVerb").attr("on", true).attr("off", false).attr("n", -3).attr("x", 0.5).text("t").close();
    CHECK(any.render() == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Bxml><NewVerb n=\"-3\" off=\"false\" "
                          "on=\"true\" x=\"0.5\">t</NewVerb></Bxml>");
    if (auto e = ERROR_OF(bwvoice::Bxml(bwvoice::BxmlKind::update_call).open("NewVerb")))
        CHECK(e->field() == "element");

    // check_bxml: the position of the problem; unknown verbs only when let through.
    if (auto e = ERROR_OF(bwvoice::check_bxml("<Response>\n  <Gather maxDigits=\"51\"/>\n</Response>",
                                              bwvoice::BxmlKind::response))) {
        CHECK(e->field() == "bxml");
        CHECK(e->message().find("line 2, column 3") != std::string::npos);
    }
    if (auto e = ERROR_OF(bwvoice::check_bxml(ivr, bwvoice::BxmlKind::update_call))) CHECK(e->field() == "bxml");
    const std::string_view unknown = "<Bxml><NewVerb/></Bxml>";
    if (auto e = ERROR_OF(bwvoice::check_bxml(unknown, bwvoice::BxmlKind::update_call))) CHECK(e->field() == "bxml");
    bwvoice::check_bxml(unknown, bwvoice::BxmlKind::update_call, true);
    if (auto e = ERROR_OF(bwvoice::check_bxml(std::string("<Bxml/>\0", 8), bwvoice::BxmlKind::update_call)))
        CHECK(e->field() == "document");

    // Config::allow_unknown_bxml_verbs: the same document is refused before sending, or sent.
    if (auto e = ERROR_OF(client.update_call_bxml(account, call, std::string(unknown)))) {
        CHECK(e->field() == "bxml" && e->attempts() == 0);
    }
    bwvoice::Config lenient = cfg;
    lenient.allow_unknown_bxml_verbs = true;
    bwvoice::Client(lenient).update_call_bxml(account, call, std::string(unknown));

    // Move-only: the moved-from document holds nothing and says so.
    bwvoice::Bxml moved(std::move(doc));
    CHECK(moved.render() == ivr && doc.native_handle() == nullptr);
    if (auto e = ERROR_OF(doc.open("Hangup"))) CHECK(e->field() == "bxml");
    doc = std::move(gather);
    CHECK(doc.render() == pin && gather.native_handle() == nullptr);
}

// createCall, listCalls and the conference operations: each blocking and async.
static void test_calls_and_conferences(const bwvoice::Client &client, const std::string &account,
                                       const std::string &app, const std::string &conf, const std::string &ma,
                                       const std::string &mb) {
    bwvoice::CreateCallRequest req;
    req.to = "+15555550100";
    req.from = "+15550002000";
    req.application_id = "app-cpp";
    req.answer_url = app + "/answer";
    req.tag = "cpp-1";
    req.call_timeout = std::chrono::seconds(45);
    req.priority = 2;
    bwvoice::MachineDetection detection;
    detection.mode = bwvoice::MachineDetectionMode::sync;
    detection.detection_timeout = std::chrono::seconds(15);
    req.machine_detection = detection;
    const bwvoice::CreatedCall first = client.create_call(account, req);
    CHECK(starts_with(first.call_id, "c-") && first.call_url.find(first.call_id) != std::string::npos);
    CHECK(first.account_id == account && first.application_id == "app-cpp");
    CHECK(first.to == req.to && first.from == req.from && first.answer_url == req.answer_url);
    CHECK(first.tag == "cpp-1" && first.priority == 2 && first.answer_method == "POST");
    CHECK(first.call_timeout == std::chrono::seconds(45) && first.callback_timeout == std::chrono::seconds(15));
    CHECK(first.enqueued_time && first.enqueued_time->at > std::chrono::system_clock::time_point());
    CHECK(!first.username && !first.answer_fallback_url);
    const bwvoice::CreatedCall second = client.create_call_async(account, req).result.get();
    CHECK(starts_with(second.call_id, "c-") && second.call_id != first.call_id);
    req.priority = 9;
    if (auto e = ERROR_OF(client.create_call(account, req))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument && e->field() == "priority");
        CHECK(e->attempts() == 0);
    }
    if (auto e = ERROR_OF(client.create_call_async(account, req))) CHECK(e->field() == "priority");
    req.priority = 0;
    req.to = std::string("+15555550100\0", 13);
    if (auto e = ERROR_OF(client.create_call(account, req))) CHECK(e->field() == "to");

    // Two pages of one call each: every call once, oldest first.
    bwvoice::ListCallsQuery query;
    query.from = "+15550002000";
    query.page_size = 1;
    std::vector<std::string> seen;
    const std::size_t n = client.list_all_calls(
        account, query, [&](const bwvoice::CallState &call) { seen.push_back(call.call_id.value_or("")); });
    CHECK(n == 2 && seen == (std::vector<std::string>{first.call_id, second.call_id}));
    // run.sh makes the server link account loop-pages to the same page again
    // and again: an error, not an endless walk.
    if (auto e = ERROR_OF(client.list_all_calls("loop-pages", bwvoice::ListCallsQuery(),
                                                [](const bwvoice::CallState &) {})))
        CHECK(e->status() == bwvoice::Status::protocol);
    const bwvoice::CallPage page = client.list_calls(account, query);
    CHECK(page.calls.size() == 1 && page.calls[0].call_id == first.call_id && page.next_page_token);
    query.page_token = page.next_page_token;
    const bwvoice::CallPage last = client.list_calls_async(account, query).result.get();
    CHECK(last.calls.size() == 1 && last.calls[0].call_id == second.call_id && !last.next_page_token);
    CHECK(last.calls[0].from == "+15550002000" && last.calls[0].direction == "outbound");
    query.page_size = 10001;
    if (auto e = ERROR_OF(client.list_calls(account, query))) CHECK(e->field() == "page_size");

    const bwvoice::Conference room = client.get_conference(account, conf);
    CHECK(room.id == conf && room.name == "install-test" && room.created_time && !room.completed_time);
    CHECK(room.active_members.size() == 2);
    for (const bwvoice::ConferenceMember &m : room.active_members) {
        CHECK(m.conference_id == conf && (m.call_id == ma || m.call_id == mb));
        CHECK(m.mute == false && m.hold == false && m.call_ids_to_coach.empty());
        CHECK(m.member_url && m.member_url->find("/members/" + m.call_id.value_or("?")) != std::string::npos);
    }
    bwvoice::UpdateConferenceMemberRequest mute;
    mute.mute = true;
    mute.call_ids_to_coach = std::vector<std::string>{mb};
    client.update_conference_member(account, conf, ma, mute);
    const bwvoice::ConferenceMember muted = client.get_conference_member(account, conf, ma);
    CHECK(muted.call_id == ma && muted.mute == true && muted.hold == false);
    CHECK(muted.call_ids_to_coach == std::vector<std::string>{mb});
    bwvoice::UpdateConferenceMemberRequest hold;
    hold.hold = true;
    hold.call_ids_to_coach = std::vector<std::string>{};  // coach no one
    client.update_conference_member_async(account, conf, ma, hold).result.get();
    const bwvoice::ConferenceMember held = client.get_conference_member_async(account, conf, ma).result.get();
    CHECK(held.mute == true && held.hold == true && held.call_ids_to_coach.empty());
    if (auto e = ERROR_OF(client.update_conference_member(account, conf, ma, {}))) CHECK(e->field() == "req");
    hold.call_ids_to_coach = std::vector<std::string>(21, mb);
    if (auto e = ERROR_OF(client.update_conference_member_async(account, conf, ma, hold)))
        CHECK(e->field() == "call_ids_to_coach_len");
    const bwvoice::Conference seen_muted = client.get_conference_async(account, conf).result.get();
    CHECK(seen_muted.active_members.size() == 2);

    client.update_conference_bxml(account, conf, "<Bxml><SpeakSentence>hi</SpeakSentence></Bxml>");
    bwvoice::Bxml music{bwvoice::BxmlKind::update_conference};
    music.open("PlayAudio").text("https://app.example/hold.wav").close();
    client.update_conference_bxml_async(account, conf, music.render()).result.get();
    if (auto e = ERROR_OF(client.update_conference_bxml(account, conf, "<Bxml>"))) CHECK(e->field() == "bxml");
    bwvoice::UpdateConferenceRequest redirect;
    redirect.redirect_url = app + "/conference-next";
    redirect.redirect_method = bwvoice::Method::get;
    client.update_conference(account, conf, redirect);
    bwvoice::UpdateConferenceRequest end;
    end.status = bwvoice::ConferenceStatus::completed;
    if (auto e = ERROR_OF(client.update_conference(account, conf, [&] {
            bwvoice::UpdateConferenceRequest both = redirect;
            both.status = bwvoice::ConferenceStatus::completed;
            return both;
        }())))
        CHECK(e->field() == "redirect_url");
    client.update_conference_async(account, conf, end).result.get();
    const bwvoice::Conference ended = client.get_conference(account, conf);
    CHECK(ended.completed_time && ended.active_members.empty());
    if (auto e = ERROR_OF(client.get_conference(account, "conf-unknown")))
        CHECK(e->status() == bwvoice::Status::not_found);
    auto gone = client.get_conference_member_async(account, conf, ma);
    if (auto e = ERROR_OF(gone.result.get())) CHECK(e->status() == bwvoice::Status::not_found);
}

// parse_callback(_query), check_callback_auth, callback_challenge: no network.
static void test_callbacks() {
    const std::string body = R"({"eventType":"gather","accountId":"9911223","callId":"c-abc","from":"Restricted",
        "to":"+19195550122","direction":"inbound","eventTime":"2023-03-04T10:01:00.000Z","startTime":null,
        "digits":"0471","terminatingDigit":"#","tag":"menu","channels":2,"brandNew":[1]})";
    const std::string buffer = body + "trailing bytes";  // a view of the body alone: no NUL after it
    const bwvoice::Callback g = bwvoice::parse_callback(std::string_view(buffer.data(), body.size()));
    CHECK(g.event == bwvoice::CallbackEvent::gather && g.event_type == "gather");
    CHECK(g.call_id == "c-abc" && g.from == "Restricted" && g.direction == "inbound" && g.tag == "menu");
    CHECK(g.digits == "0471" && g.terminating_digit == "#" && g.channels == 2 && !g.sip_response_code);
    CHECK(g.event_time && g.event_time->text == "2023-03-04T10:01:00.000Z" &&
          g.event_time->at == std::chrono::system_clock::time_point(std::chrono::milliseconds(1677924060000LL)));
    CHECK(!g.start_time && !g.application_id && !g.transcription && g.diversion.empty());

    const bwvoice::Callback i = bwvoice::parse_callback(
        R"({"eventType":"initiate","diversion":{"reason":"no-answer","origTo":"+19195550166"},
            "sipHeaders":{"x-trace":"t 1"},"machineDetectionResult":{"value":"human","duration":"PT4.98S"}})");
    CHECK(i.event == bwvoice::CallbackEvent::initiate);
    CHECK((i.diversion == bwvoice::KeyValues{{"origTo", "+19195550166"}, {"reason", "no-answer"}}));
    CHECK((i.sip_headers == bwvoice::KeyValues{{"x-trace", "t 1"}}));
    CHECK(i.machine_detection_result && i.machine_detection_result->value == "human" &&
          i.machine_detection_result->duration == "PT4.98S");
    const bwvoice::Callback s = bwvoice::parse_callback(
        R"({"eventType":"realtimeTranscriptionStopped","mediaStream":{"id":"s-1","type":"WebSocket",
            "tracks":["inbound","outbound"]},"realtimeTranscription":{"id":"t-7","stabilized":"true"}})");
    CHECK(s.event == bwvoice::CallbackEvent::real_time_transcription_stopped);
    CHECK(s.media_stream && s.media_stream->stream_type == "WebSocket" &&
          (s.media_stream->tracks == std::vector<std::string>{"inbound", "outbound"}));
    CHECK(s.real_time_transcription && s.real_time_transcription->id == "t-7" &&
          s.real_time_transcription->stabilized == true && !s.original_transcription);
    const bwvoice::Callback q = bwvoice::parse_callback_query("?eventType=dtmf&digit=%23&tag=two+words");
    CHECK(q.event == bwvoice::CallbackEvent::dtmf && q.digit == "#" && q.tag == "two words");
    CHECK(bwvoice::parse_callback(R"({"eventType":"somethingNew"})").event == bwvoice::CallbackEvent::unknown);

    if (auto e = ERROR_OF(bwvoice::parse_callback(R"({"eventType":"dtmf","from":15551234567})"))) {
        CHECK(e->status() == bwvoice::Status::invalid_argument && e->field() == "from");
    }
    if (auto e = ERROR_OF(bwvoice::parse_callback(""))) CHECK(e->field() == "body");
    if (auto e = ERROR_OF(bwvoice::parse_callback(R"({"digits":"1"})"))) CHECK(e->field() == "event_type");
    if (auto e = ERROR_OF(bwvoice::parse_callback_query(std::string_view("eventType=a\0b", 13))))
        CHECK(e->field() == "query");

    using bwvoice::CallbackAuth;
    CHECK(bwvoice::check_callback_auth("Basic dXNlcjpwYXNz", "user", "pass") == CallbackAuth::ok);  // user:pass
    CHECK(bwvoice::check_callback_auth(std::nullopt, "user", "pass") == CallbackAuth::challenge);
    CHECK(bwvoice::check_callback_auth("Bearer abc", "user", "pass") == CallbackAuth::challenge);
    CHECK(bwvoice::check_callback_auth("Basic dXNlcjp3cm9uZw==", "user", "pass") == CallbackAuth::refused);
    if (auto e = ERROR_OF(bwvoice::check_callback_auth("Basic dXNlcjpwYXNz", "user", ""))) {
        CHECK(e->field() == "password" && e->message().find("pass ") == std::string::npos);
    }
    CHECK(bwvoice::callback_challenge("voice") == "Basic realm=\"voice\"");
    CHECK(bwvoice::callback_challenge("a \"b\"") == "Basic realm=\"a \\\"b\\\"\"");
    if (auto e = ERROR_OF(bwvoice::callback_challenge("caf\xc3\xa9"))) CHECK(e->field() == "realm");
}

int main(int argc, char **argv) {
    if (argc != 8) {
        std::cerr << "usage: test_wrapper CALL_A CALL_B CALL_C CALL_LIMITED CONFERENCE MEMBER_A MEMBER_B\n";
        return 2;
    }
    const std::string a = argv[1], b = argv[2], c = argv[3], limited = argv[4];
    const std::string conference = argv[5], member_a = argv[6], member_b = argv[7];
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

    test_bxml(client, cfg, account, a);
    test_callbacks();
    test_calls_and_conferences(client, account, app, conference, member_a, member_b);

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
