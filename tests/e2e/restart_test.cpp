// The database survives server restarts with nothing lost: a clean stop, a crash (SIGKILL), and a
// SIGTERM while a request is in flight, which still completes.
#include <gtest/gtest.h>

#include <future>

#include "store/migrate.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using namespace std::chrono_literals;

nlohmann::json contract_json(const std::string& no) {
    return {{"contract_no", no},
            {"product_id", "kaitokuten-premium"},
            {"start_date", "2026-04-01"},
            {"term_months", 24},
            {"holder", {{"name", "高橋 美咲"}, {"birth_date", "1988-12-31"}}},
            {"home", {{"lat", 34.3966}, {"lon", 132.4596}}},
            {"vehicle",
             {{"plate", "広島 330 ひ " + unique_suffix()},
              {"length_mm", 3395},
              {"width_mm", 1475},
              {"gross_weight_kg", 1050},
              {"seating_capacity", 4},
              {"kind", "kei"},
              {"use", "passenger"},
              {"private_use", true},
              {"inspection_expiry", "2028-03-31"}}}};
}

nlohmann::json call_json(const std::string& no) {
    return {{"contract_no", no},
            {"at", "2026-07-01T12:00:00+09:00"},
            {"location", {{"lat", 35.18}, {"lon", 136.90}}},
            {"problem", "breakdown"},
            {"occupants", 3}};
}

TEST(Restart, NothingIsLostAcrossACleanStopAndACrash) {
    TestDatabase db("restart");
    ServerOptions options;
    options.database_url = db.url();
    const std::string no = "RS-" + unique_suffix();
    std::string contract_id, incident_id, agent_token;
    nlohmann::json incident_before;
    {
        ServerProcess server(options);
        server.start();
        HttpClient admin(server.port(), options.admin_token);
        const HttpResult c = admin.post_json("/v1/contracts", contract_json(no));
        ASSERT_EQ(c.status, 201) << c.body;
        contract_id = c.json()["id"];
        agent_token = admin.post_json("/v1/tokens", {{"role", "agent"}}).json()["token"];
        HttpClient agent(server.port(), agent_token);
        const HttpResult call = agent.post_json("/v1/calls", call_json(no));
        ASSERT_EQ(call.status, 201);
        incident_id = call.json()["incident_id"];
        incident_before = agent.get("/v1/incidents/" + incident_id).json();
        EXPECT_EQ(server.stop(), 0) << server.log();
    }
    {
        ServerProcess server(options);
        server.start();
        HttpClient agent(server.port(), agent_token);  // tokens live in the database
        EXPECT_EQ(agent.get("/v1/incidents/" + incident_id).json(), incident_before);
        EXPECT_EQ(agent.get("/v1/contracts/" + contract_id).status, 200);
        const HttpResult second = agent.post_json("/v1/calls", call_json(no));
        ASSERT_EQ(second.status, 201);
        server.kill_hard();  // a crash: no shutdown at all
    }
    {
        ServerProcess server(options);
        server.start();
        HttpClient agent(server.port(), agent_token);
        EXPECT_EQ(agent.get("/v1/incidents/" + incident_id).json(), incident_before);
        EXPECT_EQ(db.scalar("SELECT count(*) FROM incidents"), "2") << "both committed calls";
        EXPECT_EQ(db.scalar("SELECT count(*) FROM schema_migrations"),
                  db.scalar("SELECT count(DISTINCT version) FROM schema_migrations"))
            << "migrations are not applied twice";
        EXPECT_EQ(db.scalar("SELECT count(*) FROM schema_migrations"),
                  std::to_string(store::migrations().size()))
            << "every embedded migration, once";
        EXPECT_EQ(server.stop(), 0);
    }
}

TEST(Restart, SigtermLetsTheRequestInFlightFinish) {
    TestDatabase db("drain");
    TcpProxy proxy(db.port());
    ServerOptions options;
    options.database_url = db.url_via("127.0.0.1", proxy.port());
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const std::string no = "DR-" + unique_suffix();
    ASSERT_EQ(admin.post_json("/v1/contracts", contract_json(no)).status, 201);

    // Hold the database so that the call is still in flight when the signal arrives.
    proxy.freeze();
    auto in_flight = std::async(std::launch::async, [&] {
        HttpClient c(server.port(), options.admin_token);
        return c.post_json("/v1/calls", call_json(no));
    });
    std::this_thread::sleep_for(300ms);
    auto stopped = std::async(std::launch::async, [&] { return server.stop(); });
    std::this_thread::sleep_for(300ms);
    // New connections are no longer accepted...
    EXPECT_THROW(HttpClient(server.port()).get("/healthz"), std::exception);
    EXPECT_EQ(in_flight.wait_for(0ms), std::future_status::timeout);
    // ...and once the database answers, the request completes and the server exits cleanly.
    proxy.restore();
    const HttpResult r = in_flight.get();
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_EQ(stopped.get(), 0) << server.log();
    EXPECT_EQ(db.scalar("SELECT count(*) FROM incidents"), "1");
}

TEST(Restart, SigtermGivesUpOnARequestStuckPastTheGracePeriod) {
    // shutdown_grace_s bounds the wait: a request still waiting on a hung database when it ends
    // is abandoned, and the server still exits cleanly (no crash, no sanitizer report).
    TestDatabase db("grace");
    TcpProxy proxy(db.port());
    ServerOptions options;
    options.database_url = db.url_via("127.0.0.1", proxy.port());
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with({{"shutdown_grace_s", 1}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const std::string no = "GR-" + unique_suffix();
    ASSERT_EQ(admin.post_json("/v1/contracts", contract_json(no)).status, 201);
    proxy.freeze();
    auto stuck = std::async(std::launch::async, [&] {
        try {
            HttpClient c(server.port(), options.admin_token);
            return c.post_json("/v1/calls", call_json(no)).status;
        } catch (const std::exception&) {
            return -1;  // the connection was closed without an answer
        }
    });
    std::this_thread::sleep_for(300ms);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(server.stop(), 0) << server.log();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_NE(server.log().find("still open after the grace period"), std::string::npos)
        << server.log();
    EXPECT_EQ(stuck.get(), -1);
    proxy.restore();
    EXPECT_EQ(db.scalar("SELECT count(*) FROM incidents"), "0") << "nothing half-done was kept";
}

}  // namespace
}  // namespace roadside::testing
