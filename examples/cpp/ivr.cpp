// The IVR webhook app of examples/c/ivr.c in C++ with bwvoice.hpp: a menu
// read to the caller, a transfer on "1", a goodbye on "2"; served on
// loopback with libmicrohttpd.
//
//   ivr-cpp [--username USER --password PASS] [--transfer-to +15550000100]
//
// Listens on 127.0.0.1 on a free port, prints "listening on URL" once
// bound, serves until SIGINT or SIGTERM. It answers what the C, Python and
// Go apps answer, byte for byte (make test-ivr).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <bwvoice.hpp>

#if MHD_VERSION < 0x00097002
using MhdResult = int;  // before 0.9.71 handlers returned int
#else
using MhdResult = MHD_Result;
#endif

namespace {

struct Settings {
    std::optional<std::string> username, password;  // both or neither
    std::string transfer_to = "+15550000100";
    std::string challenge;                          // the WWW-Authenticate value of the 401
};

// One request: its raw query string and the body read so far.
struct Request {
    std::string query, body;
    bool too_large = false, checked = false;
};

constexpr const char *kMenuPrompt = "Press 1 to talk to someone, or 2 to hear a message.";

bwvoice::Bxml &speak(bwvoice::Bxml &b, const char *text) { return b.open("SpeakSentence").text(text).close(); }

bwvoice::Bxml &menu(bwvoice::Bxml &b) {
    b.open("Gather").attr("gatherUrl", "/gather").attr("maxDigits", 1);
    return speak(b, kMenuPrompt).close();
}

// The BXML answering cb; std::nullopt for the events that need none (204).
std::optional<std::string> answer(const Settings &s, const bwvoice::Callback &cb) {
    using Event = bwvoice::CallbackEvent;
    bwvoice::Bxml b{bwvoice::BxmlKind::response};
    switch (cb.event) {
    case Event::initiate:
    case Event::answer:
        menu(speak(b, "Welcome to bwvoice."));
        break;
    case Event::gather: {
        const std::string digits = cb.digits.value_or("");
        if (digits == "1") {
            speak(b, "Connecting you now.")
                .open("Transfer").attr("transferCompleteUrl", "/transfer-complete")
                .open("PhoneNumber").text(s.transfer_to).close()
                .close();
        } else if (digits == "2") {
            speak(b, "Thank you for trying bwvoice. Goodbye.").open("Hangup").close();
        } else {
            menu(speak(b, "Sorry, that is not an option."));
        }
        break;
    }
    case Event::transfer_complete:
        speak(b, "Your call has ended. Goodbye.").open("Hangup").close();
        break;
    default:
        return std::nullopt;
    }
    return b.render();
}

MhdResult reply(MHD_Connection *conn, unsigned status, const std::string &body = "", const char *type = nullptr,
                const char *header = nullptr, const char *value = nullptr) {
    std::unique_ptr<MHD_Response, decltype(&MHD_destroy_response)> r(
        MHD_create_response_from_buffer(body.size(), const_cast<char *>(body.data()), MHD_RESPMEM_MUST_COPY),
        &MHD_destroy_response);
    if (!r) return MHD_NO;
    if (type) MHD_add_response_header(r.get(), "Content-Type", type);
    if (header) MHD_add_response_header(r.get(), header, value);
    return MHD_queue_response(conn, status, r.get());
}

MhdResult reply_text(MHD_Connection *conn, unsigned status, const std::string &text) {
    return reply(conn, status, text + "\n", "text/plain; charset=utf-8");
}

const std::string kTooLarge = "a callback is at most " + std::to_string(BW_MAX_CALLBACK_BYTES) + " bytes";

// The credentials and the method, before any of the body is read: the
// answer queued, or std::nullopt to go on.
std::optional<MhdResult> refuse(const Settings &s, MHD_Connection *conn, bool is_post, bool is_get) {
    if (s.username) {
        const char *header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        auto verdict = bwvoice::CallbackAuth::refused;
        try {
            verdict = bwvoice::check_callback_auth(header ? std::optional<std::string_view>(header) : std::nullopt,
                                                   *s.username, *s.password);
        } catch (const bwvoice::Error &) {
            // a header the library cannot take: refused
        }
        if (verdict == bwvoice::CallbackAuth::challenge)
            return reply(conn, 401, "", nullptr, MHD_HTTP_HEADER_WWW_AUTHENTICATE, s.challenge.c_str());
        if (verdict != bwvoice::CallbackAuth::ok) return reply(conn, 403);
    }
    if (!is_post && !is_get) return reply(conn, 405, "", nullptr, MHD_HTTP_HEADER_ALLOW, "GET, POST");
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (is_post && length && std::strtoull(length, nullptr, 10) > BW_MAX_CALLBACK_BYTES)
        return reply_text(conn, 413, kTooLarge);
    return std::nullopt;
}

MhdResult handle(const Settings &s, MHD_Connection *conn, bool is_post, const Request &req) {
    bwvoice::Callback cb;
    try {
        cb = is_post ? bwvoice::parse_callback(req.body) : bwvoice::parse_callback_query(req.query);
    } catch (const bwvoice::Error &e) {
        return reply_text(conn, 400, e.message());
    }
    try {
        const std::optional<std::string> doc = answer(s, cb);
        return doc ? reply(conn, 200, *doc, "application/xml; charset=utf-8") : reply(conn, 204);
    } catch (const std::exception &e) {
        std::cerr << "ivr-cpp: " << cb.event_type << ": BXML failed: " << e.what() << "\n";
        return reply_text(conn, 500, "the callback handler failed");
    }
}

MhdResult serve(const Settings &s, MHD_Connection *conn, const char *method, const char *upload_data,
                size_t *upload_data_size, Request *req) {
    const bool is_post = std::strcmp(method, "POST") == 0, is_get = std::strcmp(method, "GET") == 0;
    if (!req->checked) {
        req->checked = true;
        if (auto refused = refuse(s, conn, is_post, is_get)) return *refused;
        return MHD_YES;  // the body, if any, comes in the next calls
    }
    if (*upload_data_size > 0) {
        // Kept up to the limit; past it, noted and discarded (a chunked body).
        if (req->too_large || req->body.size() + *upload_data_size > BW_MAX_CALLBACK_BYTES)
            req->too_large = true;
        else
            req->body.append(upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->too_large) return reply_text(conn, 413, kTooLarge);
    return handle(s, conn, is_post, *req);
}

MhdResult on_request(void *cls, MHD_Connection *conn, const char *, const char *method, const char *,
                     const char *upload_data, size_t *upload_data_size, void **con_cls) {
    auto *req = static_cast<Request *>(*con_cls);  // from on_uri, before this
    if (!req) return MHD_NO;
    try {  // no exception may cross libmicrohttpd's C frames
        return serve(*static_cast<const Settings *>(cls), conn, method, upload_data, upload_data_size, req);
    } catch (...) {
        return MHD_NO;  // out of memory: drop the connection
    }
}

// Called with the raw URI before libmicrohttpd decodes it: the query
// string is kept as sent, for parse_callback_query to decode.
void *on_uri(void *, const char *uri, MHD_Connection *) {
    auto *req = new (std::nothrow) Request;
    const char *query = uri ? std::strchr(uri, '?') : nullptr;
    if (req && query) req->query = query + 1;
    return req;
}

void on_completed(void *, MHD_Connection *, void **con_cls, MHD_RequestTerminationCode) {
    delete static_cast<Request *>(*con_cls);
    *con_cls = nullptr;
}

// --name VALUE or --name=VALUE; advances i past what it took.
std::optional<std::string> option(int argc, char **argv, int &i, const std::string &name) {
    const std::string arg = argv[i];
    if (arg.rfind(name + "=", 0) == 0) return arg.substr(name.size() + 1);
    if (arg != name || i + 1 >= argc) return std::nullopt;
    return std::string(argv[++i]);
}

bool parse_args(int argc, char **argv, Settings &s) {
    for (int i = 1; i < argc; i++) {
        if (auto v = option(argc, argv, i, "--username")) s.username = v;
        else if (auto v = option(argc, argv, i, "--password")) s.password = v;
        else if (auto v = option(argc, argv, i, "--transfer-to")) s.transfer_to = *v;
        else return false;
    }
    return s.username.has_value() == s.password.has_value();
}

}  // namespace

int main(int argc, char **argv) {
    Settings s;
    if (!parse_args(argc, argv, s)) {
        std::cerr << "usage: ivr-cpp [--username USER --password PASS] [--transfer-to E164]\n";
        return 2;
    }
    if (s.username) {
        try {
            bwvoice::check_callback_auth(std::nullopt, *s.username, *s.password);  // refuses empty ones now
            s.challenge = bwvoice::callback_challenge("bwvoice");
        } catch (const bwvoice::Error &e) {
            std::cerr << "ivr-cpp: " << e.field() << ": " << e.message() << "\n";
            return 2;
        }
    }

    // The server's thread inherits this mask; main takes the signals.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr,
                                     on_request, &s, MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr *>(&addr),
                                     MHD_OPTION_URI_LOG_CALLBACK, on_uri, nullptr, MHD_OPTION_NOTIFY_COMPLETED,
                                     on_completed, nullptr, MHD_OPTION_END);
    if (!d) {
        std::cerr << "ivr-cpp: cannot listen on 127.0.0.1\n";
        return 1;
    }
    const MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    std::cout << "listening on http://127.0.0.1:" << (info ? info->port : 0) << std::endl;  // flushed

    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}
