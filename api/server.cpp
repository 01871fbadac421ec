#include "api/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/log.hpp"
#include "api/pipeline.hpp"
#include <array>

namespace roadside::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace asio::experimental::awaitable_operators;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {
// A connection that read a large request keeps at most this much buffer while idle.
constexpr std::size_t kIdleBufferBytes = 16 * 1024;
constexpr int kListenBacklog = 1024;
constexpr std::chrono::seconds kErrorWriteTimeout{5};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::chrono::milliseconds kDrainPoll{20};
}  // namespace

struct Server::Session {
    explicit Session(tcp::socket socket)
        : stream(std::move(socket)), idle_timer(stream.get_executor()) {}
    beast::tcp_stream stream;
    asio::steady_timer idle_timer;
    beast::flat_buffer buffer;
    bool idle = false;  // touched only on the session's strand
    std::string remote;
    std::shared_ptr<StreamSource> streaming;  // while a streaming response is sent
};

Server::Server(asio::io_context& ioc, App& app, const Router& router)
    : ioc_(ioc),
      app_(app),
      router_(router),
      accept_strand_(asio::make_strand(ioc)),
      acceptor_(accept_strand_) {}

std::uint16_t Server::start() {
    const auto address = asio::ip::make_address(app_.settings.listen_host);
    const tcp::endpoint endpoint(address, app_.settings.listen_port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(kListenBacklog);
    asio::co_spawn(accept_strand_, accept_loop(), asio::detached);
    return acceptor_.local_endpoint().port();
}

awaitable<void> Server::accept_loop() {
    for (;;) {
        auto [ec, socket] =
            co_await acceptor_.async_accept(asio::make_strand(ioc_), asio::as_tuple(use_awaitable));
        if (stopping_) co_return;
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            // Out of file descriptors and the like: wait a little rather than spin.
            log_warn("accept failed: " + ec.message());
            asio::steady_timer pause(accept_strand_, kAcceptRetryDelay);
            co_await pause.async_wait(asio::as_tuple(use_awaitable));
            continue;
        }
        if (app_.metrics.connections_open.load() >= app_.settings.max_connections) {
            ++app_.metrics.connections_rejected;
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto session = std::make_shared<Session>(std::move(socket));
        const auto peer = session->stream.socket().remote_endpoint(ignored);
        session->remote = peer.address().to_string();
        ++app_.metrics.connections_open;
        ++app_.metrics.connections_total;
        {
            std::lock_guard lock(sessions_mutex_);
            sessions_.insert(session);
        }
        asio::co_spawn(session->stream.get_executor(), run_session(session), asio::detached);
    }
}

awaitable<bool> Server::wait_for_request(Session& s) {
    if (s.buffer.size() > 0) co_return true;  // the next request is already here (pipelining)
    if (stopping_) co_return false;
    s.idle = true;
    s.idle_timer.expires_after(app_.settings.idle_timeout_s);
    const auto outcome = co_await (
        s.stream.socket().async_wait(tcp::socket::wait_read, asio::as_tuple(use_awaitable)) ||
        s.idle_timer.async_wait(asio::as_tuple(use_awaitable)));
    s.idle = false;
    if (outcome.index() != 0 || stopping_) co_return false;  // idle too long, or shutting down
    const auto [ec] = std::get<0>(outcome);
    co_return !ec;
}

namespace {

bool is_parse_error(const boost::system::error_code& ec) {
    return ec.category() == beast::http::make_error_code(beast::http::error::bad_method).category();
}

awaitable<void> write_error(beast::tcp_stream& stream, int status, std::string_view code,
                            std::string_view message) {
    auto res = error_response(status, code, message, 11, false);
    stream.expires_after(kErrorWriteTimeout);
    co_await beast::http::async_write(stream, res, asio::as_tuple(use_awaitable));
}

awaitable<void> answer_too_large(beast::tcp_stream& stream, std::size_t body_limit) {
    // The message is built before the co_await (GCC 12 and string temporaries in co_await).
    const std::string message =
        "the request body is larger than " + std::to_string(body_limit) + " bytes";
    co_await write_error(stream, 413, "body_too_large", message);
}

// The response for a request that could not be read; false when the peer is simply gone.
awaitable<bool> answer_read_error(beast::tcp_stream& stream, const boost::system::error_code& ec,
                                  std::size_t body_limit) {
    using he = beast::http::error;
    if (ec == he::body_limit) {
        co_await answer_too_large(stream, body_limit);
        co_return true;
    }
    if (ec == he::header_limit) {
        co_await write_error(stream, 431, "headers_too_large", "the request headers are too large");
        co_return true;
    }
    if (ec == beast::error::timeout) {
        co_await write_error(stream, 408, "request_timeout",
                             "the request was not received in time");
        co_return true;
    }
    if (is_parse_error(ec) && ec != he::end_of_stream && ec != he::partial_message) {
        co_await write_error(stream, 400, "bad_request", "the request is not valid HTTP/1.1");
        co_return true;
    }
    co_return false;
}

// Reads the header (or the rest of the message) within `timeout`. nullopt on success; otherwise
// the error, beast::error::timeout when the deadline passed.
awaitable<std::optional<boost::system::error_code>> read_with_deadline(
    tcp::socket& socket, beast::flat_buffer& buffer,
    beast::http::request_parser<beast::http::string_body>& parser, std::chrono::seconds timeout,
    bool header_only) {
    asio::steady_timer deadline(socket.get_executor(), timeout);
    auto read = [&]() -> awaitable<boost::system::error_code> {
        auto [ec, n] = header_only ? co_await beast::http::async_read_header(
                                         socket, buffer, parser, asio::as_tuple(use_awaitable))
                                   : co_await beast::http::async_read(
                                         socket, buffer, parser, asio::as_tuple(use_awaitable));
        co_return ec;
    };
    const auto outcome = co_await (read() || deadline.async_wait(asio::as_tuple(use_awaitable)));
    if (outcome.index() == 1) co_return boost::system::error_code(beast::error::timeout);
    const auto ec = std::get<0>(outcome);
    if (ec) co_return ec;
    co_return std::nullopt;
}

// After an answer to a request whose body was not read (413, 408…): the sending side is shut
// down and what the client still sends is read and dropped, up to `max_bytes` or `timeout`, before
// the socket is closed. Closing a socket with unread data makes the kernel reset the connection,
// and a reset can destroy the answer before the client has read it; this way a browser that is
// still uploading 50 MB sees the 413.
awaitable<void> linger(tcp::socket& socket, std::size_t max_bytes, std::chrono::seconds timeout) {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    asio::steady_timer deadline(socket.get_executor(), timeout);
    auto drain = [&]() -> awaitable<void> {
        std::array<char, 64 * 1024> scratch{};
        std::size_t dropped = 0;
        while (dropped < max_bytes) {
            auto [ec, n] = co_await socket.async_read_some(asio::buffer(scratch),
                                                           asio::as_tuple(use_awaitable));
            if (ec) co_return;  // the client closed (or reset) its side: done
            dropped += n;
        }
    };
    co_await (drain() || deadline.async_wait(asio::as_tuple(use_awaitable)));
}

// The target's path, without the query.
std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace

const Route* Server::route_of(const Request& header) const {
    return router_.match(header.method(), target_path(header.target())).route;
}

// Reads one request: the header (header timeout), then, within the route's own body limit, the
// body (request or upload timeout). nullopt when the connection must end: the peer left, or the
// request could not be read and was answered (then lingering, so that the answer arrives).
awaitable<std::optional<Request>> Server::read_request(Session& s) {
    const auto& settings = app_.settings;
    namespace http = beast::http;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.header_limit_bytes));
    // The largest body any route takes; the route's own limit is applied once the header says
    // which route it is.
    const std::size_t largest =
        std::max(settings.body_limit_bytes, settings.receipt_image_max_bytes);
    parser.body_limit(largest);
    const auto linger_after = [&](bool answered) -> awaitable<void> {
        if (answered) {
            co_await linger(s.stream.socket(), settings.linger_max_bytes,
                            settings.linger_timeout_s);
        }
    };
    // Reads race a timer on the raw socket: tcp_stream's own timeout would close the socket and
    // leave no way to answer 408.
    const auto header = co_await read_with_deadline(s.stream.socket(), s.buffer, parser,
                                                    settings.header_timeout_s, true);
    if (header) {
        co_await linger_after(co_await answer_read_error(s.stream, *header, largest));
        co_return std::nullopt;
    }
    const Route* route = route_of(parser.get());
    const bool upload = route != nullptr && route->upload;
    const std::size_t body_limit =
        upload ? settings.receipt_image_max_bytes : settings.body_limit_bytes;
    if (parser.content_length() && *parser.content_length() > body_limit) {
        // Answered before the body is read (and without a 100 Continue).
        co_await answer_too_large(s.stream, body_limit);
        co_await linger_after(true);
        co_return std::nullopt;
    }
    parser.body_limit(body_limit);
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        s.stream.expires_after(settings.request_timeout_s);
        auto [cec, cn] = co_await http::async_write(s.stream, go_on, asio::as_tuple(use_awaitable));
        if (cec) co_return std::nullopt;
    }
    if (!parser.is_done()) {
        const auto body = co_await read_with_deadline(
            s.stream.socket(), s.buffer, parser,
            upload ? settings.upload_timeout_s : settings.request_timeout_s, false);
        if (body) {
            co_await linger_after(co_await answer_read_error(s.stream, *body, body_limit));
            co_return std::nullopt;
        }
    }
    co_return parser.release();
}

awaitable<void> Server::run_session(std::shared_ptr<Session> s) {
    const auto& settings = app_.settings;
    namespace http = beast::http;
    try {
        for (;;) {
            if (!co_await wait_for_request(*s)) break;
            std::optional<Request> read = co_await read_request(*s);
            if (!read) break;
            Request req = std::move(*read);

            asio::steady_timer deadline(s->stream.get_executor(), settings.request_timeout_s);
            auto outcome = co_await (handle_request(app_, router_, req, s->remote) ||
                                     deadline.async_wait(asio::as_tuple(use_awaitable)));
            Handled handled =
                outcome.index() == 0
                    ? std::move(std::get<0>(outcome))
                    : Handled{error_response(503, "request_timeout", "the request took too long",
                                             req.version(), false),
                              nullptr};
            if (handled.stream) {
                // A stream is the connection's last response: it ends with the connection.
                co_await stream_response(*s, handled.response, std::move(handled.stream));
                break;
            }
            Response& res = handled.response;
            if (stopping_) res.keep_alive(false);

            s->stream.expires_after(settings.request_timeout_s);
            auto [wec, wn] =
                co_await http::async_write(s->stream, res, asio::as_tuple(use_awaitable));
            if (wec || !res.keep_alive()) break;
            if (s->buffer.size() == 0 && s->buffer.capacity() > kIdleBufferBytes) {
                s->buffer.shrink_to_fit();
            }
        }
    } catch (const std::exception& e) {
        log_error(std::string("connection ended by an error: ") + e.what());
    }
    boost::system::error_code ignored;
    s->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    s->stream.socket().close(ignored);
    --app_.metrics.connections_open;
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s);
}

// Headers, then every chunk the source yields (chunked transfer encoding), until it ends, the
// client goes away or a write does not finish within request_timeout_s (a reader that stopped
// reading). The source is told to end at shutdown.
awaitable<void> Server::stream_response(Session& s, const Response& head,
                                        std::shared_ptr<StreamSource> source) {
    namespace http = beast::http;
    http::response<http::empty_body> res{head.result(), head.version()};
    for (const auto& field : head) {
        if (field.name() != http::field::content_length) {
            res.set(field.name_string(), field.value());
        }
    }
    res.chunked(true);
    res.keep_alive(false);
    {
        std::lock_guard lock(sessions_mutex_);
        s.streaming = source;
    }
    if (stopping_) source->cancel();
    http::response_serializer<http::empty_body> serializer{res};
    s.stream.expires_after(app_.settings.request_timeout_s);
    auto [hec, hn] =
        co_await http::async_write_header(s.stream, serializer, asio::as_tuple(use_awaitable));
    // The client sends nothing more on this connection: readable means it is gone. One wait for
    // the whole stream, not one per chunk (a stream's chunks are many and small).
    const auto gone = std::make_shared<bool>(false);
    if (!hec) {
        s.stream.socket().async_wait(tcp::socket::wait_read,
                                     [source, gone](const boost::system::error_code& ec) {
                                         if (ec == asio::error::operation_aborted) return;
                                         *gone = true;
                                         source->cancel();
                                     });
    }
    while (!hec) {
        const std::optional<std::string> chunk = co_await source->next();
        if (!chunk || *gone) break;
        s.stream.expires_after(app_.settings.request_timeout_s);
        auto [wec, wn] = co_await asio::async_write(
            s.stream, http::make_chunk(asio::buffer(*chunk)), asio::as_tuple(use_awaitable));
        if (wec) break;
    }
    if (!hec && !*gone) {
        s.stream.expires_after(kErrorWriteTimeout);
        co_await asio::async_write(s.stream, http::make_chunk_last(),
                                   asio::as_tuple(use_awaitable));
    }
    std::lock_guard lock(sessions_mutex_);
    s.streaming.reset();
}

void Server::begin_shutdown() {
    stopping_ = true;
    asio::post(accept_strand_, [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
    std::lock_guard lock(sessions_mutex_);
    for (const auto& s : sessions_) {
        asio::post(s->stream.get_executor(), [this, s] {
            if (s->idle) s->idle_timer.cancel();
            std::shared_ptr<StreamSource> streaming;
            {
                std::lock_guard lock(sessions_mutex_);
                streaming = s->streaming;
            }
            if (streaming) streaming->cancel();
        });
    }
}

awaitable<void> Server::drained(std::chrono::seconds grace) {
    const auto until = std::chrono::steady_clock::now() + grace;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (open_connections() > 0 && std::chrono::steady_clock::now() < until) {
        timer.expires_after(kDrainPoll);
        co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
}

}  // namespace roadside::api
