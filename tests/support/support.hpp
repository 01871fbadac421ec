#pragma once
// Real parts for database, HTTP and end-to-end tests: a fresh PostgreSQL database per test binary,
// the real server binary on a loopback port, an HTTP client, and a TCP proxy between the server and
// PostgreSQL that a test can cut or freeze to play a database outage.
#include <libpq-fe.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "simulator/http_client.hpp"
#include "simulator/sse_client.hpp"

namespace roadside::testing {

// $ROADSIDE_TEST_DATABASE_URL (set by scripts/test.sh); the test fails loudly without it.
std::string base_database_url();
std::string source_dir();     // $ROADSIDE_SOURCE_DIR
std::string bin_dir();        // $ROADSIDE_BIN_DIR
std::string shakensho_dir();  // the official 車検証 samples, copied to tests/data/shakensho
// The Release (unsanitized) server binary, for measurements: $ROADSIDE_RELEASE_BIN, which
// scripts/test.sh sets after building build/bin/roadside.
std::string release_binary();
// A configuration folder with the given server.json and the project's products and tariff.
std::string config_dir_with(const nlohmann::json& server_json);
// Raises this process's open-file soft limit (a test that opens many connections).
void raise_open_file_limit(int wanted);

// A database created for this test binary and dropped at the end.
class TestDatabase {
  public:
    explicit TestDatabase(const std::string& tag);
    ~TestDatabase();
    const std::string& name() const { return name_; }
    // libpq connection string for this database, optionally through another host/port.
    std::string url() const;
    std::string url_via(const std::string& host, int port) const;
    int port() const;

    // Blocking helpers for assertions (tests may block; the server may not).
    std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql) const;
    std::string scalar(const std::string& sql) const;
    // Runs SQL and returns the SQLSTATE of its error, or "" when it succeeded.
    std::string sqlstate_of(const std::string& sql) const;

  private:
    std::string name_;
};

struct ServerOptions {
    std::string database_url;
    std::string admin_token = "test-admin-token-0123456789abcdef";
    std::map<std::string, std::string> extra_env;
    std::string binary;  // default: $ROADSIDE_BIN_DIR/roadside
};

// build/bin/roadside serve, on 127.0.0.1 and a port the kernel picks.
class ServerProcess {
  public:
    explicit ServerProcess(ServerOptions options);
    ~ServerProcess();
    void start();  // waits until it listens
    // SIGTERM and wait; returns the exit status (-1 when it had to be killed).
    int stop(std::chrono::seconds timeout = std::chrono::seconds{20});
    void kill_hard();  // SIGKILL, as a crash would
    bool running();
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::int64_t resident_memory_kb() const;
    std::string log() const;  // its stderr so far
    const ServerOptions& options() const { return options_; }

  private:
    ServerOptions options_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::string log_path_;
};

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    nlohmann::json json() const;
    std::string error_code() const;  // error.code of an error body, "" otherwise
    std::string header(const std::string& lower_case_name) const;
};

// Blocking HTTP/1.1 client with one keep-alive connection, reopened when the server closes it.
class HttpClient {
  public:
    explicit HttpClient(int port, std::string token = "");
    ~HttpClient();
    void set_token(std::string token) { client_.set_token(std::move(token)); }
    // Connect from another loopback address (127.0.0.2, …): a client somewhere else.
    void set_local_address(std::string address) { client_.set_local_address(std::move(address)); }
    HttpResult get(const std::string& target);
    HttpResult post(const std::string& target, const std::string& body,
                    std::map<std::string, std::string> headers = {});
    HttpResult post_json(const std::string& target, const nlohmann::json& body,
                         std::map<std::string, std::string> headers = {});
    HttpResult request(const std::string& method, const std::string& target,
                       const std::string& body, std::map<std::string, std::string> headers = {});

  private:
    sim::HttpClient client_;
};

// The SSE client of the simulator (GET /v1/events as it streams), under the tests' names.
using SseEvent = sim::SseEvent;
using SseClient = sim::SseClient;

// Sends raw bytes on a new connection and returns everything the server answers until it closes
// the connection or `timeout` passes.
std::string raw_exchange(int port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});

// A TCP proxy to 127.0.0.1:target_port on its own thread.
class TcpProxy {
  public:
    explicit TcpProxy(int target_port);
    ~TcpProxy();
    int port() const { return port_; }
    // Closes every connection and refuses new ones: the database is gone.
    void cut();
    // Keeps connections open but stops forwarding: the database hangs.
    void freeze();
    // Back to normal.
    void restore();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int port_ = 0;
};

// Polls `condition` until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds{10000});

std::string unique_suffix();

// A valid POST /v1/contracts body (the example of spec/api.md): contract number
// number_prefix + suffix, a plate and chassis number of its own, a 12-month term from 2026-01-05.
nlohmann::json sample_contract_body(const std::string& product, const std::string& suffix,
                                    const std::string& number_prefix);  // for contract numbers and plates that no other test uses

}  // namespace roadside::testing
