#pragma once
// PostgreSQL over libpq's non-blocking API, driven by Asio: no call here ever blocks an I/O thread.
// A Connection sends with PQsendQueryPrepared/PQsendQuery and waits on the socket with co_await;
// the Pool hands out connections to coroutines and bounds both its size and its queue.
#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/calendar.hpp"

namespace roadside::store {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// A statement failed on the server (constraint violation, bad SQL...). Carries the SQLSTATE.
class DbError : public std::runtime_error {
  public:
    DbError(const std::string& message, std::string sqlstate, std::string constraint)
        : std::runtime_error(message),
          sqlstate_(std::move(sqlstate)),
          constraint_(std::move(constraint)) {}
    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& constraint() const { return constraint_; }
    bool unique_violation() const { return sqlstate_ == "23505"; }

  private:
    std::string sqlstate_;
    std::string constraint_;
};

// The database cannot be used right now: no connection, connection lost, timed out. -> 503.
class DbUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Every connection is busy and the queue of waiting requests is full. -> 503 overloaded.
class PoolExhausted : public DbUnavailable {
  public:
    using DbUnavailable::DbUnavailable;
};

struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};

class Result {
  public:
    Result() = default;
    explicit Result(PGresult* r) : res_(r) {}

    int rows() const { return res_ ? PQntuples(res_.get()) : 0; }
    bool empty() const { return rows() == 0; }
    std::int64_t affected() const;

    bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const;
    std::string string(int row, int col) const { return std::string(text(row, col)); }
    std::optional<std::string> opt_string(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    std::optional<std::int64_t> opt_int64(int row, int col) const;
    double float64(int row, int col) const;
    bool boolean(int row, int col) const { return text(row, col) == "t"; }
    core::Date date(int row, int col) const;
    std::optional<core::Date> opt_date(int row, int col) const;
    // A text[] column in PostgreSQL's array literal syntax, elements without quotes or escapes
    // (the codes stored here are snake_case).
    std::vector<std::string> text_array(int row, int col) const;

  private:
    std::unique_ptr<PGresult, PgResultDeleter> res_;
};

// Parameters travel in text format; NULL is std::nullopt.
class Params {
  public:
    Params& add(std::string_view v) {
        values_.emplace_back(std::string(v));
        return *this;
    }
    Params& add(const std::string& v) {
        values_.emplace_back(v);
        return *this;
    }
    Params& add(const char* v) {
        values_.emplace_back(std::string(v));
        return *this;
    }
    Params& add(std::int64_t v) {
        values_.emplace_back(std::to_string(v));
        return *this;
    }
    Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
    Params& add(bool v) {
        values_.emplace_back(v ? "t" : "f");
        return *this;
    }
    Params& add(double v);
    Params& add(core::Date d) {
        values_.emplace_back(core::format_date(d));
        return *this;
    }
    Params& add_instant(core::Instant t);       // timestamptz
    Params& add_bytea(std::string_view bytes);  // hex format
    // Raw bytes sent in binary format (bytea): no hex copy twice the size, for images.
    Params& add_binary(std::string_view bytes);
    Params& add_binary(std::string&& bytes);  // the same, taking the bytes over (no copy)
    Params& add_text_array(const std::vector<std::string>& items);
    Params& add_null() {
        values_.emplace_back(std::nullopt);
        return *this;
    }
    template <class T>
    Params& add(const std::optional<T>& v) {
        if (v) return add(*v);
        return add_null();
    }

    int size() const { return static_cast<int>(values_.size()); }
    const std::vector<std::optional<std::string>>& values() const { return values_; }
    // Positions of the values added with add_binary (usually none).
    const std::vector<std::size_t>& binary() const { return binary_; }

  private:
    std::vector<std::optional<std::string>> values_;
    std::vector<std::size_t> binary_;
};

// A named statement, prepared on each connection the first time it runs there. With
// binary_result, every column comes back in PostgreSQL's binary format: meant for statements that
// return bytea and text only (Result::text is then the raw bytes).
struct Statement {
    const char* name;
    const char* sql;
    bool binary_result = false;
};

// A NOTIFY received on a connection that LISTENs.
struct Notification {
    std::string channel;
    std::string payload;
};

struct ConnectOptions {
    std::string conninfo;  // libpq connection string or URI
    milliseconds connect_timeout{3000};
    milliseconds statement_timeout{5000};  // server side; the client waits this + io_grace
    milliseconds io_grace{2000};
};

class Connection {
  public:
    // Opens a connection with PQconnectStartParams/PQconnectPoll. Throws DbUnavailable.
    static asio::awaitable<std::unique_ptr<Connection>> open(const ConnectOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One statement with parameters (extended protocol, prepared once per connection).
    asio::awaitable<Result> query(const Statement& st, const Params& params);
    // SQL without parameters, possibly several statements (simple protocol): BEGIN, migrations.
    asio::awaitable<void> execute(std::string_view sql);

    // On a connection that LISTENs: the notifications that have arrived, waiting up to `timeout`
    // for the first (none when it passes). Throws DbUnavailable when the connection is lost.
    asio::awaitable<std::vector<Notification>> notifications(milliseconds timeout);

    bool usable() const;  // false once broken; a broken connection is never reused
    bool in_transaction() const;
    // Reads whatever the server sent while the connection was idle (a shutdown notice, EOF)
    // without blocking; returns usable().
    bool refresh();

  private:
    Connection(PGconn* conn, asio::any_io_executor ex, const ConnectOptions& options);
    enum class Wait { read, write };
    asio::awaitable<void> wait(Wait w, milliseconds timeout);
    asio::awaitable<void> flush();
    asio::awaitable<std::vector<Result>> collect();
    [[noreturn]] void fail(const std::string& what);

    PGconn* conn_;
    asio::posix::stream_descriptor socket_;
    milliseconds io_timeout_;
    std::unordered_set<std::string> prepared_;
    bool broken_ = false;
};

struct PoolOptions {
    ConnectOptions connect;
    int size = 8;
    int max_waiters = 1024;
    milliseconds acquire_timeout{3000};
};

struct PoolStats {
    int size = 0;  // connections open or being opened
    int idle = 0;
    int waiters = 0;
    std::uint64_t acquired_total = 0;
    std::uint64_t unavailable_total = 0;  // acquisitions that failed (503)
    std::uint64_t connects_total = 0;
    std::uint64_t connect_failures_total = 0;
};

class Pool;

// Exclusive use of one connection; returns it to the pool when destroyed.
class Lease {
  public:
    Lease() = default;
    Lease(Pool* pool, std::unique_ptr<Connection> conn, std::shared_ptr<bool> pool_alive)
        : pool_(pool), conn_(std::move(conn)), pool_alive_(std::move(pool_alive)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }
    explicit operator bool() const { return conn_ != nullptr; }
    void reset();

  private:
    Pool* pool_ = nullptr;
    std::unique_ptr<Connection> conn_;
    // A lease can outlive its pool: a request still waiting on the database when the shutdown
    // grace period ends is destroyed with the io_context, after the pool.
    std::shared_ptr<bool> pool_alive_;
};

class Pool {
  public:
    Pool(asio::any_io_executor ex, PoolOptions options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // A connection within acquire_timeout, opening one if the pool is not full.
    // Throws DbUnavailable (cannot connect, timed out) or PoolExhausted (queue full).
    asio::awaitable<Lease> acquire();
    PoolStats stats() const;
    const PoolOptions& options() const { return options_; }

  private:
    friend class Lease;
    struct Waiter;
    void release(std::unique_ptr<Connection> conn);
    void put_back(std::unique_ptr<Connection> conn);
    void forget_one();  // mutex_ held: a slot was freed, give it to a waiter as a permit
    asio::awaitable<Lease> connect_in_slot();

    asio::any_io_executor ex_;
    PoolOptions options_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::deque<std::shared_ptr<Waiter>> waiters_;
    int open_ = 0;  // connections out + idle + being opened
    PoolStats counters_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace roadside::store
