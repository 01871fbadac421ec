#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace roadside::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// A response body that goes on after the headers (Server-Sent Events). The connection loop
// writes the headers, then each chunk next() yields, until it yields nothing or the client goes
// away; the handler never sees the socket.
class StreamSource {
  public:
    virtual ~StreamSource() = default;
    // The next bytes to send, as soon as there are some; nullopt at the end.
    virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
    // The server is shutting down: next() ends soon. Called on the connection's executor.
    virtual void cancel() = 0;
};

// What a route handler returns; the pipeline turns it into an HTTP response.
struct Reply {
    int status = 200;
    std::string body;  // empty for 204
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    // What an Idempotency-Key replay returns, when it must differ from `body` (a secret shown
    // once, such as a new token, is not kept in the idempotency record).
    std::optional<std::string> replay_body;
    // Set for a streaming response: `body` is empty and the stream follows the headers.
    std::shared_ptr<StreamSource> stream = nullptr;

    static Reply json(int status, const nlohmann::json& body);
    static Reply no_content() { return Reply{204, "", "", {}, std::nullopt}; }
};

}  // namespace roadside::api
