/*
 * bwvoice.hpp: header-only C++17 wrapper of the bwvoice C API (bwvoice.h).
 * SPDX-License-Identifier: MIT
 *
 *     bwvoice::Config cfg;
 *     cfg.client_id = "my-client-id";
 *     cfg.client_secret = "my-client-secret";
 *     bwvoice::Client bw(cfg);
 *
 *     bwvoice::RedirectOptions opts;
 *     opts.tag = "step-2";                     // std::nullopt: not sent, "": clears it
 *     bw.redirect("9900000", call_id, "https://app.example/bxml/next", opts);
 *     bwvoice::CallState st = bw.get_call_state("9900000", call_id);
 *     if (st.state == "answered")
 *         bw.update_call_bxml("9900000", call_id,
 *             "<Bxml><SpeakSentence>" + bwvoice::xml_escape(caller_text) +
 *             "</SpeakSentence></Bxml>");
 *     bw.pause_recording("9900000", call_id);     // e.g. while a card number is read
 *     bw.resume_recording("9900000", call_id);
 *     try {
 *         bw.hangup("9900000", other_call_id, bwvoice::CallOptions{std::chrono::seconds(2)});
 *     } catch (const bwvoice::Error &e) {
 *         if (e.status() != bwvoice::Status::not_found) throw;   // already ended
 *     }
 *
 *     bwvoice::CreateCallRequest call;            // createCall: never re-sent (see create_call)
 *     call.to = "+15555551212";
 *     call.from = "+19195551234";
 *     call.application_id = "my-application-id";
 *     call.answer_url = "https://app.example/bxml/answer";
 *     call.tag = "order-42";
 *     const bwvoice::CreatedCall placed = bw.create_call("9900000", call);
 *     bwvoice::ListCallsQuery mine;
 *     mine.to = call.to;
 *     bw.list_all_calls("9900000", mine, [](const bwvoice::CallState &c) { ... });  // every page
 *     bwvoice::UpdateConferenceMemberRequest mute;
 *     mute.mute = true;                           // nullopt: leave as it is
 *     bw.update_conference_member("9900000", conference_id, placed.call_id, mute);
 *
 *     bwvoice::Bxml doc{bwvoice::BxmlKind::update_call};   // checked step by step
 *     doc.open("SpeakSentence").attr("voice", "julie").text(caller_text).close();
 *     bw.update_call_bxml("9900000", call_id, doc.render());
 *
 * Choices:
 * - Failures throw bwvoice::Error (a std::runtime_error) with every detail of
 *   the C library's bw_error; what() is "<STATUS NAME>: <message>". Success
 *   returns normally, with the operation's value if it has one.
 * - Every operation takes a CallOptions last (default: the client's
 *   settings); its timeout caps the client's budget for that call.
 * - Optional strings are std::optional<std::string>: std::nullopt is "not set,
 *   not sent" (NULL in C). For `tag` the three values matter: nullopt leaves
 *   the call's tag alone, "" clears it, text sets it.
 * - Ids and URLs passed as arguments are std::string_view. A string_view need
 *   not be NUL-terminated, so each is copied into a std::string before it is
 *   handed to C. A string containing a NUL character is rejected with
 *   Status::invalid_argument (C would silently see a shorter string, e.g.
 *   another call's id); nothing is sent.
 * - Durations are std::chrono::milliseconds; zero means the library's default.
 *   Negative values or more than 2^32-1 ms are Status::invalid_argument.
 * - Optional booleans (mute, hold, privacy) are std::optional<bool>: nullopt
 *   is "not sent" in a request (BW_BOOL_UNSET) and "not reported" in a result.
 *   The seconds of "Create call" are bwvoice::Seconds
 *   (std::chrono::duration<double>); zero is "not sent". The library checks
 *   every rule (ranges, whole seconds); the wrapper only converts.
 * - Results (CallState, CreatedCall, CallPage, Conference, ConferenceMember)
 *   are plain values: the C result is copied and freed inside.
 * - Client is move-only RAII around bw_client*, freed with bw_free. A
 *   moved-from Client holds no handle; calls on it throw
 *   Status::invalid_argument (field "client"). Its methods are const and,
 *   like the C API, safe to call from many threads at once; destroy or
 *   move-assign a Client only after every call on it has returned.
 * - Bxml builds a document with fluent calls (open/attr/text/ssml/close),
 *   each checked by the library as it is made; a step that fails throws
 *   Error and leaves the document as it was. check_bxml checks a document
 *   written by hand.
 * - parse_callback / parse_callback_query copy a webhook into a Callback
 *   value; check_callback_auth gives the CallbackAuth verdict and
 *   callback_challenge the WWW-Authenticate value of the 401 it asks for.
 * - Error is cheap and noexcept to copy (its details are shared), as an
 *   exception type should be.
 * - Everything is inline; the only binary interface is the C one, so this
 *   header works with any C++17 compiler and standard library.
 */
#ifndef BWVOICE_HPP
#define BWVOICE_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <future>
#include <iomanip>
#include <limits>
#include <locale>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "bwvoice.h"

namespace bwvoice {

/** Result codes of the C API (`BW_OK`, `BW_ERR_*`); values are stable. */
enum class Status : bw_status {
    ok = BW_OK,
    invalid_argument = BW_ERR_INVALID_ARGUMENT,
    unauthorized = BW_ERR_UNAUTHORIZED,
    forbidden = BW_ERR_FORBIDDEN,
    not_found = BW_ERR_NOT_FOUND,
    conflict = BW_ERR_CONFLICT,
    rate_limited = BW_ERR_RATE_LIMITED,
    bad_request = BW_ERR_BAD_REQUEST,
    server = BW_ERR_SERVER,
    timeout = BW_ERR_TIMEOUT,
    connect = BW_ERR_CONNECT,
    tls = BW_ERR_TLS,
    protocol = BW_ERR_PROTOCOL,
    internal = BW_ERR_INTERNAL,
    busy = BW_ERR_BUSY,
    cancelled = BW_ERR_CANCELLED,
};

/** `"BW_ERR_NOT_FOUND"` etc.; `"BW_ERR_UNKNOWN"` for a value this library does not know. */
inline const char *status_name(Status status) noexcept {
    return bw_status_str(static_cast<bw_status>(status));
}

/** The library's version, e.g. `"bwvoice/0.2.0"`. */
inline std::string_view version() noexcept { return bw_version(); }

/** `state` of "Update active call" (what to ask for; compare CallState::state for what is). */
enum class RequestedState : std::int32_t {
    unset = BW_CALL_STATE_UNSET,         ///< not sent (the call stays active)
    active = BW_CALL_STATE_ACTIVE,       ///< needs redirect_url
    completed = BW_CALL_STATE_COMPLETED  ///< hang up / cancel
};

/** HTTP method Bandwidth uses to fetch a redirect URL. */
enum class Method : std::int32_t {
    unset = BW_METHOD_UNSET,  ///< not sent (Bandwidth's default, POST)
    get = BW_METHOD_GET,
    post = BW_METHOD_POST
};

/** Which certificate authorities to trust. */
enum class TlsRoots : std::int32_t {
    bundled = BW_TLS_ROOTS_BUNDLED,  ///< Mozilla's roots, built into the library
    system = BW_TLS_ROOTS_SYSTEM     ///< the operating system's store
};

/** What a bwvoice::Event reports (see bw_event.kind). */
enum class EventKind : std::int32_t {
    attempt_end = BW_EVENT_ATTEMPT_END,
    retry_scheduled = BW_EVENT_RETRY_SCHEDULED,
    retry_denied = BW_EVENT_RETRY_DENIED,
    token_fetch = BW_EVENT_TOKEN_FETCH,
    call_end = BW_EVENT_CALL_END
};

/** One fact about a call (see bw_event); the views are valid during the hook only. */
struct Event {
    EventKind kind;
    std::string_view operation, http_request_method, url_template, account_id, call_id, server_address;
    std::uint32_t server_port, attempt;
    int http_response_status_code;
    Status status;
    std::string_view error_type, retry_reason;
    std::chrono::milliseconds retry_delay;
    std::chrono::microseconds duration;
    bool connection_reused;
    /// The conference the operation acts on; empty outside conferences.
    std::string_view conference_id;
};

/** Client settings (see bw_client_config). Give exactly one kind of credentials. */
struct Config {
    std::optional<std::string> base_url;  ///< default https://voice.bandwidth.com/api/v2
    std::optional<std::string> username;  ///< Basic auth ("API user")
    std::optional<std::string> password;
    std::optional<std::string> client_id;  ///< OAuth2 client credentials
    std::optional<std::string> client_secret;
    std::optional<std::string> token_url;  ///< default https://api.bandwidth.com/api/v1/oauth2/token
    std::chrono::milliseconds connect_timeout{0};  ///< 0: 5 s
    std::chrono::milliseconds timeout{0};          ///< whole call, retries included; 0: 30 s
    std::uint32_t max_attempts = 0;                ///< first try included; 0: 3
    bool retry_non_idempotent = false;             ///< also retry redirects the server may have acted on (never create_call)
    TlsRoots tls_roots = TlsRoots::bundled;
    std::optional<std::string> ca_file;  ///< trust only this PEM file's CAs
    std::optional<std::string> proxy;    ///< e.g. http://proxy.example:3128
    bool proxy_from_env = false;         ///< use HTTPS_PROXY / NO_PROXY
    std::optional<std::string> user_agent_suffix;
    std::uint32_t max_concurrency = 0;  ///< asynchronous calls running at once; 0: 64
    std::uint32_t max_queued = 0;       ///< asynchronous calls waiting; 0: 10,000
    std::uint32_t retry_budget = 0;     ///< retry budget capacity; 0: 500, BW_RETRY_BUDGET_OFF: none
    /**
     * Told of every attempt, retry, token fetch and call end, on the thread
     * making the call. Must return quickly; an exception it throws is dropped.
     */
    std::function<void(const Event &)> on_event;
    /** Let BXML verbs this library does not know through update_call_bxml / update_conference_bxml's check. */
    bool allow_unknown_bxml_verbs = false;
};

/** Client::redirect's optional parameters: those of "Update active call" but state and redirect_url. */
struct RedirectOptions {
    Method redirect_method = Method::unset;
    std::optional<std::string> username;  ///< Basic auth for redirect_url
    std::optional<std::string> password;
    std::optional<std::string> tag;  ///< nullopt: keep, "": clear, text: set
    std::optional<std::string> redirect_fallback_url;
    Method redirect_fallback_method = Method::unset;
    std::optional<std::string> fallback_username;
    std::optional<std::string> fallback_password;
};

/** Every parameter of "Update active call" (see bw_modify_call_request): RedirectOptions and these. */
struct ModifyCallRequest : RedirectOptions {
    RequestedState state = RequestedState::unset;
    std::optional<std::string> redirect_url;  ///< required unless completing
};

/** Settings of one call (see bw_call_options); every operation takes one. */
struct CallOptions {
    /** At most this long for this call; the client's timeout still applies when shorter. 0: the client's. */
    std::chrono::milliseconds timeout{0};
};

/** A time the server reported: its RFC 3339 text and the instant. */
struct Time {
    std::string text;
    std::chrono::system_clock::time_point at;
};

/**
 * A call's state (see bw_call_state). std::nullopt: the server sent null or
 * nothing. `state`, `direction` and `disconnect_cause` are the server's text:
 * Bandwidth may add values, so treat an unknown one as "other".
 */
struct CallState {
    std::optional<std::string> call_id, account_id, application_id, parent_call_id;
    std::optional<std::string> to, from, direction, state;
    std::optional<Time> enqueued_time, start_time, answer_time, end_time, last_update;
    std::optional<std::string> disconnect_cause, error_message, error_id, identity;
    std::vector<std::pair<std::string, std::string>> stir_shaken;  ///< sorted by key
};

/** An optional boolean of a request or a result: std::nullopt is "not sent" / "not reported". */
using OptionalBool = std::optional<bool>;

/** Seconds, as "Create call" takes them (decimals allowed where Bandwidth allows them). */
using Seconds = std::chrono::duration<double>;

/** bw_machine_detection.mode. */
enum class MachineDetectionMode : std::int32_t {
    unset = BW_MACHINE_DETECTION_UNSET,  ///< not sent (Bandwidth's default: async)
    sync = BW_MACHINE_DETECTION_SYNC,    ///< the answer webhook carries the result
    async = BW_MACHINE_DETECTION_ASYNC   ///< a machineDetectionComplete webhook to callback_url
};

/** Answering-machine detection of CreateCallRequest (see bw_machine_detection); zero/nullopt: not sent. */
struct MachineDetection {
    MachineDetectionMode mode = MachineDetectionMode::unset;
    Seconds detection_timeout{0}, silence_timeout{0}, speech_threshold{0}, speech_end_threshold{0},
        machine_speech_end_threshold{0};  ///< whole seconds only
    OptionalBool delay_result;
    std::optional<std::string> callback_url;  ///< required in async mode
    Method callback_method = Method::unset;
    std::optional<std::string> username, password;
    std::optional<std::string> fallback_url;
    Method fallback_method = Method::unset;
    std::optional<std::string> fallback_username, fallback_password;
};

/**
 * Every parameter of "Create call" (see bw_create_call_request): the four
 * required strings, then optional ones (nullopt, zero and Method::unset are
 * not sent).
 */
struct CreateCallRequest {
    std::string to;              ///< E.164 or a SIP URI
    std::string from;            ///< a number of the account, E.164
    std::string application_id;  ///< the application of `from`
    std::string answer_url;      ///< absolute http(s); https when username is set
    Method answer_method = Method::unset;
    std::optional<std::string> username, password;  ///< Basic auth for answer_url
    std::optional<std::string> answer_fallback_url;
    Method answer_fallback_method = Method::unset;
    std::optional<std::string> fallback_username, fallback_password;
    std::optional<std::string> disconnect_url;
    Method disconnect_method = Method::unset;
    OptionalBool privacy;
    std::optional<std::string> display_name, uui;
    Seconds call_timeout{0};      ///< 1 to 300; 0: not sent (Bandwidth's 30)
    Seconds callback_timeout{0};  ///< 1 to 25; 0: not sent (Bandwidth's 15)
    std::uint32_t priority = 0;   ///< 1 to 5; 0: not sent (Bandwidth's 5)
    std::optional<std::string> tag;  ///< sent with every webhook of the call (see Client::create_call)
    std::optional<MachineDetection> machine_detection;
};

/** What "Create call" answered (see bw_created_call); zero: not reported. */
struct CreatedCall {
    std::string call_id, account_id, application_id, to, from, call_url;
    std::optional<Time> enqueued_time;
    Seconds call_timeout{0}, callback_timeout{0};
    std::uint32_t priority = 0;
    std::optional<std::string> tag, answer_url, answer_method, answer_fallback_url, answer_fallback_method;
    std::optional<std::string> disconnect_url, disconnect_method;
    std::optional<std::string> username, password, fallback_username, fallback_password;  ///< passwords masked
};

/** Which calls Client::list_calls reads (see bw_list_calls_query); nullopt / 0: no filter. */
struct ListCallsQuery {
    std::optional<std::string> to, from;
    std::optional<std::string> min_start_time, max_start_time;  ///< RFC 3339, inclusive
    std::optional<std::string> disconnect_cause;
    std::uint32_t page_size = 0;            ///< 1 to 10000; 0: Bandwidth's 1000
    std::optional<std::string> page_token;  ///< nullopt: the first page
};

/** One page of calls, oldest first; next_page_token is nullopt on the last page. */
struct CallPage {
    std::vector<CallState> calls;
    std::optional<std::string> next_page_token;
};

/** A conference member (see bw_conference_member); its id is its call_id. */
struct ConferenceMember {
    std::optional<std::string> call_id, conference_id, member_url;
    OptionalBool mute, hold;  ///< nullopt: not reported
    std::vector<std::string> call_ids_to_coach;
};

/** A conference and its active members (see bw_conference). */
struct Conference {
    std::optional<std::string> id, name;
    std::optional<Time> created_time, completed_time;  ///< completed_time: nullopt while it goes on
    std::optional<std::string> conference_event_url, conference_event_method, tag;
    std::vector<ConferenceMember> active_members;
};

/** bw_update_conference_request.status. */
enum class ConferenceStatus : std::int32_t {
    unset = BW_CONFERENCE_STATUS_UNSET,         ///< not sent (a redirect)
    active = BW_CONFERENCE_STATUS_ACTIVE,       ///< needs redirect_url
    completed = BW_CONFERENCE_STATUS_COMPLETED  ///< end it; no redirect field allowed
};

/** Every parameter of "Update conference" (see bw_update_conference_request). */
struct UpdateConferenceRequest {
    ConferenceStatus status = ConferenceStatus::unset;
    std::optional<std::string> redirect_url;  ///< required unless completing
    Method redirect_method = Method::unset;
    std::optional<std::string> username, password;
    std::optional<std::string> redirect_fallback_url;
    Method redirect_fallback_method = Method::unset;
    std::optional<std::string> fallback_username, fallback_password;
};

/** "Update conference member": nullopt leaves that setting as it is. */
struct UpdateConferenceMemberRequest {
    OptionalBool mute, hold;
    /** nullopt: unchanged; an empty vector: coach no one. At most 20. */
    std::optional<std::vector<std::string>> call_ids_to_coach;
};

/**
 * An asynchronous call: its result (ready when the call completes, exactly
 * once; an Error is rethrown by get()) and its id for Client::cancel.
 */
template <class T>
struct Pending {
    std::future<T> result;
    std::uint64_t job_id = 0;
};

/** A failed call: the details of the C library's bw_error. */
class Error : public std::runtime_error {
public:
    explicit Error(const bw_error &err)
        : std::runtime_error(std::string(bw_status_str(err.status)) + ": " + text(err.message)),
          d_(std::make_shared<const Detail>(Detail{
              static_cast<Status>(err.status), err.http_status,
              err.retry_after_ms >= 0
                  ? std::optional<std::chrono::milliseconds>(std::chrono::milliseconds(err.retry_after_ms))
                  : std::nullopt,
              err.attempts, text(err.field), text(err.error_type), text(err.description),
              text(err.error_id), text(err.message), err.maybe_applied})) {}

    Status status() const noexcept { return d_->status; }
    /** HTTP status of the final response; 0 if there was none. */
    int http_status() const noexcept { return d_->http_status; }
    /** The server's Retry-After (capped at 30 s), if it sent one. */
    std::optional<std::chrono::milliseconds> retry_after() const noexcept { return d_->retry_after; }
    /** HTTP attempts made, retries included; 0 if nothing was sent. */
    std::uint32_t attempts() const noexcept { return d_->attempts; }
    /** For Status::invalid_argument: the offending argument or field, named as in bwvoice.h. */
    const std::string &field() const noexcept { return d_->field; }
    /** Bandwidth's error `type` (e.g. "validation"), if the server sent one. */
    const std::string &error_type() const noexcept { return d_->error_type; }
    /** Bandwidth's error `description`, if the server sent one. */
    const std::string &description() const noexcept { return d_->description; }
    /** Bandwidth's error `id`, if the server sent a non-empty one. */
    const std::string &error_id() const noexcept { return d_->error_id; }
    /** The library's explanation, without the status name what() starts with. */
    const std::string &message() const noexcept { return d_->message; }
    /** The call failed, but the request may have reached the server and taken effect. */
    bool maybe_applied() const noexcept { return d_->maybe_applied; }

private:
    struct Detail {
        Status status;
        int http_status;
        std::optional<std::chrono::milliseconds> retry_after;
        std::uint32_t attempts;
        std::string field, error_type, description, error_id, message;
        bool maybe_applied;
    };
    template <std::size_t N>
    static std::string text(const char (&s)[N]) {
        return std::string(s, static_cast<std::size_t>(std::find(s, s + N, '\0') - s));
    }
    std::shared_ptr<const Detail> d_;
};

namespace detail {

template <std::size_t N>
inline void copy_text(char (&dst)[N], std::string_view s) noexcept {
    const std::size_t n = std::min(N - 1, s.size());
    std::memcpy(dst, s.data(), n);
    dst[n] = '\0';
}

/** Throws the same kind of error the C library gives for a bad argument. */
[[noreturn]] inline void invalid_argument(const char *field, std::string_view problem) {
    bw_error err = BW_ERROR_INIT;
    err.status = BW_ERR_INVALID_ARGUMENT;
    err.retry_after_ms = -1;
    copy_text(err.field, field);
    copy_text(err.message, std::string(field) + " " + std::string(problem));
    throw Error(err);
}

inline void check_no_nul(std::string_view s, const char *field) {
    if (s.find('\0') != std::string_view::npos) invalid_argument(field, "contains a NUL character");
}

/** A NUL-terminated copy of an argument. */
inline std::string c_string(std::string_view s, const char *field) {
    check_no_nul(s, field);
    return std::string(s);
}

/** NULL for nullopt, else the string (which std::string keeps NUL-terminated). */
inline const char *c_ptr(const std::optional<std::string> &s, const char *field) {
    if (!s) return nullptr;
    check_no_nul(*s, field);
    return s->c_str();
}

inline std::uint32_t c_ms(std::chrono::milliseconds d, const char *field) {
    using rep = std::chrono::milliseconds::rep;
    if (d.count() < 0 || d.count() > static_cast<rep>(std::numeric_limits<std::uint32_t>::max()))
        invalid_argument(field, "must be between 0 and 4294967295 ms");
    return static_cast<std::uint32_t>(d.count());
}

inline bw_call_options c_options(const CallOptions &opts) {
    bw_call_options o = BW_CALL_OPTIONS_INIT;
    o.timeout_ms = c_ms(opts.timeout, "timeout_ms");
    return o;
}

/** The C view of `req`; its strings point into `req`. */
inline bw_modify_call_request c_request(const ModifyCallRequest &req) {
    bw_modify_call_request r = BW_MODIFY_CALL_REQUEST_INIT;
    r.state = static_cast<std::int32_t>(req.state);
    r.redirect_url = c_ptr(req.redirect_url, "redirect_url");
    r.redirect_method = static_cast<std::int32_t>(req.redirect_method);
    r.username = c_ptr(req.username, "username");
    r.password = c_ptr(req.password, "password");
    r.tag = c_ptr(req.tag, "tag");
    r.redirect_fallback_url = c_ptr(req.redirect_fallback_url, "redirect_fallback_url");
    r.redirect_fallback_method = static_cast<std::int32_t>(req.redirect_fallback_method);
    r.fallback_username = c_ptr(req.fallback_username, "fallback_username");
    r.fallback_password = c_ptr(req.fallback_password, "fallback_password");
    return r;
}

inline std::optional<std::string> text_of(const char *s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

inline std::optional<Time> time_of(const char *text, std::int64_t ms) {
    if (!text || ms == BW_TIME_ABSENT) return std::nullopt;
    return Time{text, std::chrono::system_clock::time_point(std::chrono::milliseconds(ms))};
}

inline void check(bw_status status, const bw_error &err) {
    if (status != BW_OK) throw Error(err);
}

inline CallState call_state_of(const bw_call_state &raw) {
    CallState st;
    st.call_id = text_of(raw.call_id);
    st.account_id = text_of(raw.account_id);
    st.application_id = text_of(raw.application_id);
    st.parent_call_id = text_of(raw.parent_call_id);
    st.to = text_of(raw.to);
    st.from = text_of(raw.from);
    st.direction = text_of(raw.direction);
    st.state = text_of(raw.state);
    st.enqueued_time = time_of(raw.enqueued_time, raw.enqueued_time_ms);
    st.start_time = time_of(raw.start_time, raw.start_time_ms);
    st.answer_time = time_of(raw.answer_time, raw.answer_time_ms);
    st.end_time = time_of(raw.end_time, raw.end_time_ms);
    st.last_update = time_of(raw.last_update, raw.last_update_ms);
    st.disconnect_cause = text_of(raw.disconnect_cause);
    st.error_message = text_of(raw.error_message);
    st.error_id = text_of(raw.error_id);
    st.identity = text_of(raw.identity);
    for (std::size_t i = 0; i < raw.stir_shaken_len; i++)
        st.stir_shaken.emplace_back(raw.stir_shaken[i].key, raw.stir_shaken[i].value);
    return st;
}

inline std::int32_t c_bool(const OptionalBool &b) noexcept {
    return !b ? BW_BOOL_UNSET : *b ? BW_BOOL_TRUE : BW_BOOL_FALSE;
}

inline OptionalBool bool_of(std::int32_t b) noexcept {
    if (b == BW_BOOL_UNSET) return std::nullopt;
    return b == BW_BOOL_TRUE;
}

inline std::int32_t c_method(Method m) noexcept { return static_cast<std::int32_t>(m); }

/** A required string of a request: the request's own, NUL-terminated. */
inline const char *c_str(const std::string &s, const char *field) {
    check_no_nul(s, field);
    return s.c_str();
}

/**
 * The C view of a CreateCallRequest, pointing into it (and at its own
 * bw_machine_detection, hence neither copyable nor movable): keep both
 * alive for the call.
 */
class CreateCallView {
public:
    explicit CreateCallView(const CreateCallRequest &req) {
        c_.to = c_str(req.to, "to");
        c_.from = c_str(req.from, "from");
        c_.application_id = c_str(req.application_id, "application_id");
        c_.answer_url = c_str(req.answer_url, "answer_url");
        c_.answer_method = c_method(req.answer_method);
        c_.username = c_ptr(req.username, "username");
        c_.password = c_ptr(req.password, "password");
        c_.answer_fallback_url = c_ptr(req.answer_fallback_url, "answer_fallback_url");
        c_.answer_fallback_method = c_method(req.answer_fallback_method);
        c_.fallback_username = c_ptr(req.fallback_username, "fallback_username");
        c_.fallback_password = c_ptr(req.fallback_password, "fallback_password");
        c_.disconnect_url = c_ptr(req.disconnect_url, "disconnect_url");
        c_.disconnect_method = c_method(req.disconnect_method);
        c_.privacy = c_bool(req.privacy);
        c_.display_name = c_ptr(req.display_name, "display_name");
        c_.uui = c_ptr(req.uui, "uui");
        c_.call_timeout = req.call_timeout.count();
        c_.callback_timeout = req.callback_timeout.count();
        c_.priority = req.priority;
        c_.tag = c_ptr(req.tag, "tag");
        if (const auto &md = req.machine_detection) {
            md_.mode = static_cast<std::int32_t>(md->mode);
            md_.detection_timeout = md->detection_timeout.count();
            md_.silence_timeout = md->silence_timeout.count();
            md_.speech_threshold = md->speech_threshold.count();
            md_.speech_end_threshold = md->speech_end_threshold.count();
            md_.machine_speech_end_threshold = md->machine_speech_end_threshold.count();
            md_.delay_result = c_bool(md->delay_result);
            md_.callback_url = c_ptr(md->callback_url, "machine_detection.callback_url");
            md_.callback_method = c_method(md->callback_method);
            md_.username = c_ptr(md->username, "machine_detection.username");
            md_.password = c_ptr(md->password, "machine_detection.password");
            md_.fallback_url = c_ptr(md->fallback_url, "machine_detection.fallback_url");
            md_.fallback_method = c_method(md->fallback_method);
            md_.fallback_username = c_ptr(md->fallback_username, "machine_detection.fallback_username");
            md_.fallback_password = c_ptr(md->fallback_password, "machine_detection.fallback_password");
            c_.machine_detection = &md_;
        }
    }
    CreateCallView(const CreateCallView &) = delete;
    CreateCallView &operator=(const CreateCallView &) = delete;
    const bw_create_call_request *get() const noexcept { return &c_; }

private:
    bw_machine_detection md_ = BW_MACHINE_DETECTION_INIT;
    bw_create_call_request c_ = BW_CREATE_CALL_REQUEST_INIT;
};

/** The C view of `query`; its strings point into `query`. */
inline bw_list_calls_query c_query(const ListCallsQuery &query) {
    bw_list_calls_query q = BW_LIST_CALLS_QUERY_INIT;
    q.to = c_ptr(query.to, "to");
    q.from = c_ptr(query.from, "from");
    q.min_start_time = c_ptr(query.min_start_time, "min_start_time");
    q.max_start_time = c_ptr(query.max_start_time, "max_start_time");
    q.disconnect_cause = c_ptr(query.disconnect_cause, "disconnect_cause");
    q.page_size = query.page_size;
    q.page_token = c_ptr(query.page_token, "page_token");
    return q;
}

/** The C view of `req`; its strings point into `req`. */
inline bw_update_conference_request c_conference_request(const UpdateConferenceRequest &req) {
    bw_update_conference_request r = BW_UPDATE_CONFERENCE_REQUEST_INIT;
    r.status = static_cast<std::int32_t>(req.status);
    r.redirect_url = c_ptr(req.redirect_url, "redirect_url");
    r.redirect_method = c_method(req.redirect_method);
    r.username = c_ptr(req.username, "username");
    r.password = c_ptr(req.password, "password");
    r.redirect_fallback_url = c_ptr(req.redirect_fallback_url, "redirect_fallback_url");
    r.redirect_fallback_method = c_method(req.redirect_fallback_method);
    r.fallback_username = c_ptr(req.fallback_username, "fallback_username");
    r.fallback_password = c_ptr(req.fallback_password, "fallback_password");
    return r;
}

/** The C view of an UpdateConferenceMemberRequest, with the array of its ids (not copyable). */
class MemberRequestView {
public:
    explicit MemberRequestView(const UpdateConferenceMemberRequest &req) {
        c_.mute = c_bool(req.mute);
        c_.hold = c_bool(req.hold);
        if (req.call_ids_to_coach) {
            for (const std::string &id : *req.call_ids_to_coach) ids_.push_back(c_str(id, "call_ids_to_coach"));
            // Non-NULL even when empty: an empty list coaches no one, NULL changes nothing.
            static const char *const none = nullptr;
            c_.call_ids_to_coach = ids_.empty() ? &none : ids_.data();
            c_.call_ids_to_coach_len = ids_.size();
        }
    }
    MemberRequestView(const MemberRequestView &) = delete;
    MemberRequestView &operator=(const MemberRequestView &) = delete;
    const bw_update_conference_member_request *get() const noexcept { return &c_; }

private:
    std::vector<const char *> ids_;
    bw_update_conference_member_request c_ = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
};

inline std::string text_or_empty(const char *s) { return s ? std::string(s) : std::string(); }

inline CreatedCall created_call_of(const bw_created_call &raw) {
    CreatedCall c;
    c.call_id = text_or_empty(raw.call_id);
    c.account_id = text_or_empty(raw.account_id);
    c.application_id = text_or_empty(raw.application_id);
    c.to = text_or_empty(raw.to);
    c.from = text_or_empty(raw.from);
    c.call_url = text_or_empty(raw.call_url);
    c.enqueued_time = time_of(raw.enqueued_time, raw.enqueued_time_ms);
    c.call_timeout = Seconds(raw.call_timeout);
    c.callback_timeout = Seconds(raw.callback_timeout);
    c.priority = raw.priority;
    c.tag = text_of(raw.tag);
    c.answer_url = text_of(raw.answer_url);
    c.answer_method = text_of(raw.answer_method);
    c.answer_fallback_url = text_of(raw.answer_fallback_url);
    c.answer_fallback_method = text_of(raw.answer_fallback_method);
    c.disconnect_url = text_of(raw.disconnect_url);
    c.disconnect_method = text_of(raw.disconnect_method);
    c.username = text_of(raw.username);
    c.password = text_of(raw.password);
    c.fallback_username = text_of(raw.fallback_username);
    c.fallback_password = text_of(raw.fallback_password);
    return c;
}

inline CallPage call_page_of(const bw_call_page &raw) {
    CallPage page;
    page.calls.reserve(raw.calls_len);
    for (std::size_t i = 0; i < raw.calls_len; i++) page.calls.push_back(call_state_of(*raw.calls[i]));
    page.next_page_token = text_of(raw.next_page_token);
    return page;
}

inline ConferenceMember member_of(const bw_conference_member &raw) {
    ConferenceMember m;
    m.call_id = text_of(raw.call_id);
    m.conference_id = text_of(raw.conference_id);
    m.member_url = text_of(raw.member_url);
    m.mute = bool_of(raw.mute);
    m.hold = bool_of(raw.hold);
    m.call_ids_to_coach.assign(raw.call_ids_to_coach, raw.call_ids_to_coach + raw.call_ids_to_coach_len);
    return m;
}

inline Conference conference_of(const bw_conference &raw) {
    Conference c;
    c.id = text_of(raw.id);
    c.name = text_of(raw.name);
    c.created_time = time_of(raw.created_time, raw.created_time_ms);
    c.completed_time = time_of(raw.completed_time, raw.completed_time_ms);
    c.conference_event_url = text_of(raw.conference_event_url);
    c.conference_event_method = text_of(raw.conference_event_method);
    c.tag = text_of(raw.tag);
    c.active_members.reserve(raw.active_members_len);
    for (std::size_t i = 0; i < raw.active_members_len; i++)
        c.active_members.push_back(member_of(*raw.active_members[i]));
    return c;
}

/** The value of a completed call's result, copied out of the C view of kind T. */
template <class T>
T value_of(const bw_result *result) {
    const auto need = [](const auto *raw) -> const auto & {
        if (raw == nullptr) throw std::runtime_error("bwvoice: the result is missing or of another kind");
        return *raw;
    };
    if constexpr (std::is_same_v<T, CallState>) {
        return call_state_of(need(bw_result_call_state(result)));
    } else if constexpr (std::is_same_v<T, CreatedCall>) {
        return created_call_of(need(bw_result_created_call(result)));
    } else if constexpr (std::is_same_v<T, CallPage>) {
        return call_page_of(need(bw_result_call_page(result)));
    } else if constexpr (std::is_same_v<T, Conference>) {
        return conference_of(need(bw_result_conference(result)));
    } else {
        static_assert(std::is_same_v<T, ConferenceMember>, "no such result");
        return member_of(need(bw_result_conference_member(result)));
    }
}

/** Runs a blocking C function writing a library-owned *out, copies it with `of`, frees it with `free_fn`. */
template <class Raw, class Of, class Free, class Call>
auto owned_value(Call call, Of of, Free free_fn) {
    Raw *raw = nullptr;
    bw_error err = BW_ERROR_INIT;
    check(call(&raw, &err), err);
    const std::unique_ptr<Raw, Free> owned(raw, free_fn);
    return of(*raw);
}

/** The bw_event_fn behind Config::on_event. */
inline void deliver_event(void *userdata, const bw_event *e) noexcept {
    try {
        const Event event{static_cast<EventKind>(e->kind),
                          e->operation,
                          e->http_request_method,
                          e->url_template,
                          e->account_id,
                          e->call_id,
                          e->server_address,
                          e->server_port,
                          e->attempt,
                          e->http_response_status_code,
                          static_cast<Status>(e->status),
                          e->error_type,
                          e->retry_reason,
                          std::chrono::milliseconds(e->retry_delay_ms),
                          std::chrono::microseconds(e->duration_us),
                          e->connection_reused,
                          // An older library's bw_event ends before it.
                          e->struct_size > offsetof(bw_event, conference_id)
                              ? e->conference_id
                              : ""};
        (*static_cast<const std::function<void(const Event &)> *>(userdata))(event);
    } catch (...) {
        // Nothing may unwind into the C library.
    }
}

/** Completes a std::promise<T> from a bw_completion_fn call, then deletes it. */
template <class T>
void complete(void *userdata, std::uint64_t, bw_status status, const bw_error *err,
              const bw_result *result) noexcept {
    std::unique_ptr<std::promise<T>> promise(static_cast<std::promise<T> *>(userdata));
    try {
        if (status != BW_OK) {
            promise->set_exception(std::make_exception_ptr(Error(*err)));
        } else if constexpr (std::is_void_v<T>) {
            promise->set_value();
        } else {
            promise->set_value(value_of<T>(result));
        }
    } catch (...) {
        // Reading the result failed (out of memory, or no value): report that.
        try {
            promise->set_exception(std::current_exception());
        } catch (...) {
        }
    }
}

}  // namespace detail

/** A Voice API client: owns a bw_client (connection pool, OAuth2 token cache). */
class Client {
public:
    /** Validates `cfg` and creates the client; throws Error on a bad configuration. */
    explicit Client(const Config &cfg) {
        bw_client_config c = BW_CLIENT_CONFIG_INIT;
        c.base_url = detail::c_ptr(cfg.base_url, "base_url");
        c.username = detail::c_ptr(cfg.username, "username");
        c.password = detail::c_ptr(cfg.password, "password");
        c.client_id = detail::c_ptr(cfg.client_id, "client_id");
        c.client_secret = detail::c_ptr(cfg.client_secret, "client_secret");
        c.token_url = detail::c_ptr(cfg.token_url, "token_url");
        c.connect_timeout_ms = detail::c_ms(cfg.connect_timeout, "connect_timeout_ms");
        c.timeout_ms = detail::c_ms(cfg.timeout, "timeout_ms");
        c.max_attempts = cfg.max_attempts;
        c.retry_non_idempotent = cfg.retry_non_idempotent;
        c.tls_roots = static_cast<std::int32_t>(cfg.tls_roots);
        c.ca_file = detail::c_ptr(cfg.ca_file, "ca_file");
        c.proxy = detail::c_ptr(cfg.proxy, "proxy");
        c.proxy_from_env = cfg.proxy_from_env;
        c.user_agent_suffix = detail::c_ptr(cfg.user_agent_suffix, "user_agent_suffix");
        c.max_concurrency = cfg.max_concurrency;
        c.max_queued = cfg.max_queued;
        c.retry_budget = cfg.retry_budget;
        c.allow_unknown_bxml_verbs = cfg.allow_unknown_bxml_verbs;
        if (cfg.on_event) {
            hook_ = std::make_unique<std::function<void(const Event &)>>(cfg.on_event);
            c.on_event = &detail::deliver_event;
            c.event_userdata = hook_.get();
        }
        bw_error err = BW_ERROR_INIT;
        if (bw_client_new(&c, &handle_, &err) != BW_OK) throw Error(err);
    }

    ~Client() { bw_free(handle_); }  // before hook_ goes: no event can reach it after
    Client(Client &&other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)), hook_(std::move(other.hook_)) {}
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            bw_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
            hook_ = std::move(other.hook_);
        }
        return *this;
    }

    /** The client's counters (see bw_stats). */
    bw_stats stats() const {
        bw_stats out = BW_STATS_INIT;
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_client_stats(handle_, &out, &err), err);
        return out;
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /** Redirects a live call to the BXML served at `redirect_url` (state is not sent). */
    void redirect(std::string_view account_id, std::string_view call_id, std::string_view redirect_url,
                  const RedirectOptions &redirect = RedirectOptions(),
                  const CallOptions &opts = CallOptions()) const {
        ModifyCallRequest req;
        static_cast<RedirectOptions &>(req) = redirect;
        req.redirect_url = detail::c_string(redirect_url, "redirect_url");
        modify_call(account_id, call_id, req, opts);
    }

    /** Hangs up a call (cancels it if unanswered); Status::not_found if it already ended. */
    void hangup(std::string_view account_id, std::string_view call_id,
                const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_hangup(handle_, ids.account.c_str(), ids.call.c_str(), &o, &err), err);
    }

    /** "Update active call" with every parameter of `req`. */
    void modify_call(std::string_view account_id, std::string_view call_id, const ModifyCallRequest &req,
                     const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const bw_modify_call_request r = detail::c_request(req);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_modify_call(handle_, ids.account.c_str(), ids.call.c_str(), &r, &o, &err), err);
    }

    /** "Get call state": is the call answered yet, did it end, and why. */
    CallState get_call_state(std::string_view account_id, std::string_view call_id,
                             const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        bw_call_state *raw = nullptr;
        detail::check(bw_get_call_state(handle_, ids.account.c_str(), ids.call.c_str(), &o, &raw, &err), err);
        const std::unique_ptr<bw_call_state, void (*)(bw_call_state *)> owned(raw, bw_call_state_free);
        return detail::call_state_of(*raw);
    }

    /**
     * "Update call BXML": replaces the call's script with `bxml`, which must be
     * well-formed with a <Bxml> root (at most BW_MAX_BXML_BYTES); escape caller
     * text with xml_escape. Not repeated after a failure the server may have acted on.
     */
    void update_call_bxml(std::string_view account_id, std::string_view call_id, std::string_view bxml,
                          const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const std::string doc = detail::c_string(bxml, "bxml");
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_update_call_bxml(handle_, ids.account.c_str(), ids.call.c_str(), doc.c_str(), &o, &err),
                      err);
    }

    /** Pauses the call's recording; Status::bad_request if none is in progress. */
    void pause_recording(std::string_view account_id, std::string_view call_id,
                         const CallOptions &opts = CallOptions()) const {
        update_recording(account_id, call_id, BW_RECORDING_STATE_PAUSED, opts);
    }

    /** Resumes the call's paused recording. */
    void resume_recording(std::string_view account_id, std::string_view call_id,
                          const CallOptions &opts = CallOptions()) const {
        update_recording(account_id, call_id, BW_RECORDING_STATE_RECORDING, opts);
    }

    /**
     * "Create call": places an outbound call; Bandwidth fetches answer_url
     * once it is answered. Never sent twice once it may have reached
     * Bandwidth: after an Error with maybe_applied() the call may exist;
     * look for it with list_calls (to, from, min_start_time just before;
     * the tag you set comes back in its webhooks) rather than calling again.
     */
    CreatedCall create_call(std::string_view account_id, const CreateCallRequest &req,
                            const CallOptions &opts = CallOptions()) const {
        const std::string account = detail::c_string(account_id, "account_id");
        const detail::CreateCallView r(req);
        const bw_call_options o = detail::c_options(opts);
        return detail::owned_value<bw_created_call>(
            [&](bw_created_call **out, bw_error *err) {
                return bw_create_call(handle_, account.c_str(), r.get(), &o, out, err);
            },
            detail::created_call_of, bw_created_call_free);
    }

    /** "Get calls": one page of the account's calls, oldest first; see list_all_calls. */
    CallPage list_calls(std::string_view account_id, const ListCallsQuery &query = ListCallsQuery(),
                        const CallOptions &opts = CallOptions()) const {
        const std::string account = detail::c_string(account_id, "account_id");
        const bw_list_calls_query q = detail::c_query(query);
        const bw_call_options o = detail::c_options(opts);
        return detail::owned_value<bw_call_page>(
            [&](bw_call_page **out, bw_error *err) {
                return bw_list_calls(handle_, account.c_str(), &q, &o, out, err);
            },
            detail::call_page_of, bw_call_page_free);
    }

    /**
     * Every call `query` matches, page after page from query.page_token:
     * calls `each(const CallState &)` for each, oldest first, and returns how
     * many there were. `opts` applies to each page's request. A server
     * that links to a page already read (a page token again) gets an Error
     * with Status::protocol rather than being followed for ever.
     */
    template <class F>
    std::size_t list_all_calls(std::string_view account_id, ListCallsQuery query, F &&each,
                               const CallOptions &opts = CallOptions()) const {
        std::size_t n = 0;
        std::vector<std::string> followed;
        do {
            CallPage page = list_calls(account_id, query, opts);
            for (const CallState &call : page.calls) each(call);
            n += page.calls.size();
            if (query.page_token) followed.push_back(*query.page_token);
            query.page_token = std::move(page.next_page_token);
            if (query.page_token &&
                std::find(followed.begin(), followed.end(), *query.page_token) != followed.end()) {
                bw_error err = BW_ERROR_INIT;
                err.status = BW_ERR_PROTOCOL;
                err.retry_after_ms = -1;
                detail::copy_text(err.message,
                                  "listCalls: the server linked to a page already read (the same "
                                  "page token again); stopping instead of reading it for ever");
                throw Error(err);
            }
        } while (query.page_token);
        return n;
    }

    /** "Get conference information": the conference and its active members. */
    Conference get_conference(std::string_view account_id, std::string_view conference_id,
                              const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        const bw_call_options o = detail::c_options(opts);
        return detail::owned_value<bw_conference>(
            [&](bw_conference **out, bw_error *err) {
                return bw_get_conference(handle_, ids.account.c_str(), ids.conference.c_str(), &o, out, err);
            },
            detail::conference_of, bw_conference_free);
    }

    /** "Update conference": redirect it to new BXML (redirect_url) or end it (status completed). */
    void update_conference(std::string_view account_id, std::string_view conference_id,
                           const UpdateConferenceRequest &req, const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        const bw_update_conference_request r = detail::c_conference_request(req);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_update_conference(handle_, ids.account.c_str(), ids.conference.c_str(), &r, &o, &err),
                      err);
    }

    /** "Update conference BXML": checked as for update_call_bxml. */
    void update_conference_bxml(std::string_view account_id, std::string_view conference_id, std::string_view bxml,
                                const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        const std::string doc = detail::c_string(bxml, "bxml");
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_update_conference_bxml(handle_, ids.account.c_str(), ids.conference.c_str(), doc.c_str(),
                                                &o, &err),
                      err);
    }

    /** "Get conference member"; the member id is the member's call id. */
    ConferenceMember get_conference_member(std::string_view account_id, std::string_view conference_id,
                                           std::string_view member_id,
                                           const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id, member_id);
        const bw_call_options o = detail::c_options(opts);
        return detail::owned_value<bw_conference_member>(
            [&](bw_conference_member **out, bw_error *err) {
                return bw_get_conference_member(handle_, ids.account.c_str(), ids.conference.c_str(),
                                                ids.member.c_str(), &o, out, err);
            },
            detail::member_of, bw_conference_member_free);
    }

    /** "Update conference member": mute, hold, the calls it coaches. */
    void update_conference_member(std::string_view account_id, std::string_view conference_id,
                                  std::string_view member_id, const UpdateConferenceMemberRequest &req,
                                  const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id, member_id);
        const detail::MemberRequestView r(req);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_update_conference_member(handle_, ids.account.c_str(), ids.conference.c_str(),
                                                  ids.member.c_str(), r.get(), &o, &err),
                      err);
    }

    /**
     * The asynchronous forms: each validates at once (throwing Error, nothing
     * queued) and runs the call on the library's worker threads; the
     * std::future completes exactly once. Status::busy: max_queued calls
     * already wait. Never block on the future from inside another call's
     * completion.
     */
    Pending<void> modify_call_async(std::string_view account_id, std::string_view call_id,
                                    const ModifyCallRequest &req, const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const bw_modify_call_request r = detail::c_request(req);
        return submit<void>(bw_modify_call_async, opts, ids.account.c_str(), ids.call.c_str(), &r);
    }

    Pending<void> hangup_async(std::string_view account_id, std::string_view call_id,
                               const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        return submit<void>(bw_hangup_async, opts, ids.account.c_str(), ids.call.c_str());
    }

    Pending<CallState> get_call_state_async(std::string_view account_id, std::string_view call_id,
                                            const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        return submit<CallState>(bw_get_call_state_async, opts, ids.account.c_str(), ids.call.c_str());
    }

    Pending<void> update_call_bxml_async(std::string_view account_id, std::string_view call_id,
                                         std::string_view bxml, const CallOptions &opts = CallOptions()) const {
        const Ids ids(account_id, call_id);
        const std::string doc = detail::c_string(bxml, "bxml");
        return submit<void>(bw_update_call_bxml_async, opts, ids.account.c_str(), ids.call.c_str(), doc.c_str());
    }

    Pending<void> pause_recording_async(std::string_view account_id, std::string_view call_id,
                                        const CallOptions &opts = CallOptions()) const {
        return recording_async(account_id, call_id, BW_RECORDING_STATE_PAUSED, opts);
    }

    Pending<void> resume_recording_async(std::string_view account_id, std::string_view call_id,
                                         const CallOptions &opts = CallOptions()) const {
        return recording_async(account_id, call_id, BW_RECORDING_STATE_RECORDING, opts);
    }

    Pending<CreatedCall> create_call_async(std::string_view account_id, const CreateCallRequest &req,
                                           const CallOptions &opts = CallOptions()) const {
        const std::string account = detail::c_string(account_id, "account_id");
        const detail::CreateCallView r(req);
        return submit<CreatedCall>(bw_create_call_async, opts, account.c_str(), r.get());
    }

    Pending<CallPage> list_calls_async(std::string_view account_id, const ListCallsQuery &query = ListCallsQuery(),
                                       const CallOptions &opts = CallOptions()) const {
        const std::string account = detail::c_string(account_id, "account_id");
        const bw_list_calls_query q = detail::c_query(query);
        return submit<CallPage>(bw_list_calls_async, opts, account.c_str(), &q);
    }

    Pending<Conference> get_conference_async(std::string_view account_id, std::string_view conference_id,
                                             const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        return submit<Conference>(bw_get_conference_async, opts, ids.account.c_str(), ids.conference.c_str());
    }

    Pending<void> update_conference_async(std::string_view account_id, std::string_view conference_id,
                                          const UpdateConferenceRequest &req,
                                          const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        const bw_update_conference_request r = detail::c_conference_request(req);
        return submit<void>(bw_update_conference_async, opts, ids.account.c_str(), ids.conference.c_str(), &r);
    }

    Pending<void> update_conference_bxml_async(std::string_view account_id, std::string_view conference_id,
                                               std::string_view bxml, const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id);
        const std::string doc = detail::c_string(bxml, "bxml");
        return submit<void>(bw_update_conference_bxml_async, opts, ids.account.c_str(), ids.conference.c_str(),
                            doc.c_str());
    }

    Pending<ConferenceMember> get_conference_member_async(std::string_view account_id,
                                                          std::string_view conference_id, std::string_view member_id,
                                                          const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id, member_id);
        return submit<ConferenceMember>(bw_get_conference_member_async, opts, ids.account.c_str(),
                                        ids.conference.c_str(), ids.member.c_str());
    }

    Pending<void> update_conference_member_async(std::string_view account_id, std::string_view conference_id,
                                                 std::string_view member_id, const UpdateConferenceMemberRequest &req,
                                                 const CallOptions &opts = CallOptions()) const {
        const ConferenceIds ids(account_id, conference_id, member_id);
        const detail::MemberRequestView r(req);
        return submit<void>(bw_update_conference_member_async, opts, ids.account.c_str(), ids.conference.c_str(),
                            ids.member.c_str(), r.get());
    }

    /**
     * Cancels an asynchronous call (see bw_cancel): a queued one is never sent
     * and its future throws Status::cancelled; a running one is best effort.
     * False when it is no longer pending.
     */
    bool cancel(std::uint64_t job_id) const noexcept { return bw_cancel(handle_, job_id, nullptr) == BW_OK; }

    /** The C handle, for calling the C API directly; still owned by this Client. */
    bw_client *native_handle() const noexcept { return handle_; }

private:
    /** NUL-terminated copies of the ids every operation takes. */
    struct Ids {
        Ids(std::string_view account_id, std::string_view call_id)
            : account(detail::c_string(account_id, "account_id")), call(detail::c_string(call_id, "call_id")) {}
        std::string account, call;
    };

    /** NUL-terminated copies of a conference operation's ids (member: empty when it takes none). */
    struct ConferenceIds {
        ConferenceIds(std::string_view account_id, std::string_view conference_id,
                      std::optional<std::string_view> member_id = std::nullopt)
            : account(detail::c_string(account_id, "account_id")),
              conference(detail::c_string(conference_id, "conference_id")),
              member(member_id ? detail::c_string(*member_id, "member_id") : std::string()) {}
        std::string account, conference, member;
    };

    /**
     * Submits `async` (a bw_*_async function) with the client, `args` (the
     * operation's own, converted) and the tail every such function takes;
     * the callback completes the future.
     */
    template <class T, class Async, class... Args>
    Pending<T> submit(Async async, const CallOptions &opts, Args... args) const {
        const bw_call_options o = detail::c_options(opts);
        auto promise = std::make_unique<std::promise<T>>();
        Pending<T> pending{promise->get_future(), 0};
        bw_error err = BW_ERROR_INIT;
        detail::check(async(handle_, args..., &o, &detail::complete<T>, promise.get(), &pending.job_id, &err), err);
        promise.release();  // owned by the callback from here
        return pending;
    }

    Pending<void> recording_async(std::string_view account_id, std::string_view call_id, std::int32_t state,
                                  const CallOptions &opts) const {
        const Ids ids(account_id, call_id);
        return submit<void>(bw_update_call_recording_async, opts, ids.account.c_str(), ids.call.c_str(), state);
    }

    void update_recording(std::string_view account_id, std::string_view call_id, std::int32_t state,
                          const CallOptions &opts) const {
        const Ids ids(account_id, call_id);
        const bw_call_options o = detail::c_options(opts);
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_update_call_recording(handle_, ids.account.c_str(), ids.call.c_str(), state, &o, &err),
                      err);
    }

    bw_client *handle_ = nullptr;
    /** Config::on_event, where the library's event_userdata points. */
    std::unique_ptr<std::function<void(const Event &)>> hook_;
};

/**
 * Escapes caller text for BXML element text or a quoted attribute value (see
 * bw_xml_escape), so it cannot close a verb or open another. Throws
 * Status::invalid_argument for characters XML cannot carry.
 */
inline std::string xml_escape(std::string_view text) {
    const std::string in = detail::c_string(text, "text");
    bw_error err = BW_ERROR_INIT;
    std::size_t needed = 0;
    detail::check(bw_xml_escape(in.c_str(), nullptr, 0, &needed, &err), err);
    std::string out(needed, '\0');
    detail::check(bw_xml_escape(in.c_str(), out.data(), out.size(), &needed, &err), err);
    out.resize(needed - 1);
    return out;
}

/** What a BXML document is for (see bw_bxml_kind): its root and the verbs it may hold. */
enum class BxmlKind : std::int32_t {
    response = BW_BXML_RESPONSE,                  ///< `<Response>`: the answer to a webhook
    update_call = BW_BXML_UPDATE_CALL,            ///< `<Bxml>` for Client::update_call_bxml
    update_conference = BW_BXML_UPDATE_CONFERENCE ///< `<Bxml>` of the verbs a conference plays
};

namespace detail {

inline std::uint32_t bxml_flags(bool allow_unknown_verbs) noexcept {
    return allow_unknown_verbs ? BW_BXML_ALLOW_UNKNOWN_VERBS : 0;
}

/**
 * A number as BXML writes it, as the library writes a JSON number: a whole
 * number without a fraction (`10`), otherwise the fewest decimals that read
 * back as the same double (`2.5`); never an exponent, whatever the locale.
 */
inline std::string bxml_number(double value) {
    if (!std::isfinite(value)) invalid_argument("value", "is not a finite number");
    if (value == 0) return "0";  // and not "-0"
    const bool whole = std::floor(value) == value;
    std::string text;
    for (int decimals = whole ? 0 : 1; decimals <= 40; decimals++) {
        std::ostringstream out;
        out.imbue(std::locale::classic());
        out << std::fixed << std::setprecision(decimals) << value;
        text = out.str();
        std::istringstream in(text);
        in.imbue(std::locale::classic());
        double back = 0;
        if (whole || ((in >> back) && back == value)) break;
    }
    return text;
}

}  // namespace detail

/**
 * A BXML document built step by step (see bw_bxml): each call is checked
 * against Bandwidth's rules as it is made, and a call that fails throws
 * bwvoice::Error (Status::invalid_argument, field() "element", "name",
 * "value", "text", "fragment", "json" or "bxml") and changes nothing, so
 * the document may go on. Text and attribute values are always escaped;
 * attributes come out in Bandwidth's order. Move-only; one thread at a time.
 *
 *     bwvoice::Bxml doc{bwvoice::BxmlKind::response};
 *     doc.open("Gather").attr("gatherUrl", url).attr("maxDigits", 1)
 *        .open("SpeakSentence").text("Press 1").close()
 *        .close();
 *     std::string xml = doc.render();
 */
class Bxml {
public:
    /** An empty document of `kind`; `allow_unknown_verbs` lets verbs this library does not know through. */
    explicit Bxml(BxmlKind kind, bool allow_unknown_verbs = false) {
        bw_error err = BW_ERROR_INIT;
        detail::check(bw_bxml_new(static_cast<bw_bxml_kind>(kind), detail::bxml_flags(allow_unknown_verbs),
                                  &handle_, &err),
                      err);
    }
    ~Bxml() { bw_bxml_free(handle_); }
    Bxml(Bxml &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Bxml &operator=(Bxml &&other) noexcept {
        if (this != &other) {
            bw_bxml_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    Bxml(const Bxml &) = delete;
    Bxml &operator=(const Bxml &) = delete;

    /** Opens `element` (a verb, or a child such as `PhoneNumber`) inside the element open now. */
    Bxml &open(std::string_view element) {
        const std::string name = detail::c_string(element, "element");
        return step([&](bw_error *err) { return bw_bxml_open(handle_, name.c_str(), err); });
    }
    /** Sets attribute `name` (Bandwidth's camelCase) of the element open now, before its content. */
    Bxml &attr(std::string_view name, std::string_view value) {
        const std::string n = detail::c_string(name, "name"), v = detail::c_string(value, "value");
        return step([&](bw_error *err) { return bw_bxml_attr(handle_, n.c_str(), v.c_str(), err); });
    }
    Bxml &attr(std::string_view name, const std::string &value) { return attr(name, std::string_view(value)); }
    /** Not taken as a bool: a string literal is text. NULL is refused (field "value"). */
    Bxml &attr(std::string_view name, const char *value) {
        if (value == nullptr) detail::invalid_argument("value", "is NULL");
        return attr(name, std::string_view(value));
    }
    /** `true` / `false`. */
    Bxml &attr(std::string_view name, bool value) { return attr(name, std::string_view(value ? "true" : "false")); }
    /** A whole number, e.g. `maxDigits`. */
    template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool> &&
                                              !std::is_same_v<Int, char>,
                                          int> = 0>
    Bxml &attr(std::string_view name, Int value) {
        return attr(name, std::string_view(std::to_string(value)));
    }
    /** A decimal number, e.g. `interDigitTimeout`: `10.0` is written `10`, `2.5` as `2.5`. */
    Bxml &attr(std::string_view name, double value) { return attr(name, std::string_view(detail::bxml_number(value))); }

    /** Adds text to the element open now, escaped: it can never become markup. */
    Bxml &text(std::string_view text) {
        const std::string t = detail::c_string(text, "text");
        return step([&](bw_error *err) { return bw_bxml_text(handle_, t.c_str(), err); });
    }
    /** Adds SSML (`<break/>`, `<emphasis>`, `<prosody>`…) to the `SpeakSentence` open now. */
    Bxml &ssml(std::string_view fragment) {
        const std::string f = detail::c_string(fragment, "fragment");
        return step([&](bw_error *err) { return bw_bxml_ssml(handle_, f.c_str(), err); });
    }
    /** Closes the element open now, once it is complete. */
    Bxml &close() {
        return step([&](bw_error *err) { return bw_bxml_close(handle_, err); });
    }
    /** Adds the nodes of a JSON tree (see bw_bxml_append_json) inside the element open now; all or nothing. */
    Bxml &append_json(std::string_view json) {
        const std::string j = detail::c_string(json, "json");
        return step([&](bw_error *err) { return bw_bxml_append_json(handle_, j.c_str(), err); });
    }
    /** The document, once every element is closed; the same bytes from every language. */
    std::string render() const {
        bw_error err = BW_ERROR_INIT;
        std::size_t needed = 0;
        detail::check(bw_bxml_render(handle_, nullptr, 0, &needed, &err), err);
        std::string out(needed, '\0');
        detail::check(bw_bxml_render(handle_, out.data(), out.size(), &needed, &err), err);
        out.resize(needed - 1);
        return out;
    }

    /** The C builder; nullptr once moved from (each call then throws, field "bxml"). */
    bw_bxml *native_handle() const noexcept { return handle_; }

private:
    template <class Call>
    Bxml &step(Call call) {
        bw_error err = BW_ERROR_INIT;
        detail::check(call(&err), err);
        return *this;
    }

    bw_bxml *handle_ = nullptr;
};

/**
 * Checks `document` as BXML of `kind` (see bw_bxml_check), e.g. what a
 * webhook handler returns; throws Status::invalid_argument (field "bxml")
 * naming the first problem and its line and column.
 */
inline void check_bxml(std::string_view document, BxmlKind kind, bool allow_unknown_verbs = false) {
    const std::string doc = detail::c_string(document, "document");
    bw_error err = BW_ERROR_INIT;
    detail::check(bw_bxml_check(doc.c_str(), static_cast<bw_bxml_kind>(kind), detail::bxml_flags(allow_unknown_verbs),
                                &err),
                  err);
}

/** What a callback reports (see bw_callback_event); an unknown one is `unknown`: read Callback::event_type. */
enum class CallbackEvent : std::int32_t {
    unknown = BW_CALLBACK_UNKNOWN,
    answer = BW_CALLBACK_ANSWER,
    bridge_complete = BW_CALLBACK_BRIDGE_COMPLETE,
    bridge_target_complete = BW_CALLBACK_BRIDGE_TARGET_COMPLETE,
    conference_created = BW_CALLBACK_CONFERENCE_CREATED,
    conference_redirect = BW_CALLBACK_CONFERENCE_REDIRECT,
    conference_member_join = BW_CALLBACK_CONFERENCE_MEMBER_JOIN,
    conference_member_exit = BW_CALLBACK_CONFERENCE_MEMBER_EXIT,
    conference_completed = BW_CALLBACK_CONFERENCE_COMPLETED,
    conference_recording_available = BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE,
    disconnect = BW_CALLBACK_DISCONNECT,
    dtmf = BW_CALLBACK_DTMF,
    gather = BW_CALLBACK_GATHER,
    initiate = BW_CALLBACK_INITIATE,
    machine_detection_complete = BW_CALLBACK_MACHINE_DETECTION_COMPLETE,
    recording_complete = BW_CALLBACK_RECORDING_COMPLETE,
    recording_available = BW_CALLBACK_RECORDING_AVAILABLE,
    redirect = BW_CALLBACK_REDIRECT,
    transcription_available = BW_CALLBACK_TRANSCRIPTION_AVAILABLE,
    transfer_answer = BW_CALLBACK_TRANSFER_ANSWER,
    transfer_complete = BW_CALLBACK_TRANSFER_COMPLETE,
    transfer_disconnect = BW_CALLBACK_TRANSFER_DISCONNECT,
    media_stream_started = BW_CALLBACK_MEDIA_STREAM_STARTED,
    media_stream_stopped = BW_CALLBACK_MEDIA_STREAM_STOPPED,
    media_stream_rejected = BW_CALLBACK_MEDIA_STREAM_REJECTED,
    real_time_transcription_started = BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED,
    real_time_transcription_available = BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE,
    real_time_transcription_stopped = BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED,
    real_time_transcription_rejected = BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED
};

/** Key/value pairs of a callback (diversion, STIR/SHAKEN, SIP headers), sorted by key. */
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/** Answering machine detection's result (see bw_callback_machine_detection). */
struct CallbackMachineDetection {
    std::optional<std::string> value;     ///< "human", "answering-machine", ... or newer
    std::optional<std::string> duration;  ///< ISO 8601, e.g. "PT4.98S"
};

/** A recording's or a real-time transcription (see bw_callback_transcription). */
struct CallbackTranscription {
    std::optional<std::string> id, name, status, url;
    std::optional<Time> completed_time, start_time;
    std::optional<std::string> duration, destination;
    OptionalBool stabilized;
    std::vector<std::string> tracks;
};

/** A media stream of `<StartStream>` (see bw_callback_media_stream). */
struct CallbackMediaStream {
    std::optional<std::string> id, name, destination, stream_type;
    std::optional<Time> start_time;
    std::optional<std::string> duration;
    std::vector<std::string> tracks;
};

/**
 * One Voice callback (see bw_callback), copied out of the C result:
 * std::nullopt / empty when the callback did not carry the field. Text
 * Bandwidth documents as a set of values (direction, cause, status, ...)
 * is as sent: new values may come at any time.
 */
struct Callback {
    CallbackEvent event = CallbackEvent::unknown;
    std::string event_type;  ///< eventType as sent
    std::optional<Time> event_time;
    std::optional<std::string> account_id, application_id, call_id, call_url, parent_call_id;
    std::optional<std::string> conference_id, name;
    std::optional<std::string> from, to, direction, tag;  ///< from/to: text, not always a number
    std::optional<Time> enqueued_time, start_time, answer_time, end_time;
    std::optional<std::string> digits, digit, terminating_digit;
    std::optional<std::string> cause, error_message, error_id;
    std::optional<std::int32_t> sip_response_code, channels;
    std::optional<CallbackMachineDetection> machine_detection_result;
    std::optional<std::string> recording_id, media_url, duration, file_format, status;
    std::optional<CallbackTranscription> transcription;
    std::optional<std::string> transfer_caller_id, transfer_to;
    KeyValues diversion, stir_shaken;
    std::optional<std::string> uui, sip_call_id;
    KeyValues sip_headers;  ///< the INVITE's X- headers, lower-case names
    std::optional<CallbackMediaStream> media_stream, original_media_stream;
    std::optional<CallbackTranscription> real_time_transcription, original_transcription;
    std::optional<std::string> reason;
};

/** The verdict of check_callback_auth (see bw_callback_auth). */
enum class CallbackAuth : std::int32_t {
    ok = BW_CALLBACK_AUTH_OK,                ///< handle the callback
    challenge = BW_CALLBACK_AUTH_CHALLENGE,  ///< answer 401 with WWW-Authenticate: callback_challenge(realm)
    refused = BW_CALLBACK_AUTH_REFUSED       ///< answer 403
};

namespace detail {

inline KeyValues pairs_of(const bw_key_value *kv, std::size_t len) {
    KeyValues out;
    out.reserve(len);
    for (std::size_t i = 0; i < len; i++) out.emplace_back(kv[i].key, kv[i].value);
    return out;
}

inline std::vector<std::string> strings_of(const char *const *items, std::size_t len) {
    return items ? std::vector<std::string>(items, items + len) : std::vector<std::string>();
}

inline std::optional<std::int32_t> count_of(std::int32_t n) noexcept {
    return n < 0 ? std::nullopt : std::optional<std::int32_t>(n);
}

inline std::optional<CallbackTranscription> transcription_of(const bw_callback_transcription *t) {
    if (!t) return std::nullopt;
    CallbackTranscription out;
    out.id = text_of(t->id);
    out.name = text_of(t->name);
    out.status = text_of(t->status);
    out.url = text_of(t->url);
    out.completed_time = time_of(t->completed_time, t->completed_time_ms);
    out.start_time = time_of(t->start_time, t->start_time_ms);
    out.duration = text_of(t->duration);
    out.destination = text_of(t->destination);
    out.stabilized = bool_of(t->stabilized);
    out.tracks = strings_of(t->tracks, t->tracks_len);
    return out;
}

inline std::optional<CallbackMediaStream> media_stream_of(const bw_callback_media_stream *m) {
    if (!m) return std::nullopt;
    CallbackMediaStream out;
    out.id = text_of(m->id);
    out.name = text_of(m->name);
    out.destination = text_of(m->destination);
    out.stream_type = text_of(m->stream_type);
    out.start_time = time_of(m->start_time, m->start_time_ms);
    out.duration = text_of(m->duration);
    out.tracks = strings_of(m->tracks, m->tracks_len);
    return out;
}

inline Callback callback_of(const bw_callback &raw) {
    Callback cb;
    cb.event = static_cast<CallbackEvent>(raw.event);
    cb.event_type = raw.event_type ? raw.event_type : "";
    cb.event_time = time_of(raw.event_time, raw.event_time_ms);
    cb.account_id = text_of(raw.account_id);
    cb.application_id = text_of(raw.application_id);
    cb.call_id = text_of(raw.call_id);
    cb.call_url = text_of(raw.call_url);
    cb.parent_call_id = text_of(raw.parent_call_id);
    cb.conference_id = text_of(raw.conference_id);
    cb.name = text_of(raw.name);
    cb.from = text_of(raw.from);
    cb.to = text_of(raw.to);
    cb.direction = text_of(raw.direction);
    cb.tag = text_of(raw.tag);
    cb.enqueued_time = time_of(raw.enqueued_time, raw.enqueued_time_ms);
    cb.start_time = time_of(raw.start_time, raw.start_time_ms);
    cb.answer_time = time_of(raw.answer_time, raw.answer_time_ms);
    cb.end_time = time_of(raw.end_time, raw.end_time_ms);
    cb.digits = text_of(raw.digits);
    cb.digit = text_of(raw.digit);
    cb.terminating_digit = text_of(raw.terminating_digit);
    cb.cause = text_of(raw.cause);
    cb.error_message = text_of(raw.error_message);
    cb.error_id = text_of(raw.error_id);
    cb.sip_response_code = count_of(raw.sip_response_code);
    cb.channels = count_of(raw.channels);
    if (raw.machine_detection_result)
        cb.machine_detection_result = CallbackMachineDetection{text_of(raw.machine_detection_result->value),
                                                               text_of(raw.machine_detection_result->duration)};
    cb.recording_id = text_of(raw.recording_id);
    cb.media_url = text_of(raw.media_url);
    cb.duration = text_of(raw.duration);
    cb.file_format = text_of(raw.file_format);
    cb.status = text_of(raw.status);
    cb.transcription = transcription_of(raw.transcription);
    cb.transfer_caller_id = text_of(raw.transfer_caller_id);
    cb.transfer_to = text_of(raw.transfer_to);
    cb.diversion = pairs_of(raw.diversion, raw.diversion_len);
    cb.stir_shaken = pairs_of(raw.stir_shaken, raw.stir_shaken_len);
    cb.uui = text_of(raw.uui);
    cb.sip_call_id = text_of(raw.sip_call_id);
    cb.sip_headers = pairs_of(raw.sip_headers, raw.sip_headers_len);
    cb.media_stream = media_stream_of(raw.media_stream);
    cb.original_media_stream = media_stream_of(raw.original_media_stream);
    cb.real_time_transcription = transcription_of(raw.real_time_transcription);
    cb.original_transcription = transcription_of(raw.original_transcription);
    cb.reason = text_of(raw.reason);
    return cb;
}

/** Copies the result of a bw_callback_parse* call out and frees it. */
template <class Parse>
inline Callback parse_with(Parse parse) {
    bw_callback *raw = nullptr;
    bw_error err = BW_ERROR_INIT;
    check(parse(&raw, &err), err);
    const std::unique_ptr<bw_callback, void (*)(bw_callback *)> owned(raw, bw_callback_free);
    return callback_of(*owned);
}

}  // namespace detail

/**
 * Reads the JSON body of a callback POST (see bw_callback_parse), at most
 * BW_MAX_CALLBACK_BYTES. Throws Status::invalid_argument with field() naming
 * what is wrong: "body", "event_type", or the member of the wrong type.
 */
inline Callback parse_callback(std::string_view body) {
    const char *data = body.data() ? body.data() : "";  // an empty view may hold no pointer
    return detail::parse_with(
        [&](bw_callback **out, bw_error *err) { return bw_callback_parse(data, body.size(), out, err); });
}

/** Reads the query string of a callback GET, with or without its `?` (see bw_callback_parse_query). */
inline Callback parse_callback_query(std::string_view query) {
    const std::string q = detail::c_string(query, "query");
    return detail::parse_with(
        [&](bw_callback **out, bw_error *err) { return bw_callback_parse_query(q.c_str(), out, err); });
}

/**
 * Checks a callback request's Authorization header (std::nullopt when it
 * has none) against the credentials set for callbacks, in constant time
 * (see bw_callback_check_auth). An empty user or password throws
 * Status::invalid_argument; no message holds a credential.
 */
inline CallbackAuth check_callback_auth(std::optional<std::string_view> authorization, std::string_view user,
                                        std::string_view password) {
    const std::optional<std::string> header =
        authorization ? std::optional<std::string>(detail::c_string(*authorization, "authorization")) : std::nullopt;
    const std::string u = detail::c_string(user, "username"), p = detail::c_string(password, "password");
    bw_callback_auth verdict = BW_CALLBACK_AUTH_REFUSED;
    bw_error err = BW_ERROR_INIT;
    detail::check(bw_callback_check_auth(detail::c_ptr(header, "authorization"), u.c_str(), p.c_str(), &verdict, &err),
                  err);
    return static_cast<CallbackAuth>(verdict);
}

/**
 * The WWW-Authenticate value of the 401 that asks Bandwidth for its
 * credentials: `Basic realm="..."` (see bw_callback_challenge). A realm
 * with control characters or anything but ASCII throws (field "realm").
 */
inline std::string callback_challenge(std::string_view realm) {
    const std::string r = detail::c_string(realm, "realm");
    bw_error err = BW_ERROR_INIT;
    std::size_t needed = 0;
    detail::check(bw_callback_challenge(r.c_str(), nullptr, 0, &needed, &err), err);
    std::string out(needed, '\0');
    detail::check(bw_callback_challenge(r.c_str(), out.data(), out.size(), &needed, &err), err);
    out.resize(needed - 1);
    return out;
}

}  // namespace bwvoice

#endif /* BWVOICE_HPP */
