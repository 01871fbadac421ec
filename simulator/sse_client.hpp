#pragma once
// A blocking client of GET /v1/events (Server-Sent Events) on a connection of its own: what the
// tests and bench-events read live events with. Loopback only, like the rest of the simulator.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace roadside::sim {

// One Server-Sent Events frame.
struct SseEvent {
    std::string id;
    std::string event;
    std::string data;
    nlohmann::json json() const;  // data, parsed (an empty object when it is not JSON)
};

// GET /v1/events (or `target`) read as it streams: the status and headers first, then one frame
// at a time.
class SseClient {
  public:
    // `receive_buffer_bytes` > 0 shrinks the socket's receive buffer (a slow reader's).
    SseClient(int port, std::map<std::string, std::string> headers,
              std::string target = "/v1/events", int receive_buffer_bytes = 0);
    ~SseClient();
    SseClient(const SseClient&) = delete;
    SseClient& operator=(const SseClient&) = delete;

    int status() const { return status_; }
    std::string header(const std::string& lower_case_name) const;
    const std::string& error_body() const { return error_body_; }  // when the status is not 200
    // The next frame with an event or data (comments are counted, not returned); nullopt when
    // `timeout` passes or the stream has ended.
    std::optional<SseEvent> next(std::chrono::milliseconds timeout);
    // Frames until `timeout` passes without one, or the stream ends.
    std::vector<SseEvent> drain(std::chrono::milliseconds quiet);
    bool ended() const { return ended_; }  // the server closed the stream
    int comments() const { return comments_; }
    std::string retry() const { return retry_; }
    // The connection, for a caller that only drains it (bench-events' idle streams).
    int socket() const { return fd_; }

  private:
    bool fill(std::chrono::steady_clock::time_point until);  // more bytes; false on timeout/end
    std::optional<std::string> next_chunk_data();
    int fd_ = -1;
    int status_ = 0;
    std::map<std::string, std::string> headers_;
    std::string error_body_;
    std::string raw_;     // bytes read, not yet decoded
    std::string stream_;  // decoded body, not yet parsed into frames
    bool ended_ = false;
    int comments_ = 0;
    std::string retry_;
};

}  // namespace roadside::sim
