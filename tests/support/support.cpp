#include "support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <fstream>
#include <future>
#include <list>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

namespace roadside::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string env_or_fail(const char* name, const char* hint) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        throw std::runtime_error(std::string(name) + " is not set: " + hint);
    }
    return v;
}

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgRes = std::unique_ptr<PGresult, PgResultDeleter>;

PgConn connect_blocking(const std::string& url) {
    PgConn c(PQconnectdb(url.c_str()));
    if (PQstatus(c.get()) != CONNECTION_OK) {
        throw std::runtime_error("test database connection failed (" + url +
                                 "): " + PQerrorMessage(c.get()));
    }
    return c;
}

void exec_or_throw(PGconn* c, const std::string& sql) {
    PgRes r(PQexec(c, sql.c_str()));
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        throw std::runtime_error("SQL failed: " + sql + ": " + PQresultErrorMessage(r.get()));
    }
}

}  // namespace

std::string base_database_url() {
    return env_or_fail("ROADSIDE_TEST_DATABASE_URL",
                       "database tests need the throwaway cluster scripts/test.sh starts");
}

std::string source_dir() {
    return env_or_fail("ROADSIDE_SOURCE_DIR", "run the tests with ctest");
}
std::string bin_dir() {
    return env_or_fail("ROADSIDE_BIN_DIR", "run the tests with ctest");
}
std::string shakensho_dir() { return source_dir() + "/tests/data/shakensho"; }

std::string release_binary() {
    return env_or_fail("ROADSIDE_RELEASE_BIN",
                       "memory is measured on the Release build that scripts/test.sh builds");
}

std::string config_dir_with(const nlohmann::json& server_json) {
    char dir_template[] = "/tmp/roadside-config.XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    const std::string dir = dir_template;
    std::ofstream(dir + "/server.json") << server_json.dump(2);
    if (symlink((source_dir() + "/config/products").c_str(), (dir + "/products").c_str()) != 0 ||
        symlink((source_dir() + "/config/tariff.json").c_str(), (dir + "/tariff.json").c_str()) !=
            0 ||
        symlink((source_dir() + "/config/payout.json").c_str(), (dir + "/payout.json").c_str()) !=
            0) {
        throw std::runtime_error("symlink failed");
    }
    return dir;
}

void raise_open_file_limit(int wanted) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < static_cast<rlim_t>(wanted)) {
        lim.rlim_cur = std::min(static_cast<rlim_t>(wanted), lim.rlim_max);
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

nlohmann::json sample_contract_body(const std::string& product, const std::string& suffix,
                                    const std::string& number_prefix) {
    return {
        {"contract_no", number_prefix + suffix},
        {"product_id", product},
        {"start_date", "2026-01-05"},
        {"term_months", 12},
        {"zero_deductible", false},
        {"corporate", false},
        {"mileage_limit_km", nullptr},
        {"odometer_at_start_km", 45210},
        {"holder",
         {{"name", "山田 太郎"},
          {"name_kana", "ヤマダ タロウ"},
          {"birth_date", "1980-04-01"},
          {"phone", "090-1234-5678"},
          {"address", "東京都千代田区"}}},
        {"home", {{"lat", 35.6812}, {"lon", 139.7671}}},
        {"vehicle",
         {{"plate", "品川 300 あ " + suffix},
          {"chassis_no", "GDJ150-" + suffix},
          {"length_mm", 4690},
          {"width_mm", 1690},
          {"height_mm", 1990},
          {"gross_weight_kg", 2500},
          {"seating_capacity", 5},
          {"kind", "small"},
          {"use", "passenger"},
          {"private_use", true},
          {"body_shape", "箱型"},
          {"inspection_expiry", "2027-01-25"}}},
    };
}

std::string unique_suffix() {
    static std::atomic<int> counter{0};
    static const auto seed = std::random_device{}();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d%04x%d", static_cast<int>(getpid()), seed & 0xFFFF,
                  counter.fetch_add(1));
    return buf;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return condition();
}

// ---------------------------------------------------------------------------------------------
// TestDatabase

TestDatabase::TestDatabase(const std::string& tag) {
    name_ = "rs_" + tag + "_" + unique_suffix();
    PgConn c = connect_blocking(base_database_url());
    exec_or_throw(c.get(), "CREATE DATABASE " + name_);
}

TestDatabase::~TestDatabase() {
    try {
        PgConn c = connect_blocking(base_database_url());
        exec_or_throw(c.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
        // The cluster is thrown away with the test run anyway.
    }
}

std::string TestDatabase::url() const {
    return base_database_url() + " dbname=" + name_;
}

std::string TestDatabase::url_via(const std::string& host, int port) const {
    return base_database_url() + " host=" + host + " port=" + std::to_string(port) +
           " dbname=" + name_;
}

int TestDatabase::port() const {
    const std::string base = base_database_url();
    const auto pos = base.find("port=");
    if (pos == std::string::npos) return 5432;
    return std::atoi(base.c_str() + pos + 5);
}

std::vector<std::vector<std::optional<std::string>>> TestDatabase::query(
    const std::string& sql) const {
    PgConn c = connect_blocking(url());
    PgRes r(PQexec(c.get(), sql.c_str()));
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        throw std::runtime_error("SQL failed: " + sql + ": " + PQresultErrorMessage(r.get()));
    }
    std::vector<std::vector<std::optional<std::string>>> rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        std::vector<std::optional<std::string>> row;
        for (int j = 0; j < PQnfields(r.get()); ++j) {
            if (PQgetisnull(r.get(), i, j)) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(PQgetvalue(r.get(), i, j));
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string TestDatabase::scalar(const std::string& sql) const {
    const auto rows = query(sql);
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
    return *rows[0][0];
}

std::string TestDatabase::sqlstate_of(const std::string& sql) const {
    PgConn c = connect_blocking(url());
    PgRes r(PQexec(c.get(), sql.c_str()));
    const auto st = PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return "";
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    return state ? state : "?????";
}

// ---------------------------------------------------------------------------------------------
// ServerProcess

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) stop();
    if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

void ServerProcess::start() {
    if (pid_ > 0) throw std::runtime_error("server already running");
    char log_template[] = "/tmp/roadside-server-log.XXXXXX";
    const int log_fd = mkstemp(log_template);
    if (log_fd < 0) throw std::runtime_error("mkstemp failed");
    log_path_ = log_template;
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    const std::string binary = options_.binary.empty() ? bin_dir() + "/roadside" : options_.binary;
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // A test binary that crashes must not leave its server running.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out[1], STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        close(log_fd);
        setenv("ROADSIDE_DATABASE_URL", options_.database_url.c_str(), 1);
        setenv("ROADSIDE_ADMIN_TOKEN", options_.admin_token.c_str(), 1);
        setenv("ROADSIDE_LISTEN", "127.0.0.1:0", 1);
        setenv("ROADSIDE_CONFIG_DIR", (source_dir() + "/config").c_str(), 1);
        for (const auto& [k, v] : options_.extra_env) setenv(k.c_str(), v.c_str(), 1);
        execl(binary.c_str(), "roadside", "serve", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    close(log_fd);
    pid_ = pid;
    // Wait for "roadside: listening on http://127.0.0.1:PORT".
    std::string line;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{out[0], POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char c;
            const ssize_t n = read(out[0], &c, 1);
            if (n <= 0) break;
            if (c != '\n') {
                line.push_back(c);
                continue;
            }
            const auto pos = line.rfind(':');
            if (line.find("listening on") != std::string::npos && pos != std::string::npos) {
                port_ = std::atoi(line.c_str() + pos + 1);
                close(out[0]);
                return;
            }
            line.clear();
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
    }
    close(out[0]);
    const std::string output = log();
    if (pid_ > 0) kill_hard();
    throw std::runtime_error("the server did not start; its log:\n" + output);
}

int ServerProcess::stop(std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    kill_hard();
    return -1;
}

void ServerProcess::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

bool ServerProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

std::int64_t ServerProcess::resident_memory_kb() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
    }
    return -1;
}

std::string ServerProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---------------------------------------------------------------------------------------------
// HTTP

nlohmann::json HttpResult::json() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) {
        ADD_FAILURE() << "response is not JSON (status " << status << "): " << body.substr(0, 500);
        return nlohmann::json::object();
    }
    return j;
}

std::string HttpResult::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

std::string HttpResult::error_code() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("error")) return "";
    return j["error"].value("code", "");
}

HttpClient::HttpClient(int port, std::string token) : client_("127.0.0.1", port, std::move(token)) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::get(const std::string& target) {
    return request("GET", target, "");
}

HttpResult HttpClient::post(const std::string& target, const std::string& body,
                            std::map<std::string, std::string> headers) {
    return request("POST", target, body, std::move(headers));
}

HttpResult HttpClient::post_json(const std::string& target, const nlohmann::json& body,
                                 std::map<std::string, std::string> headers) {
    headers.emplace("Content-Type", "application/json");
    return request("POST", target, body.dump(), std::move(headers));
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               std::map<std::string, std::string> headers) {
    sim::HttpResponse r = client_.request(method, target, body, headers);
    HttpResult out;
    out.status = r.status;
    out.headers = std::move(r.headers);
    out.body = std::move(r.body);
    return out;
}

// ---------------------------------------------------------------------------------------------
// SseClient

nlohmann::json SseEvent::json() const {
    auto j = nlohmann::json::parse(data, nullptr, false);
    if (j.is_discarded()) {
        ADD_FAILURE() << "event data is not JSON: " << data.substr(0, 300);
        return nlohmann::json::object();
    }
    return j;
}

SseClient::SseClient(int port, std::map<std::string, std::string> headers, std::string target,
                     int receive_buffer_bytes) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer_bytes > 0) {
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect failed");
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nAccept: text/event-stream\r\n";
    for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        throw std::runtime_error("send failed");
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (raw_.find("\r\n\r\n") == std::string::npos) {
        if (!fill(until)) throw std::runtime_error("no response head: " + raw_);
    }
    const auto head_end = raw_.find("\r\n\r\n");
    std::istringstream head(raw_.substr(0, head_end));
    raw_.erase(0, head_end + 4);
    std::string line;
    std::getline(head, line);
    status_ = std::atoi(line.c_str() + 9);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers_[name] = line.substr(std::min(line.size(), colon + 2));
    }
    if (status_ != 200) {
        const std::size_t length = std::strtoul(header("content-length").c_str(), nullptr, 10);
        while (raw_.size() < length && fill(until)) {
        }
        error_body_ = raw_;
        ended_ = true;
    }
}

SseClient::~SseClient() {
    if (fd_ >= 0) ::close(fd_);
}

std::string SseClient::header(const std::string& name) const {
    const auto it = headers_.find(name);
    return it == headers_.end() ? "" : it->second;
}

bool SseClient::fill(std::chrono::steady_clock::time_point until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count()))) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
        ended_ = true;
        return false;
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    return true;
}

// One chunk of the chunked body from raw_, when a whole one is there.
std::optional<std::string> SseClient::next_chunk_data() {
    const auto eol = raw_.find("\r\n");
    if (eol == std::string::npos) return std::nullopt;
    const std::size_t size = std::strtoul(raw_.substr(0, eol).c_str(), nullptr, 16);
    if (raw_.size() < eol + 2 + size + 2) return std::nullopt;
    std::string data = raw_.substr(eol + 2, size);
    raw_.erase(0, eol + 2 + size + 2);
    if (size == 0) ended_ = true;
    return data;
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        while (const auto chunk = next_chunk_data()) stream_ += *chunk;
        const auto end = stream_.find("\n\n");
        if (end != std::string::npos) {
            const std::string block = stream_.substr(0, end);
            stream_.erase(0, end + 2);
            SseEvent e;
            bool any = false;
            std::istringstream lines(block);
            std::string line;
            while (std::getline(lines, line)) {
                if (line.starts_with(":")) {
                    ++comments_;
                    continue;
                }
                const auto colon = line.find(':');
                const std::string field = line.substr(0, colon);
                std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
                if (value.starts_with(" ")) value.erase(0, 1);
                if (field == "id") e.id = value;
                if (field == "event") e.event = value;
                if (field == "data") e.data += value;
                if (field == "retry") retry_ = value;
                any = any || field == "event" || field == "data";
            }
            if (any) return e;
            continue;
        }
        if (!fill(until)) {
            // Whatever arrived with the end is decoded once more before giving up.
            while (const auto chunk = next_chunk_data()) stream_ += *chunk;
            if (stream_.find("\n\n") != std::string::npos) continue;
            return std::nullopt;
        }
    }
}

std::vector<SseEvent> SseClient::drain(std::chrono::milliseconds quiet) {
    std::vector<SseEvent> out;
    while (auto e = next(quiet)) out.push_back(std::move(*e));
    return out;
}

std::string raw_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    boost::system::error_code ec;
    asio::write(stream, asio::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (;;) {
        const std::size_t n = stream.read_some(asio::buffer(buf), ec);
        out.append(buf, n);
        if (ec) break;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// TcpProxy

struct TcpProxy::Impl {
    explicit Impl(int target) : target_port(target), acceptor(ioc) {}
    int target_port;
    asio::io_context ioc;
    tcp::acceptor acceptor;
    std::thread thread;
    std::atomic<bool> cut{false};
    std::atomic<bool> frozen{false};
    struct Link {
        tcp::socket a;
        tcp::socket b;
    };
    std::list<std::shared_ptr<Link>> links;  // io thread only

    asio::awaitable<void> pump(std::shared_ptr<Link> link, bool a_to_b) {
        tcp::socket& from = a_to_b ? link->a : link->b;
        tcp::socket& to = a_to_b ? link->b : link->a;
        char buf[16384];
        asio::steady_timer pause(ioc);
        for (;;) {
            while (frozen) {
                pause.expires_after(std::chrono::milliseconds{10});
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            auto [ec, n] = co_await from.async_read_some(asio::buffer(buf),
                                                         asio::as_tuple(asio::use_awaitable));
            if (ec) break;
            while (frozen) {
                pause.expires_after(std::chrono::milliseconds{10});
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf, n),
                                                        asio::as_tuple(asio::use_awaitable));
            if (wec) break;
        }
        boost::system::error_code ignored;
        link->a.close(ignored);
        link->b.close(ignored);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            if (cut) continue;  // the socket closes as it goes out of scope
            tcp::socket upstream(ioc);
            auto [cec] = co_await upstream.async_connect(
                tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                              static_cast<unsigned short>(target_port)),
                asio::as_tuple(asio::use_awaitable));
            if (cec) continue;
            auto link = std::make_shared<Link>(Link{std::move(socket), std::move(upstream)});
            links.push_back(link);
            asio::co_spawn(ioc, pump(link, true), asio::detached);
            asio::co_spawn(ioc, pump(link, false), asio::detached);
        }
    }

    void run_on_io(std::function<void()> f) {
        std::promise<void> done;
        asio::post(ioc, [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }
};

TcpProxy::TcpProxy(int target_port) : impl_(std::make_unique<Impl>(target_port)) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

TcpProxy::~TcpProxy() {
    impl_->run_on_io([this] {
        boost::system::error_code ignored;
        impl_->acceptor.close(ignored);
        for (auto& l : impl_->links) {
            l->a.close(ignored);
            l->b.close(ignored);
        }
    });
    impl_->frozen = false;
    impl_->ioc.stop();
    impl_->thread.join();
}

void TcpProxy::cut() {
    impl_->cut = true;
    impl_->frozen = false;
    impl_->run_on_io([this] {
        boost::system::error_code ignored;
        for (auto& l : impl_->links) {
            l->a.close(ignored);
            l->b.close(ignored);
        }
        impl_->links.clear();
    });
}

void TcpProxy::freeze() {
    impl_->frozen = true;
}

void TcpProxy::restore() {
    impl_->cut = false;
    impl_->frozen = false;
}

}  // namespace roadside::testing
