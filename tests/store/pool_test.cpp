// store/ against a real PostgreSQL: the non-blocking connection, the bounded pool, migrations,
// typed statements, and the invariants the database itself enforces.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "dispatch/plate.hpp"
#include "store/contracts.hpp"
#include "store/idempotency.hpp"
#include "store/incidents.hpp"
#include "store/migrate.hpp"
#include "store/pg.hpp"
#include "support.hpp"

namespace roadside::store {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using roadside::testing::TestDatabase;
using std::chrono::milliseconds;

// Runs coroutines on a private io_context until they all finish.
class Runner {
  public:
    template <class T>
    std::future<T> spawn(awaitable<T> a) {
        return asio::co_spawn(ioc_, std::move(a), asio::use_future);
    }
    template <class T>
    T run(awaitable<T> a) {
        auto f = spawn(std::move(a));
        drain();
        return f.get();
    }
    void drain() {
        ioc_.restart();
        ioc_.run();
    }
    asio::io_context& ioc() { return ioc_; }

  private:
    asio::io_context ioc_;
};

PoolOptions options_for(const std::string& url, int size = 2) {
    PoolOptions o;
    o.connect.conninfo = url;
    o.connect.connect_timeout = milliseconds{3000};
    o.connect.statement_timeout = milliseconds{3000};
    o.size = size;
    o.max_waiters = 16;
    o.acquire_timeout = milliseconds{3000};
    return o;
}

awaitable<std::string> backend_pid(Connection& c) {
    static constexpr Statement kPid{"test_backend_pid", "SELECT pg_backend_pid()::text"};
    co_return (co_await c.query(kPid, Params{})).string(0, 0);
}

class Store : public ::testing::Test {
  protected:
    static inline TestDatabase* db = nullptr;
    static void SetUpTestSuite() {
        db = new TestDatabase("store");
        Runner r;
        Pool pool(r.ioc().get_executor(), options_for(db->url()));
        r.run([&]() -> awaitable<void> {
            Lease l = co_await pool.acquire();
            co_await migrate(*l);
        }());
    }
    static void TearDownTestSuite() {
        delete db;
        db = nullptr;
    }
    Runner runner;
};

TEST_F(Store, MigrationsApplyOnceAndAreRecorded) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url()));
    const MigrationReport again = runner.run([&]() -> awaitable<MigrationReport> {
        Lease l = co_await pool.acquire();
        co_return co_await migrate(*l);
    }());
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.from_version, migrations().back().version);
    EXPECT_EQ(db->scalar("SELECT count(*) FROM schema_migrations"),
              std::to_string(migrations().size()));
}

TEST_F(Store, ConcurrentMigrationsOnAFreshDatabaseDoNotRace) {
    // Two servers starting at once on one database (the advisory lock serialises them).
    TestDatabase fresh("migrate");
    Pool pool(runner.ioc().get_executor(), options_for(fresh.url(), 4));
    auto one = [&]() -> awaitable<MigrationReport> {
        Lease l = co_await pool.acquire();
        co_return co_await migrate(*l);
    };
    auto a = runner.spawn(one());
    auto b = runner.spawn(one());
    auto c = runner.spawn(one());
    runner.drain();
    const std::size_t applied =
        a.get().applied.size() + b.get().applied.size() + c.get().applied.size();
    EXPECT_EQ(applied, migrations().size());
    EXPECT_EQ(fresh.scalar("SELECT count(*) FROM schema_migrations"),
              std::to_string(migrations().size()));
}

TEST_F(Store, ANewerSchemaThanTheBinaryKnowsIsRefused) {
    TestDatabase newer("newer");
    newer.query(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now());"
        " INSERT INTO schema_migrations VALUES (9999, 'from the future', now())");
    Pool pool(runner.ioc().get_executor(), options_for(newer.url()));
    EXPECT_THROW(runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        co_await migrate(*l);
    }()),
                 DbError);
}

TEST_F(Store, ThePoolNeverOpensMoreThanItsSize) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 2));
    int concurrent = 0;
    int peak = 0;
    auto worker = [&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        peak = std::max(peak, ++concurrent);
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds{30});
        co_await t.async_wait(asio::use_awaitable);
        static constexpr Statement kOne{"test_one", "SELECT 1"};
        co_await l->query(kOne, Params{});
        --concurrent;
    };
    std::vector<std::future<void>> all;
    for (int i = 0; i < 10; ++i) all.push_back(runner.spawn(worker()));
    runner.drain();
    for (auto& f : all) f.get();
    EXPECT_EQ(peak, 2);
    const PoolStats s = pool.stats();
    EXPECT_LE(s.size, 2);
    EXPECT_EQ(s.acquired_total, 10u);
    EXPECT_EQ(s.connects_total, 2u) << "connections are reused";
    EXPECT_EQ(s.waiters, 0);
}

TEST_F(Store, AFullQueueIsRefusedAtOnce) {
    PoolOptions o = options_for(db->url(), 1);
    o.max_waiters = 0;
    Pool pool(runner.ioc().get_executor(), o);
    bool exhausted = false;
    runner.run([&]() -> awaitable<void> {
        Lease held = co_await pool.acquire();
        try {
            Lease second = co_await pool.acquire();
        } catch (const PoolExhausted&) {
            exhausted = true;
        }
    }());
    EXPECT_TRUE(exhausted);
}

TEST_F(Store, WaitingForAConnectionTimesOut) {
    PoolOptions o = options_for(db->url(), 1);
    o.acquire_timeout = milliseconds{200};
    Pool pool(runner.ioc().get_executor(), o);
    std::string error;
    std::chrono::steady_clock::duration waited{};
    runner.run([&]() -> awaitable<void> {
        Lease held = co_await pool.acquire();
        const auto start = std::chrono::steady_clock::now();
        try {
            Lease second = co_await pool.acquire();
        } catch (const DbUnavailable& e) {
            error = e.what();
        }
        waited = std::chrono::steady_clock::now() - start;
    }());
    EXPECT_NE(error.find("timed out"), std::string::npos) << error;
    EXPECT_GE(waited, milliseconds{150});
    EXPECT_LT(waited, milliseconds{3000});
}

TEST_F(Store, AnUnreachableDatabaseIsUnavailableNotAHang) {
    PoolOptions o = options_for("host=127.0.0.1 port=1 dbname=nothing user=nobody", 1);
    Pool pool(runner.ioc().get_executor(), o);
    EXPECT_THROW(runner.run([&]() -> awaitable<void> { Lease l = co_await pool.acquire(); }()),
                 DbUnavailable);
    EXPECT_EQ(pool.stats().size, 0) << "the failed slot is given back";
    EXPECT_EQ(pool.stats().connect_failures_total, 1u);
}

TEST_F(Store, AHostNameIsResolvedWithoutBlockingAndEveryAddressIsTried) {
    // "localhost" usually resolves to ::1 and 127.0.0.1; the test cluster listens on 127.0.0.1
    // only, so this connects only if libpq is handed every address the name has.
    std::string url = db->url();
    const auto pos = url.find("host=127.0.0.1");
    ASSERT_NE(pos, std::string::npos) << url;
    url.replace(pos, 14, "host=localhost");
    Pool pool(runner.ioc().get_executor(), options_for(url, 1));
    EXPECT_NO_THROW(runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        co_await ping(*l);
    }()));
}

TEST_F(Store, AHostNameThatDoesNotResolveIsUnavailable) {
    Pool nowhere(runner.ioc().get_executor(),
                 options_for("host=no-such-host.invalid dbname=x user=y", 1));
    EXPECT_THROW(runner.run([&]() -> awaitable<void> { Lease l = co_await nowhere.acquire(); }()),
                 DbUnavailable);
}

TEST_F(Store, AConnectionKilledByTheServerIsReplaced) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 1));
    const std::string first_pid = runner.run([&]() -> awaitable<std::string> {
        Lease l = co_await pool.acquire();
        co_return co_await backend_pid(*l);
    }());
    db->query("SELECT pg_terminate_backend(" + first_pid + ")");
    // The next user gets a working connection: either the pool sees the dead one when it hands
    // it out, or the first query on it fails as unavailable and the one after works.
    std::string second_pid;
    for (int attempt = 0; attempt < 2 && second_pid.empty(); ++attempt) {
        try {
            second_pid = runner.run([&]() -> awaitable<std::string> {
                Lease l = co_await pool.acquire();
                co_return co_await backend_pid(*l);
            }());
        } catch (const DbUnavailable&) {
        }
    }
    EXPECT_FALSE(second_pid.empty());
    EXPECT_NE(second_pid, first_pid);
}

TEST_F(Store, ATransactionLeftOpenIsRolledBackBeforeReuse) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 1));
    const std::string marker = "left-open-" + roadside::testing::unique_suffix();
    runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        co_await l->execute("BEGIN");
        co_await l->execute("INSERT INTO events (contract_id, actor, type) SELECT id, 'test', '" +
                            marker + "' FROM contracts LIMIT 1");
        // The lease goes out of scope inside the transaction, as when a request fails midway.
    }());
    runner.drain();
    const bool clean = runner.run([&]() -> awaitable<bool> {
        Lease l = co_await pool.acquire();
        co_return !l->in_transaction();
    }());
    EXPECT_TRUE(clean);
    EXPECT_EQ(db->scalar("SELECT count(*) FROM events WHERE type = '" + marker + "'"), "0");
}

TEST_F(Store, AStatementOverItsTimeoutIsUnavailableAndTheConnectionSurvives) {
    PoolOptions o = options_for(db->url(), 1);
    o.connect.statement_timeout = milliseconds{200};
    Pool pool(runner.ioc().get_executor(), o);
    static constexpr Statement kSleep{"test_sleep", "SELECT pg_sleep(2)"};
    EXPECT_THROW(runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        co_await l->query(kSleep, Params{});
    }()),
                 DbUnavailable);
    EXPECT_NO_THROW(runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        co_await ping(*l);
    }()));
}

TEST_F(Store, ErrorsCarryTheirSqlState) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 1));
    std::string state;
    runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        try {
            co_await l->execute("SELECT * FROM no_such_table");
        } catch (const DbError& e) {
            state = e.sqlstate();
        }
    }());
    EXPECT_EQ(state, "42P01");
}

TEST_F(Store, TheIdempotencyKeyIsArbitratedByTheDatabase) {
    // Two transactions claim one key: the second waits for the first and then loses.
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 2));
    const std::string key = "k-" + roadside::testing::unique_suffix();
    std::vector<std::string> order;
    auto first = [&]() -> awaitable<bool> {
        Lease l = co_await pool.acquire();
        co_await l->execute("BEGIN");
        const bool won = co_await claim_idempotency_key(*l, "p", key, "POST", "/x", "hash");
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds{300});
        co_await t.async_wait(asio::use_awaitable);
        co_await complete_idempotency_key(*l, "p", key, 201, "application/json", "{}");
        order.push_back("first commits");
        co_await l->execute("COMMIT");
        co_return won;
    };
    auto second = [&]() -> awaitable<bool> {
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds{50});
        co_await t.async_wait(asio::use_awaitable);
        Lease l = co_await pool.acquire();
        co_await l->execute("BEGIN");
        const bool won = co_await claim_idempotency_key(*l, "p", key, "POST", "/x", "hash");
        order.push_back("second claimed");
        const auto rec = co_await find_idempotency_key(*l, "p", key);
        co_await l->execute("ROLLBACK");
        co_return won&& rec.has_value();
    };
    auto a = runner.spawn(first());
    auto b = runner.spawn(second());
    runner.drain();
    EXPECT_TRUE(a.get());
    EXPECT_FALSE(b.get());
    EXPECT_EQ(order, (std::vector<std::string>{"first commits", "second claimed"}));
}

TEST_F(Store, ContractsAndIncidentsRoundTrip) {
    Pool pool(runner.ioc().get_executor(), options_for(db->url(), 1));
    const std::string s = roadside::testing::unique_suffix();
    NewContract nc;
    dispatch::Contract& c = nc.contract;
    c.contract_no = "RT-" + s;
    c.product_id = "kaitokuten-basic";
    c.start_date = core::parse_date("2026-01-31").value();
    c.term_months = 24;
    c.corporate = true;
    c.mileage_limit_km = 30000;
    c.holder = {"佐藤 花子", "サトウ ハナコ", core::parse_date("1990-02-28").value(),
                "03-0000-0000", "大阪府\"引用\"\\区"};
    c.home = {34.6863, 135.5200};
    c.vehicle.plate = "なにわ 300 そ " + s;
    c.vehicle.length_mm = 4000;
    c.vehicle.width_mm = 1700;
    c.vehicle.gross_weight_kg = 1500;
    c.vehicle.seating_capacity = 5;
    c.vehicle.kind = dispatch::VehicleKind::small;
    c.vehicle.use = dispatch::VehicleUse::passenger;
    c.vehicle.inspection_expiry = core::parse_date("2027-02-28").value();
    nc.created_by = "test";
    runner.run([&]() -> awaitable<void> {
        Lease l = co_await pool.acquire();
        const auto row = co_await insert_contract(*l, nc);
        EXPECT_TRUE(row.has_value());
        EXPECT_FALSE(co_await insert_contract(*l, nc)) << "the number is taken";
        const auto by_plate = co_await find_contracts_by_plate(
            *l, dispatch::normalize_plate("なにわ　３００　そ　" + s));
        EXPECT_EQ(by_plate.size(), 1u);
        const auto found = co_await find_contract(*l, row->contract.id);
        EXPECT_EQ(found->contract.holder.address, nc.contract.holder.address);
        EXPECT_EQ(found->contract.start_date, nc.contract.start_date);
        EXPECT_EQ(found->contract.mileage_limit_km, 30000);
        EXPECT_EQ(found->contract.home.lat_deg, 34.6863) << "coordinates survive exactly";

        IncidentRow inc;
        inc.contract_id = row->contract.id;
        inc.at = core::parse_rfc3339("2026-03-01T23:30:00+09:00").value();
        inc.call_date = core::japan_date(inc.at);
        inc.location = {35.0, 136.0};
        inc.problem = "battery";
        inc.refusal_grounds = {"remote_island", "with \"quotes\", and commas"};
        inc.status = "refused";
        inc.reason_codes = {};
        inc.coverage_json = R"({"eligible": true})";
        inc.created_by = "test";
        std::vector<EventInput> first_events(2);
        first_events[0].type = "call_received";
        first_events[0].data_json = R"({"a": 1})";
        first_events[1].type = "coverage_verified";
        first_events[1].data_json = "{}";
        const std::string id = co_await insert_incident(*l, inc, first_events);
        const auto back = co_await find_incident(*l, id);
        EXPECT_EQ(back->at, inc.at);
        EXPECT_EQ(back->call_date, core::parse_date("2026-03-01").value());
        EXPECT_EQ(back->status, "refused");
        EXPECT_EQ(back->reason_codes.size(), 0u);
        const auto events = co_await incident_events(*l, id);
        EXPECT_EQ(events.size(), 2u);
        if (events.size() == 2) {
            EXPECT_EQ(events[0].type, "call_received");
            EXPECT_EQ(events[1].type, "coverage_verified");
            EXPECT_LT(events[0].id, events[1].id);
        }
    }());
    EXPECT_EQ(db->scalar("SELECT refusal_grounds[2] FROM incidents i JOIN contracts c ON c.id = "
                         "i.contract_id WHERE c.contract_no = 'RT-" +
                         s + "'"),
              "with \"quotes\", and commas");
}

}  // namespace
}  // namespace roadside::store
