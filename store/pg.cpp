#include "store/pg.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cstdio>
#include <functional>

namespace roadside::store {

using namespace asio::experimental::awaitable_operators;
using asio::awaitable;
using asio::use_awaitable;

// ---------------------------------------------------------------------------------------------
// Result

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(res_.get());
    std::int64_t v = 0;
    std::from_chars(n, n + std::char_traits<char>::length(n), v);
    return v;
}

std::string_view Result::text(int row, int col) const {
    return {PQgetvalue(res_.get(), row, col),
            static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

std::optional<std::string> Result::opt_string(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return string(row, col);
}

std::int64_t Result::int64(int row, int col) const {
    const std::string_view t = text(row, col);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size()) {
        throw DbError("column " + std::to_string(col) + " is not an integer", "", "");
    }
    return v;
}

std::optional<std::int64_t> Result::opt_int64(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return int64(row, col);
}

double Result::float64(int row, int col) const {
    // std::from_chars for double is in libstdc++ 11+; PostgreSQL prints shortest-exact digits.
    const std::string_view t = text(row, col);
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size()) {
        throw DbError("column " + std::to_string(col) + " is not a number", "", "");
    }
    return v;
}

core::Date Result::date(int row, int col) const {
    const auto d = core::parse_date(text(row, col));
    if (!d) throw DbError("column " + std::to_string(col) + " is not a date", "", "");
    return *d;
}

std::optional<core::Date> Result::opt_date(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return date(row, col);
}

std::vector<std::string> Result::text_array(int row, int col) const {
    std::vector<std::string> out;
    std::string_view t = text(row, col);
    if (t.size() < 2 || t.front() != '{' || t.back() != '}') return out;
    t = t.substr(1, t.size() - 2);
    while (!t.empty()) {
        const auto comma = t.find(',');
        out.emplace_back(t.substr(0, comma));
        if (comma == std::string_view::npos) break;
        t.remove_prefix(comma + 1);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Params

Params& Params::add(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    values_.emplace_back(buf);
    return *this;
}

Params& Params::add_instant(core::Instant t) {
    // UTC with an explicit offset, which timestamptz reads whatever the session time zone is.
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const core::Date d{day};
    const std::chrono::hh_mm_ss<std::chrono::seconds> tod{t - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00",
                  static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()), static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
    values_.emplace_back(buf);
    return *this;
}

Params& Params::add_bytea(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xF]);
    }
    values_.emplace_back(std::move(out));
    return *this;
}

Params& Params::add_binary(std::string_view bytes) {
    return add_binary(std::string(bytes));
}

Params& Params::add_binary(std::string&& bytes) {
    binary_.push_back(values_.size());
    values_.emplace_back(std::move(bytes));
    return *this;
}

Params& Params::add_text_array(const std::vector<std::string>& items) {
    // Array literal with every element quoted; quotes and backslashes escaped.
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.push_back('"');
        for (const char c : items[i]) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('}');
    values_.emplace_back(std::move(out));
    return *this;
}

// ---------------------------------------------------------------------------------------------
// Connection

namespace {

// Waits until the descriptor is ready, or the timeout passes; true when ready.
awaitable<bool> wait_ready(asio::posix::stream_descriptor& d,
                           asio::posix::descriptor_base::wait_type type, milliseconds timeout) {
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    const auto outcome = co_await (d.async_wait(type, asio::as_tuple(use_awaitable)) ||
                                   timer.async_wait(asio::as_tuple(use_awaitable)));
    if (outcome.index() != 0) co_return false;
    const auto [ec] = std::get<0>(outcome);
    co_return !ec;
}

std::string trimmed_error(PGconn* c) {
    std::string m = PQerrorMessage(c);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

bool unavailable_state(std::string_view sqlstate) {
    // 08: connection exception; 53: insufficient resources; 57P0x: server shutting down;
    // 57014: statement timeout (the database is too slow to answer in time).
    return sqlstate.starts_with("08") || sqlstate.starts_with("53") ||
           sqlstate.starts_with("57P0") || sqlstate == "57014";
}

struct ConninfoDeleter {
    void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

// libpq looks host names up with a blocking getaddrinfo() inside the "non-blocking" connect
// (its documentation: use hostaddr to prevent DNS queries). A single host name is resolved here
// with Asio's resolver, off the I/O threads, and handed over as host=h,h,... hostaddr=a1,a2,...
// so that libpq still tries every address in turn and keeps the name for authentication and TLS.
//
// The host name to look up and its port, when the connection string has exactly one host name
// (not a socket path, not an address, no hostaddr already).
std::optional<std::pair<std::string, std::string>> host_to_resolve(const std::string& conninfo) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, ConninfoDeleter> parsed(
        PQconninfoParse(conninfo.c_str(), &error));
    if (error != nullptr) PQfreemem(error);
    if (!parsed) return std::nullopt;  // libpq will report the malformed string itself
    std::string host;
    std::string hostaddr;
    std::string port;
    for (auto* o = parsed.get(); o->keyword != nullptr; ++o) {
        const std::string value = o->val ? o->val : "";
        if (std::string_view(o->keyword) == "host") host = value;
        if (std::string_view(o->keyword) == "hostaddr") hostaddr = value;
        if (std::string_view(o->keyword) == "port") port = value;
    }
    if (host.empty() || !hostaddr.empty() || host.front() == '/' || host.front() == '@' ||
        host.find(',') != std::string::npos || port.find(',') != std::string::npos) {
        return std::nullopt;
    }
    boost::system::error_code literal;
    asio::ip::make_address(host, literal);
    if (!literal) return std::nullopt;  // already an address
    return std::make_pair(host, port.empty() ? std::string("5432") : port);
}

// host=h,h,... hostaddr=a1,a2,... for every address found.
std::vector<std::pair<std::string, std::string>> host_keywords(
    const std::string& host, const asio::ip::tcp::resolver::results_type& found) {
    std::string hosts;
    std::string addresses;
    for (const auto& entry : found) {
        if (!hosts.empty()) {
            hosts += ',';
            addresses += ',';
        }
        hosts += host;
        addresses += entry.endpoint().address().to_string();
    }
    if (addresses.empty()) throw DbUnavailable("the database host " + host + " has no address");
    return {{"host", hosts}, {"hostaddr", addresses}};
}

// (Kept minimal, without strings built in its frame: GCC 12 mishandles some of those in
// coroutines.)
awaitable<asio::ip::tcp::resolver::results_type> resolve(const std::string& host,
                                                         const std::string& port,
                                                         milliseconds timeout) {
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (resolver.async_resolve(host, port, asio::as_tuple(use_awaitable)) ||
                             timer.async_wait(asio::as_tuple(use_awaitable)));
    if (outcome.index() != 0) throw DbUnavailable("looking up the database host timed out");
    if (std::get<0>(std::get<0>(outcome))) {
        throw DbUnavailable("cannot look up the database host: " +
                            std::get<0>(std::get<0>(outcome)).message());
    }
    co_return std::get<1>(std::get<0>(std::move(outcome)));
}

}  // namespace

awaitable<std::unique_ptr<Connection>> Connection::open(const ConnectOptions& options) {
    const auto ex = co_await asio::this_coro::executor;
    std::vector<std::pair<std::string, std::string>> resolved;
    if (const auto target = host_to_resolve(options.conninfo)) {
        const auto found = co_await resolve(target->first, target->second, options.connect_timeout);
        resolved = host_keywords(target->first, found);
    }
    const std::string server_options =
        "-c statement_timeout=" + std::to_string(options.statement_timeout.count()) +
        " -c TimeZone=UTC";
    // Keywords are processed in order and the last value wins: ours come first, so that a value
    // in the configured connection string (the dbname entry, expanded) takes precedence.
    const char* keys[] = {
        "application_name",    "options",          "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "dbname",     nullptr};
    const char* values[] = {"roadside", server_options.c_str(),   "1",    "30", "10",
                            "3",        options.conninfo.c_str(), nullptr};
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectStartParams(keys, values, 1),
                                                      &PQfinish);
    if (!conn) throw DbUnavailable("cannot allocate a database connection");
    if (PQstatus(conn.get()) == CONNECTION_BAD) {
        throw DbUnavailable("database connection failed: " + trimmed_error(conn.get()));
    }
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
    while (poll != PGRES_POLLING_OK) {
        if (poll == PGRES_POLLING_FAILED) {
            throw DbUnavailable("database connection failed: " + trimmed_error(conn.get()));
        }
        const int fd = PQsocket(conn.get());
        if (fd < 0) throw DbUnavailable("database connection has no socket");
        const auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= milliseconds{0}) throw DbUnavailable("database connection timed out");
        // The socket can change between polls (several hosts): wrap it anew every time, and
        // release it so that libpq stays its only owner.
        asio::posix::stream_descriptor sock(ex, fd);
        const bool ready = co_await wait_ready(sock,
                                               poll == PGRES_POLLING_READING
                                                   ? asio::posix::descriptor_base::wait_read
                                                   : asio::posix::descriptor_base::wait_write,
                                               left);
        sock.release();
        if (!ready) throw DbUnavailable("database connection timed out");
        poll = PQconnectPoll(conn.get());
    }
    // Server NOTICEs ("relation already exists, skipping") are not errors; libpq would print them
    // on stderr.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    if (PQsetnonblocking(conn.get(), 1) != 0) {
        throw DbUnavailable("cannot make the database connection non-blocking");
    }
    co_return std::unique_ptr<Connection>(new Connection(conn.release(), ex, options));
}

Connection::Connection(PGconn* conn, asio::any_io_executor ex, const ConnectOptions& options)
    : conn_(conn),
      socket_(ex, PQsocket(conn)),
      io_timeout_(options.statement_timeout + options.io_grace) {}

Connection::~Connection() {
    if (socket_.is_open()) socket_.release();  // libpq closes the socket itself
    PQfinish(conn_);
}

bool Connection::usable() const {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::in_transaction() const {
    const auto s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool Connection::refresh() {
    if (broken_) return false;
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    return usable();
}

void Connection::fail(const std::string& what) {
    broken_ = true;
    throw DbUnavailable(what + ": " + trimmed_error(conn_));
}

awaitable<void> Connection::wait(Wait w, milliseconds timeout) {
    const bool ready =
        co_await wait_ready(socket_,
                            w == Wait::read ? asio::posix::descriptor_base::wait_read
                                            : asio::posix::descriptor_base::wait_write,
                            timeout);
    if (!ready) {
        broken_ = true;  // a half-finished exchange cannot be resumed
        throw DbUnavailable("the database did not answer in time");
    }
}

awaitable<void> Connection::flush() {
    for (;;) {
        const int r = PQflush(conn_);
        if (r == 0) co_return;
        if (r < 0) fail("sending to the database failed");
        co_await wait(Wait::write, io_timeout_);
        if (PQconsumeInput(conn_) == 0) fail("reading from the database failed");
    }
}

awaitable<std::vector<Result>> Connection::collect() {
    std::vector<Result> results;
    std::optional<DbError> first_error;
    bool unavailable = false;
    for (;;) {
        if (PQconsumeInput(conn_) == 0) fail("reading from the database failed");
        while (PQisBusy(conn_) == 0) {
            PGresult* raw = PQgetResult(conn_);
            if (raw == nullptr) {
                if (PQstatus(conn_) != CONNECTION_OK) fail("the database connection was lost");
                if (first_error) {
                    if (unavailable) throw DbUnavailable(first_error->what());
                    throw *first_error;
                }
                co_return results;
            }
            Result r(raw);
            const auto status = PQresultStatus(raw);
            if (status == PGRES_FATAL_ERROR && !first_error) {
                const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
                const char* constraint = PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME);
                std::string message = PQresultErrorMessage(raw);
                while (!message.empty() && message.back() == '\n') message.pop_back();
                first_error.emplace(message, state ? state : "", constraint ? constraint : "");
                unavailable = unavailable_state(first_error->sqlstate());
            }
            results.push_back(std::move(r));
        }
        co_await wait(Wait::read, io_timeout_);
    }
}

awaitable<Result> Connection::query(const Statement& st, const Params& params) {
    if (!usable()) throw DbUnavailable("the database connection is broken");
    if (!prepared_.contains(st.name)) {
        if (PQsendPrepare(conn_, st.name, st.sql, params.size(), nullptr) == 0) {
            fail("sending a statement to the database failed");
        }
        co_await flush();
        co_await collect();
        prepared_.insert(st.name);
    }
    std::vector<const char*> values;
    values.reserve(params.values().size());
    for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
    // Lengths and formats only matter for binary values (which may hold NUL bytes).
    std::vector<int> lengths;
    std::vector<int> formats;
    if (!params.binary().empty()) {
        lengths.assign(params.values().size(), 0);
        formats.assign(params.values().size(), 0);
        for (const std::size_t i : params.binary()) {
            lengths[i] = static_cast<int>(params.values()[i]->size());
            formats[i] = 1;
        }
    }
    if (PQsendQueryPrepared(conn_, st.name, params.size(), values.data(),
                            lengths.empty() ? nullptr : lengths.data(),
                            formats.empty() ? nullptr : formats.data(),
                            st.binary_result ? 1 : 0) == 0) {
        fail("sending a query to the database failed");
    }
    co_await flush();
    auto results = co_await collect();
    if (results.empty()) co_return Result{};
    co_return std::move(results.back());
}

awaitable<void> Connection::execute(std::string_view sql) {
    if (!usable()) throw DbUnavailable("the database connection is broken");
    const std::string text(sql);
    if (PQsendQuery(conn_, text.c_str()) == 0) fail("sending to the database failed");
    co_await flush();
    co_await collect();
}

namespace {
void drain_notifications(PGconn* conn, std::vector<Notification>& out) {
    while (PGnotify* n = PQnotifies(conn)) {
        out.push_back({n->relname ? n->relname : "", n->extra ? n->extra : ""});
        PQfreemem(n);
    }
}
}  // namespace

awaitable<std::vector<Notification>> Connection::notifications(milliseconds timeout) {
    if (!usable()) throw DbUnavailable("the database connection is broken");
    std::vector<Notification> out;
    if (PQconsumeInput(conn_) == 0) fail("reading from the database failed");
    drain_notifications(conn_, out);
    if (!out.empty()) co_return out;
    // Readable means a notification, or the end of the connection: either way consumed below.
    co_await wait_ready(socket_, asio::posix::descriptor_base::wait_read, timeout);
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
        fail("the database connection was lost");
    }
    drain_notifications(conn_, out);
    co_return out;
}

// ---------------------------------------------------------------------------------------------
// Lease and Pool

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        reset();
        pool_ = other.pool_;
        conn_ = std::move(other.conn_);
        pool_alive_ = std::move(other.pool_alive_);
    }
    return *this;
}

Lease::~Lease() {
    reset();
}

void Lease::reset() {
    if (pool_ && conn_ && pool_alive_ && *pool_alive_) pool_->release(std::move(conn_));
    conn_.reset();
}

struct Pool::Waiter {
    explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::unique_ptr<Connection> conn;  // handed over by release()
    bool permit = false;               // a slot was freed for this waiter to open a connection
};

Pool::Pool(asio::any_io_executor ex, PoolOptions options)
    : ex_(std::move(ex)), options_(std::move(options)) {}

Pool::~Pool() {
    *alive_ = false;
}

PoolStats Pool::stats() const {
    std::lock_guard lock(mutex_);
    PoolStats s = counters_;
    s.size = open_;
    s.idle = static_cast<int>(idle_.size());
    s.waiters = static_cast<int>(waiters_.size());
    return s;
}

awaitable<Lease> Pool::acquire() {
    const auto ex = co_await asio::this_coro::executor;
    std::shared_ptr<Waiter> waiter;
    std::vector<std::unique_ptr<Connection>> dead;  // closed outside the lock
    bool open_new = false;
    {
        std::lock_guard lock(mutex_);
        while (!idle_.empty()) {
            std::unique_ptr<Connection> c = std::move(idle_.back());
            idle_.pop_back();
            if (c->refresh()) {
                ++counters_.acquired_total;
                co_return Lease(this, std::move(c), alive_);
            }
            dead.push_back(std::move(c));
            --open_;
        }
        if (open_ < options_.size) {
            ++open_;
            open_new = true;
        } else if (static_cast<int>(waiters_.size()) >= options_.max_waiters) {
            ++counters_.unavailable_total;
            throw PoolExhausted("every database connection is busy and the queue is full");
        } else {
            waiter = std::make_shared<Waiter>(ex);
            waiter->timer.expires_after(options_.acquire_timeout);
            waiters_.push_back(waiter);
        }
    }
    dead.clear();
    if (open_new) co_return co_await connect_in_slot();

    boost::system::error_code ec;
    co_await waiter->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    std::unique_ptr<Connection> handed;
    bool permit = false;
    {
        std::lock_guard lock(mutex_);
        handed = std::move(waiter->conn);
        permit = waiter->permit;
        if (!handed && !permit) {
            std::erase(waiters_, waiter);
            ++counters_.unavailable_total;
        }
    }
    if (handed) {
        if (handed->refresh()) {
            std::lock_guard lock(mutex_);
            ++counters_.acquired_total;
            co_return Lease(this, std::move(handed), alive_);
        }
        handed.reset();  // its slot is ours: open a fresh connection in it
        permit = true;
    }
    if (permit) co_return co_await connect_in_slot();
    throw DbUnavailable("timed out waiting for a database connection");
}

awaitable<Lease> Pool::connect_in_slot() {
    std::unique_ptr<Connection> conn;
    try {
        conn = co_await Connection::open(options_.connect);
    } catch (const DbUnavailable&) {
        std::lock_guard lock(mutex_);
        ++counters_.connect_failures_total;
        ++counters_.unavailable_total;
        --open_;
        forget_one();
        throw;
    }
    std::lock_guard lock(mutex_);
    ++counters_.connects_total;
    ++counters_.acquired_total;
    co_return Lease(this, std::move(conn), alive_);
}

void Pool::forget_one() {
    // A slot is free: the first waiter may open a connection in it.
    if (waiters_.empty()) return;
    auto w = waiters_.front();
    waiters_.pop_front();
    w->permit = true;
    ++open_;
    asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

namespace {
awaitable<void> roll_back_then_return(std::unique_ptr<Connection> conn, std::shared_ptr<bool> alive,
                                      std::function<void(std::unique_ptr<Connection>)> put_back) {
    try {
        co_await conn->execute("ROLLBACK");
    } catch (const std::exception&) {
        // A connection that cannot roll back is broken; put_back drops it.
    }
    if (*alive) put_back(std::move(conn));
}
}  // namespace

void Pool::release(std::unique_ptr<Connection> conn) {
    if (conn && conn->usable() && conn->in_transaction()) {
        // A request ended inside a transaction (an exception on the way): roll it back before
        // anyone else gets the connection, without holding up the caller.
        asio::co_spawn(ex_,
                       roll_back_then_return(
                           std::move(conn), alive_,
                           [this](std::unique_ptr<Connection> c) { put_back(std::move(c)); }),
                       asio::detached);
        return;
    }
    put_back(std::move(conn));
}

void Pool::put_back(std::unique_ptr<Connection> conn) {
    std::unique_ptr<Connection> dead;
    {
        std::lock_guard lock(mutex_);
        if (!conn->usable()) {
            dead = std::move(conn);
            --open_;
            forget_one();
        } else if (!waiters_.empty()) {
            auto w = waiters_.front();
            waiters_.pop_front();
            w->conn = std::move(conn);
            asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
        } else {
            idle_.push_back(std::move(conn));
        }
    }
}

}  // namespace roadside::store
