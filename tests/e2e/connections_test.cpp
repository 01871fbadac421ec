// Connection limits, timeouts and memory, measured on the real server.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>

#include "support.hpp"

namespace roadside::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A keep-alive connection that has made one request and then sits idle.
struct IdleConnection {
    explicit IdleConnection(asio::io_context& ioc) : socket(ioc) {}
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
};

int open_idle(asio::io_context& ioc, int port, const std::string& token,
              std::vector<std::unique_ptr<IdleConnection>>& out, int count) {
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        auto c = std::make_unique<IdleConnection>(ioc);
        boost::system::error_code ec;
        c->socket.connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
            ec);
        if (ec) break;
        http::request<http::string_body> req{http::verb::get, "/v1/products", 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::authorization, "Bearer " + token);
        http::write(c->socket, req, ec);
        http::response<http::string_body> res;
        if (!ec) http::read(c->socket, c->buffer, res, ec);
        if (ec || res.result_int() != 200 || !res.keep_alive()) break;
        out.push_back(std::move(c));
        ++ok;
    }
    return ok;
}

std::int64_t metric(HttpClient& c, const std::string& name) {
    const std::string body = c.get("/metrics").body;
    const auto pos = body.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::atoll(body.c_str() + pos + name.size() + 2);
}

TEST(Connections, ThousandIdleKeepAliveConnectionsStayUnder100MB) {
    // Measured on the Release binary: sanitizers multiply memory use and would say nothing
    // about the product.
    raise_open_file_limit(4096);
    TestDatabase db("memory");
    ServerOptions options;
    options.database_url = db.url();
    options.binary = release_binary();
    ServerProcess server(options);
    server.start();
    HttpClient probe(server.port(), options.admin_token);
    for (int i = 0; i < 50; ++i) ASSERT_EQ(probe.get("/v1/products").status, 200);
    const std::int64_t idle_kb = server.resident_memory_kb();

    asio::io_context ioc;
    std::vector<std::unique_ptr<IdleConnection>> conns;
    ASSERT_EQ(open_idle(ioc, server.port(), options.admin_token, conns, 1000), 1000);
    std::this_thread::sleep_for(200ms);
    const std::int64_t loaded_kb = server.resident_memory_kb();
    EXPECT_GE(metric(probe, "roadside_http_connections_open"), 1000);
    // Still answering with all of them open.
    EXPECT_EQ(probe.get("/v1/products").status, 200);
    std::printf(
        "[ figures  ] server RSS: %.1f MB idle, %.1f MB with 1000 idle keep-alive "
        "connections (%.1f KB per connection)\n",
        idle_kb / 1024.0, loaded_kb / 1024.0, (loaded_kb - idle_kb) / 1000.0);
    EXPECT_LT(loaded_kb, 100 * 1024) << "resident memory over 100 MB";
    conns.clear();
    EXPECT_TRUE(eventually([&] { return metric(probe, "roadside_http_connections_open") <= 1; }));
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(Connections, LimitsFromTheConfigurationAreEnforced) {
    raise_open_file_limit(4096);
    TestDatabase db("limits");
    ServerOptions options;
    options.database_url = db.url();
    const std::string config = config_dir_with({{"max_connections", 20},
                                                {"header_timeout_s", 1},
                                                {"idle_timeout_s", 2},
                                                {"request_timeout_s", 5}});
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config;
    ServerProcess server(options);
    server.start();

    // max_connections: the 21st connection is closed at once; a slot frees when one leaves.
    asio::io_context ioc;
    std::vector<std::unique_ptr<IdleConnection>> conns;
    ASSERT_EQ(open_idle(ioc, server.port(), options.admin_token, conns, 20), 20);
    EXPECT_EQ(raw_exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 2000ms), "");
    conns.pop_back();
    HttpClient probe(server.port());
    EXPECT_TRUE(eventually(
        [&] {
            try {
                return probe.get("/metrics").status == 200;
            } catch (const std::exception&) {
                return false;
            }
        },
        5s));
    EXPECT_GE(metric(probe, "roadside_http_connections_rejected_total"), 1);
    conns.clear();
    // The server notices the closed connections; until then the cap of 20 still holds.
    ASSERT_TRUE(eventually([&] { return metric(probe, "roadside_http_connections_open") <= 1; }));

    // header_timeout_s: a client that never finishes its headers gets 408 and is closed.
    auto start = std::chrono::steady_clock::now();
    std::string answer = raw_exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n", 10s);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_NE(answer.find("408"), std::string::npos) << answer;
    EXPECT_NE(answer.find("request_timeout"), std::string::npos);
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 5s);

    // idle_timeout_s: an idle keep-alive connection is closed after it.
    ASSERT_EQ(open_idle(ioc, server.port(), options.admin_token, conns, 1), 1);
    start = std::chrono::steady_clock::now();
    char byte;
    boost::system::error_code ec;
    conns[0]->socket.read_some(asio::buffer(&byte, 1), ec);  // returns when the server closes
    took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_GE(took, 1500ms);
    EXPECT_LT(took, 6s);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(Connections, InvalidConfigurationStopsTheServerNamingTheField) {
    TestDatabase db("badconfig");
    ServerOptions options;
    options.database_url = db.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with({{"max_connections", 0}});
    ServerProcess server(options);
    try {
        server.start();
        FAIL() << "the server started with max_connections = 0";
    } catch (const std::runtime_error& e) {
        const std::string log = e.what();
        EXPECT_NE(log.find("server.json"), std::string::npos) << log;
        EXPECT_NE(log.find("max_connections"), std::string::npos) << log;
    }
}

}  // namespace
}  // namespace roadside::testing
