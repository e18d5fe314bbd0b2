// The callback corpus through the C++ wrapper:
//   test_callback_corpus DIR
// DIR is tests/data/callbacks. Every X.json (bwvoice::parse_callback) and
// X.query (bwvoice::parse_callback_query) must give, member by member,
// what bw_callback_parse / bw_callback_parse_query give; the C test checks
// those against X.expected.json, so C++ reads every file as expected too.
#include <bwvoice.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

static int failures = 0;
static std::string current;  // the file being compared

static void fail(const std::string &field, const std::string &what) {
    failures++;
    std::cerr << current << ": " << field << ": " << what << "\n";
}

static void same_text(const std::string &field, const std::optional<std::string> &got, const char *want) {
    if (!want && got) fail(field, "got \"" + *got + "\", expected absent");
    if (want && (!got || *got != want)) fail(field, "got " + (got ? "\"" + *got + "\"" : "nothing") + ", expected \"" + want + "\"");
}

static void same_time(const std::string &field, const std::optional<bwvoice::Time> &got, const char *text, std::int64_t ms) {
    same_text(field, got ? std::optional<std::string>(got->text) : std::nullopt, text);
    if (got && text) {
        const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(got->at.time_since_epoch()).count();
        if (at != ms) fail(field, "at " + std::to_string(at) + " ms, expected " + std::to_string(ms));
    }
}

static void same_count(const std::string &field, const std::optional<std::int32_t> &got, std::int32_t want) {
    const bool ok = want < 0 ? !got : got && *got == want;
    if (!ok) fail(field, "got " + (got ? std::to_string(*got) : std::string("nothing")) + ", expected " + std::to_string(want));
}

static void same_list(const std::string &field, const std::vector<std::string> &got, const char *const *items, std::size_t len) {
    std::vector<std::string> want;
    for (std::size_t i = 0; i < len; i++) want.emplace_back(items[i]);
    if (got != want) fail(field, std::to_string(got.size()) + " items, not the " + std::to_string(len) + " C gives");
}

static void same_pairs(const std::string &field, const bwvoice::KeyValues &got, const bw_key_value *kv, std::size_t len) {
    bwvoice::KeyValues want;
    for (std::size_t i = 0; i < len; i++) want.emplace_back(kv[i].key, kv[i].value);
    if (got != want) fail(field, std::to_string(got.size()) + " pairs, not the " + std::to_string(len) + " C gives");
}

static bool same_presence(const std::string &field, bool got, bool want) {
    if (got != want) fail(field, got ? "present, expected absent" : "absent, expected present");
    return got && want;
}

static void same_transcription(const std::string &field, const std::optional<bwvoice::CallbackTranscription> &got,
                               const bw_callback_transcription *want) {
    if (!same_presence(field, got.has_value(), want != nullptr)) return;
    same_text(field + ".id", got->id, want->id);
    same_text(field + ".name", got->name, want->name);
    same_text(field + ".status", got->status, want->status);
    same_text(field + ".url", got->url, want->url);
    same_time(field + ".completed_time", got->completed_time, want->completed_time, want->completed_time_ms);
    same_time(field + ".start_time", got->start_time, want->start_time, want->start_time_ms);
    same_text(field + ".duration", got->duration, want->duration);
    same_text(field + ".destination", got->destination, want->destination);
    const std::int32_t stabilized = !got->stabilized ? BW_BOOL_UNSET : *got->stabilized ? BW_BOOL_TRUE : BW_BOOL_FALSE;
    if (stabilized != want->stabilized) fail(field + ".stabilized", "not what C gives");
    same_list(field + ".tracks", got->tracks, want->tracks, want->tracks_len);
}

static void same_stream(const std::string &field, const std::optional<bwvoice::CallbackMediaStream> &got,
                        const bw_callback_media_stream *want) {
    if (!same_presence(field, got.has_value(), want != nullptr)) return;
    same_text(field + ".id", got->id, want->id);
    same_text(field + ".name", got->name, want->name);
    same_text(field + ".destination", got->destination, want->destination);
    same_text(field + ".stream_type", got->stream_type, want->stream_type);
    same_time(field + ".start_time", got->start_time, want->start_time, want->start_time_ms);
    same_text(field + ".duration", got->duration, want->duration);
    same_list(field + ".tracks", got->tracks, want->tracks, want->tracks_len);
}

static void compare(const bwvoice::Callback &cb, const bw_callback &c) {
    if (static_cast<std::int32_t>(cb.event) != c.event) fail("event", "not what C gives");
    same_text("event_type", cb.event_type, c.event_type);
    same_time("event_time", cb.event_time, c.event_time, c.event_time_ms);
    same_text("account_id", cb.account_id, c.account_id);
    same_text("application_id", cb.application_id, c.application_id);
    same_text("call_id", cb.call_id, c.call_id);
    same_text("call_url", cb.call_url, c.call_url);
    same_text("parent_call_id", cb.parent_call_id, c.parent_call_id);
    same_text("conference_id", cb.conference_id, c.conference_id);
    same_text("name", cb.name, c.name);
    same_text("from", cb.from, c.from);
    same_text("to", cb.to, c.to);
    same_text("direction", cb.direction, c.direction);
    same_text("tag", cb.tag, c.tag);
    same_time("enqueued_time", cb.enqueued_time, c.enqueued_time, c.enqueued_time_ms);
    same_time("start_time", cb.start_time, c.start_time, c.start_time_ms);
    same_time("answer_time", cb.answer_time, c.answer_time, c.answer_time_ms);
    same_time("end_time", cb.end_time, c.end_time, c.end_time_ms);
    same_text("digits", cb.digits, c.digits);
    same_text("digit", cb.digit, c.digit);
    same_text("terminating_digit", cb.terminating_digit, c.terminating_digit);
    same_text("cause", cb.cause, c.cause);
    same_text("error_message", cb.error_message, c.error_message);
    same_text("error_id", cb.error_id, c.error_id);
    same_count("sip_response_code", cb.sip_response_code, c.sip_response_code);
    same_count("channels", cb.channels, c.channels);
    if (same_presence("machine_detection_result", cb.machine_detection_result.has_value(), c.machine_detection_result != nullptr)) {
        same_text("machine_detection_result.value", cb.machine_detection_result->value, c.machine_detection_result->value);
        same_text("machine_detection_result.duration", cb.machine_detection_result->duration, c.machine_detection_result->duration);
    }
    same_text("recording_id", cb.recording_id, c.recording_id);
    same_text("media_url", cb.media_url, c.media_url);
    same_text("duration", cb.duration, c.duration);
    same_text("file_format", cb.file_format, c.file_format);
    same_text("status", cb.status, c.status);
    same_transcription("transcription", cb.transcription, c.transcription);
    same_text("transfer_caller_id", cb.transfer_caller_id, c.transfer_caller_id);
    same_text("transfer_to", cb.transfer_to, c.transfer_to);
    same_pairs("diversion", cb.diversion, c.diversion, c.diversion_len);
    same_pairs("stir_shaken", cb.stir_shaken, c.stir_shaken, c.stir_shaken_len);
    same_text("uui", cb.uui, c.uui);
    same_text("sip_call_id", cb.sip_call_id, c.sip_call_id);
    same_pairs("sip_headers", cb.sip_headers, c.sip_headers, c.sip_headers_len);
    same_stream("media_stream", cb.media_stream, c.media_stream);
    same_stream("original_media_stream", cb.original_media_stream, c.original_media_stream);
    same_transcription("real_time_transcription", cb.real_time_transcription, c.real_time_transcription);
    same_transcription("original_transcription", cb.original_transcription, c.original_transcription);
    same_text("reason", cb.reason, c.reason);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: test_callback_corpus DIR\n";
        return 2;
    }
    int files = 0;
    for (const auto &entry : fs::directory_iterator(argv[1])) {
        const std::string name = entry.path().filename().string();
        const bool is_query = entry.path().extension() == ".query";
        const bool is_body = entry.path().extension() == ".json" && name.find(".expected.") == std::string::npos;
        if (!is_query && !is_body) continue;
        files++;
        current = name;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // A query file's final newline is not part of the query string.
        while (is_query && !data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
        bw_callback *c = nullptr;
        bw_error err = BW_ERROR_INIT;
        const bw_status st = is_query ? bw_callback_parse_query(data.c_str(), &c, &err)
                                      : bw_callback_parse(data.data(), data.size(), &c, &err);
        if (st != BW_OK) {
            fail("(C)", std::string("did not parse: ") + err.message);
            continue;
        }
        try {
            compare(is_query ? bwvoice::parse_callback_query(data) : bwvoice::parse_callback(data), *c);
        } catch (const bwvoice::Error &e) {
            fail("(C++)", std::string("did not parse: ") + e.what());
        }
        bw_callback_free(c);
    }
    if (files < 40) fail(argv[1], "only " + std::to_string(files) + " corpus files");
    std::cout << "callback corpus: " << files << " files, " << failures << " differences\n";
    return failures ? 1 : 0;
}
