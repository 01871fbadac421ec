// The database goes away and comes back; the database hangs. The server sits behind a TCP proxy to
// PostgreSQL that the test cuts or freezes.
//  - while the database is gone, requests that need it get 503 database_unavailable, the rest
//    keep working, nothing crashes, and the server reconnects by itself when it is back;
//  - while the database hangs, requests that do not need it are answered at once: no I/O thread
//    is ever blocked on the database.
#include <gtest/gtest.h>

#include <future>

#include "support.hpp"

namespace roadside::testing {
namespace {

using namespace std::chrono_literals;

class DatabaseOutage : public ::testing::Test {
  protected:
    void SetUp() override {
        db = std::make_unique<TestDatabase>("outage");
        proxy = std::make_unique<TcpProxy>(db->port());
        ServerOptions options;
        options.database_url = db->url_via("127.0.0.1", proxy->port());
        server = std::make_unique<ServerProcess>(options);
        server->start();
        admin = std::make_unique<HttpClient>(server->port(), options.admin_token);
        contract_no = "OUT-" + unique_suffix();
        const nlohmann::json contract = {
            {"contract_no", contract_no},
            {"product_id", "cartender-domestic-premium"},
            {"start_date", "2026-01-05"},
            {"term_months", 12},
            {"holder", {{"name", "鈴木 一郎"}, {"birth_date", "1975-05-05"}}},
            {"home", {{"lat", 43.0642}, {"lon", 141.3469}}},
            {"vehicle",
             {{"plate", "札幌 500 た " + unique_suffix()},
              {"length_mm", 4300},
              {"width_mm", 1695},
              {"gross_weight_kg", 1500},
              {"seating_capacity", 5},
              {"kind", "small"},
              {"use", "passenger"},
              {"private_use", true},
              {"inspection_expiry", "2027-06-30"}}}};
        ASSERT_EQ(admin->post_json("/v1/contracts", contract).status, 201);
    }

    void TearDown() override {
        proxy->restore();
        EXPECT_EQ(server->stop(), 0) << server->log();
    }

    nlohmann::json call() const {
        return {{"contract_no", contract_no},
                {"at", "2026-05-01T21:10:00+09:00"},
                {"location", {{"lat", 42.0}, {"lon", 140.7}}},
                {"problem", "flat_tire"}};
    }

    std::unique_ptr<TestDatabase> db;
    std::unique_ptr<TcpProxy> proxy;
    std::unique_ptr<ServerProcess> server;
    std::unique_ptr<HttpClient> admin;
    std::string contract_no;
};

TEST_F(DatabaseOutage, Answers503WhileGoneAndRecoversByItself) {
    ASSERT_EQ(admin->post_json("/v1/calls", call()).status, 201);
    proxy->cut();

    HttpClient anonymous(server->port());
    HttpResult r = anonymous.get("/healthz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.error_code(), "database_unavailable");
    r = admin->post_json("/v1/calls", call());
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.error_code(), "database_unavailable");
    EXPECT_EQ(r.header("retry-after"), "1");
    // What does not need the database still works.
    EXPECT_EQ(anonymous.get("/metrics").status, 200);
    EXPECT_EQ(admin->get("/v1/products").status, 200);
    // Bad input is still a 400, not a 503: it never reaches the database.
    EXPECT_EQ(admin->post("/v1/calls", "{not json").status, 400);
    EXPECT_TRUE(server->running());

    proxy->restore();
    EXPECT_TRUE(eventually([&] { return anonymous.get("/healthz").status == 200; }, 10s))
        << server->log();
    r = admin->post_json("/v1/calls", call());
    EXPECT_EQ(r.status, 201) << r.body;
    // Two calls stored: the one before and the one after; nothing from the outage.
    EXPECT_EQ(db->scalar("SELECT count(*) FROM incidents"), "2");
    EXPECT_EQ(server->log().find("internal_error"), std::string::npos);
}

TEST_F(DatabaseOutage, RequestsThatNeedNoDatabaseAreAnsweredWhileItHangs) {
    ASSERT_EQ(admin->post_json("/v1/calls", call()).status, 201);  // the pool has a connection
    proxy->freeze();
    // A request that needs the database now waits on it...
    auto pending = std::async(std::launch::async, [&] {
        HttpClient c(server->port(), server->options().admin_token);
        return c.post_json("/v1/coverage/check", call());
    });
    EXPECT_EQ(pending.wait_for(300ms), std::future_status::timeout);
    // ...while the (single) I/O thread keeps answering everything else at once.
    HttpClient anonymous(server->port());
    for (int i = 0; i < 5; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const HttpResult m = anonymous.get("/metrics");
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(m.status, 200);
        EXPECT_LT(took, 1s) << "the I/O thread was blocked";
    }
    EXPECT_EQ(pending.wait_for(0ms), std::future_status::timeout);
    proxy->restore();
    const HttpResult answered = pending.get();
    EXPECT_EQ(answered.status, 200) << answered.body;
    EXPECT_EQ(answered.json()["eligible"], true);
}

TEST_F(DatabaseOutage, AHungDatabaseTimesOutAs503) {
    // statement_timeout (5 s) + grace: the request gets a 503, the connection is dropped, and the
    // next request after the database answers again works.
    ASSERT_EQ(admin->post_json("/v1/calls", call()).status, 201);
    proxy->freeze();
    const auto start = std::chrono::steady_clock::now();
    const HttpResult r = admin->post_json("/v1/calls", call());
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_LT(took, 20s);
    proxy->restore();
    EXPECT_TRUE(
        eventually([&] { return admin->post_json("/v1/calls", call()).status == 201; }, 10s));
}

}  // namespace
}  // namespace roadside::testing
