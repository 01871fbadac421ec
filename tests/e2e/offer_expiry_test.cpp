// Offers lapse on their own: with a 2-second offer timeout the job moves to the next partner
// without anyone acting, and a deadline that passes while no server runs is honoured by the next
// server to start (deadlines are stored, not kept in memory).
#include <gtest/gtest.h>

#include <thread>

#include "job_support.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

ServerOptions two_second_offers(const TestDatabase& db) {
    ServerOptions options;
    options.database_url = db.url();
    options.extra_env["ROADSIDE_OFFER_TIMEOUT_S"] = "2";
    return options;
}

TEST(OfferExpiry, ALapsedOfferMovesToTheNextPartnerWithoutAnyoneActing) {
    TestDatabase db("offer_expiry");
    const ServerOptions options = two_second_offers(db);
    ServerProcess server(options);
    server.start();
    Dispatch d(server.port(), options.admin_token);
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 2), {"wrecker"});
    const std::string b = d.partner("B", north_of(site, 4), {"wrecker"});
    const auto created = std::chrono::steady_clock::now();
    const json job = d.tow_job(d.call(site), north_of(site, 10)).json();
    const std::string id = job["job_id"];
    ASSERT_EQ(job["partner_id"], a);

    // Nobody acts. Within a few seconds B has it.
    ASSERT_TRUE(eventually([&] { return d.job(id)["partner_id"] == b; }, 10s)) << d.job(id).dump(2);
    const auto moved_after = std::chrono::steady_clock::now() - created;
    EXPECT_GE(moved_after, 1900ms) << "not before the deadline";
    json now = d.job(id);
    EXPECT_EQ(now["status"], "offered");
    EXPECT_EQ(now["offers"][0]["outcome"], "expired");
    EXPECT_TRUE(now["offers"][0]["resolved_by"].get<std::string>().starts_with(
        "system:offer-timeout"));
    // A cannot take it back.
    HttpClient pa = d.partner_client(a);
    EXPECT_EQ(pa.post_json("/v1/jobs/" + id + "/accept", json::object()).error_code(),
              "offer_closed");

    // B lets it lapse as well: nobody is left.
    ASSERT_TRUE(eventually([&] { return d.job(id)["status"] == "unassigned"; }, 10s));
    now = d.job(id);
    EXPECT_EQ(now["unassigned_reason"], "all_candidates_tried");
    ASSERT_EQ(now["offers"].size(), 2u);
    EXPECT_EQ(now["offers"][1]["outcome"], "expired");
    const json incident = d.admin().get("/v1/incidents/" + now["incident_id"].get<std::string>()).json();
    int expired_events = 0;
    for (const auto& e : incident["events"]) {
        if (e["type"] == "offer_expired") {
            ++expired_events;
            EXPECT_EQ(e["actor"], "system:offer-timeout");
        }
    }
    EXPECT_EQ(expired_events, 2);
    const std::string metrics = HttpClient(server.port()).get("/metrics").body;
    EXPECT_NE(metrics.find("roadside_dispatch_offers_expired_total 2\n"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("roadside_dispatch_offers_total 2\n"), std::string::npos);
    EXPECT_NE(metrics.find("roadside_dispatch_jobs_unassigned_total 1\n"), std::string::npos);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(OfferExpiry, AnAcceptJustBeforeTheDeadlineWinsAndOneAfterItLoses) {
    TestDatabase db("offer_accept_race");
    const ServerOptions options = two_second_offers(db);
    ServerProcess server(options);
    server.start();
    Dispatch d(server.port(), options.admin_token);
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 2), {"on_site"});
    HttpClient pa = d.partner_client(a);
    // In time.
    json job = d.admin()
                   .post_json("/v1/incidents/" + d.call(site) + "/jobs", {{"service", "lockout"}})
                   .json();
    HttpResult r = pa.post_json("/v1/jobs/" + job["job_id"].get<std::string>() + "/accept",
                                json::object());
    EXPECT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(d.admin().post_json("/v1/jobs/" + job["job_id"].get<std::string>() + "/cancel",
                                  json::object()).status, 200);
    // Too late: the offer has lapsed (whether or not the sweeper got there first).
    job = d.admin()
              .post_json("/v1/incidents/" + d.call(site) + "/jobs", {{"service", "lockout"}})
              .json();
    ASSERT_EQ(job["partner_id"], a);
    std::this_thread::sleep_for(2500ms);
    r = pa.post_json("/v1/jobs/" + job["job_id"].get<std::string>() + "/accept", json::object());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_TRUE(r.error_code() == "offer_expired" || r.error_code() == "offer_closed") << r.body;
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(OfferExpiry, ADeadlineThatPassesWhileNoServerRunsIsHonouredAtTheNextStart) {
    TestDatabase db("offer_restart");
    const ServerOptions options = two_second_offers(db);
    std::string id, a, b;
    {
        ServerProcess server(options);
        server.start();
        Dispatch d(server.port(), options.admin_token);
        const geo::LatLon site = fresh_anchor();
        a = d.partner("A", north_of(site, 2), {"wrecker"});
        b = d.partner("B", north_of(site, 4), {"wrecker"});
        const json job = d.tow_job(d.call(site), north_of(site, 10)).json();
        id = job["job_id"];
        ASSERT_EQ(job["partner_id"], a);
        server.kill_hard();  // a crash: nothing in memory survives
    }
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(db.scalar("SELECT partner_id FROM jobs WHERE id = '" + id + "'"), a)
        << "nobody moved it while no server ran";
    ServerProcess server(options);
    server.start();
    Dispatch d(server.port(), options.admin_token);
    ASSERT_TRUE(eventually([&] { return d.job(id)["partner_id"] == b; }, 5s)) << d.job(id).dump(2);
    EXPECT_EQ(d.job(id)["offers"][0]["outcome"], "expired");
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
