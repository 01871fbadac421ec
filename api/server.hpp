#pragma once
// The HTTP/1.1 server: one coroutine accepts, one coroutine per connection loops
//   wait (idle timeout) -> read headers (header timeout, header limit) -> read body (body limit)
//   -> handle (request timeout) -> write
// and never sees a handler's internals. Every limit is a named setting (config::ServerSettings).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "api/app.hpp"
#include "api/router.hpp"

namespace roadside::api {

class Server {
  public:
    Server(boost::asio::io_context& ioc, App& app, const Router& router);

    // Binds and listens (throws on failure) and starts accepting. Returns the bound port.
    std::uint16_t start();
    // Stops accepting, closes idle connections and lets requests in flight finish.
    void begin_shutdown();
    // Waits until every connection is closed or `grace` has passed.
    boost::asio::awaitable<void> drained(std::chrono::seconds grace);
    std::int64_t open_connections() const { return app_.metrics.connections_open.load(); }

  private:
    struct Session;
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> run_session(std::shared_ptr<Session> s);
    boost::asio::awaitable<bool> wait_for_request(Session& s);
    boost::asio::awaitable<void> stream_response(Session& s, const Response& head,
                                                 std::shared_ptr<StreamSource> source);
    // The route a request's header names (nullptr when none): decides its body limit.
    const Route* route_of(const Request& header) const;
    boost::asio::awaitable<std::optional<Request>> read_request(Session& s);

    boost::asio::io_context& ioc_;
    App& app_;
    const Router& router_;
    boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    std::mutex sessions_mutex_;
    std::unordered_set<std::shared_ptr<Session>> sessions_;
};

}  // namespace roadside::api
