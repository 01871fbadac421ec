// Two servers on one database, a one-second offer timeout, and partners who accept, decline or
// ignore offers at random through either server. The database must keep every job to one live
// offer at a time, never offer a job twice to one partner, lose no expiry, and end every job with
// exactly one accepted partner or unassigned.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "job_support.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kPartners = 12;
constexpr int kJobs = 40;

TEST(TwoServers, EveryJobEndsWithOneAcceptedPartnerOrUnassignedAndNeverTwoLiveOffers) {
    TestDatabase db("two_servers");
    ServerOptions options;
    options.database_url = db.url();
    options.extra_env["ROADSIDE_OFFER_TIMEOUT_S"] = "1";
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with(
        {{"offer_sweep_interval_ms", 100}, {"partner_refresh_interval_ms", 200}});
    ServerProcess one(options);
    one.start();
    ServerProcess two(options);
    two.start();
    const int ports[2] = {one.port(), two.port()};

    Dispatch d1(ports[0], options.admin_token);
    const geo::LatLon site = fresh_anchor();
    std::vector<std::string> partner_ids;
    std::vector<std::string> partner_tokens;
    for (int i = 0; i < kPartners; ++i) {
        partner_ids.push_back(d1.partner("P" + std::to_string(i), north_of(site, 1 + 2 * i),
                                         {"on_site", "wrecker"}));
        const HttpResult t = d1.admin().post_json(
            "/v1/tokens", {{"role", "partner"}, {"partner_id", partner_ids.back()}});
        partner_tokens.push_back(t.json()["token"]);
    }
    std::vector<std::string> incidents;
    for (int i = 0; i < kJobs; ++i) incidents.push_back(d1.call(site));
    // Let the second server's index see the partners made through the first.
    std::this_thread::sleep_for(400ms);

    std::atomic<int> server_errors{0};
    std::atomic<bool> done{false};
    std::mutex jobs_mutex;
    std::vector<std::string> job_ids;

    // Agents: create the jobs through both servers at once.
    std::vector<std::thread> agents;
    for (int a = 0; a < 2; ++a) {
        agents.emplace_back([&, a] {
            HttpClient agent(ports[a], options.admin_token);
            for (int i = a; i < kJobs; i += 2) {
                const HttpResult r = agent.post_json(
                    "/v1/incidents/" + incidents[static_cast<std::size_t>(i)] + "/jobs",
                    {{"service", i % 3 == 0 ? "jump_start" : "light_work"}});
                if (r.status >= 500) ++server_errors;
                if (r.status == 201) {
                    std::lock_guard lock(jobs_mutex);
                    job_ids.push_back(r.json()["job_id"]);
                }
            }
        });
    }
    // Partners: poll through a random server; accept 40 %, decline 30 %, ignore 30 % (the offer
    // lapses). An accepted job is worked to completion, which frees the partner.
    std::vector<std::thread> partners;
    for (int p = 0; p < kPartners; ++p) {
        partners.emplace_back([&, p] {
            std::mt19937 rng(static_cast<unsigned>(p) * 7919u + 1u);
            HttpClient via[2] = {HttpClient(ports[0], partner_tokens[static_cast<std::size_t>(p)]),
                                 HttpClient(ports[1], partner_tokens[static_cast<std::size_t>(p)])};
            std::set<std::string> ignored;
            while (!done) {
                HttpClient& c = via[rng() % 2];
                const HttpResult list = c.get("/v1/partner/jobs");
                if (list.status >= 500) ++server_errors;
                if (list.status != 200) continue;
                const json listed = list.json();
                for (const auto& job : listed["jobs"]) {
                    const std::string id = job["job_id"];
                    const std::string base = "/v1/jobs/" + id;
                    const std::string status = job["status"];
                    HttpClient& act = via[rng() % 2];
                    if (status == "offered" && !ignored.contains(id)) {
                        const unsigned roll = rng() % 10;
                        HttpResult r;
                        if (roll < 4) {
                            r = act.post_json(base + "/accept", json::object());
                        } else if (roll < 7) {
                            r = act.post_json(base + "/decline", {{"reason", "random"}});
                        } else {
                            ignored.insert(id);
                        }
                        if (r.status >= 500) ++server_errors;
                    } else if (status == "accepted") {
                        for (const char* s : {"en_route", "on_scene"}) {
                            if (act.post_json(base + "/status", {{"status", s}}).status >= 500) {
                                ++server_errors;
                            }
                        }
                        if (act.post_json(base + "/complete", {{"outcome", "fixed_on_site"}})
                                .status >= 500) {
                            ++server_errors;
                        }
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 60));
            }
        });
    }
    // A watcher: at no moment may a job have two live offers, or a partner two.
    std::atomic<int> violations{0};
    std::atomic<int> samples{0};
    std::thread watcher([&] {
        while (!done) {
            violations += std::stoi(db.scalar(
                "SELECT count(*) FROM (SELECT job_id FROM job_offers WHERE outcome IS NULL"
                " GROUP BY job_id HAVING count(*) > 1) x"));
            violations += std::stoi(db.scalar(
                "SELECT count(*) FROM (SELECT partner_id FROM job_offers WHERE outcome IS NULL"
                " GROUP BY partner_id HAVING count(*) > 1) x"));
            ++samples;
            std::this_thread::sleep_for(50ms);
        }
    });
    for (auto& t : agents) t.join();

    // Every job ends completed (accepted and worked) or unassigned.
    const bool settled = eventually(
        [&] {
            return db.scalar("SELECT count(*) FROM jobs WHERE status NOT IN"
                             " ('completed', 'unassigned')") == "0";
        },
        90s);
    done = true;
    for (auto& t : partners) t.join();
    watcher.join();
    ASSERT_TRUE(settled) << db.scalar("SELECT string_agg(status, ',') FROM jobs");

    EXPECT_EQ(job_ids.size(), static_cast<std::size_t>(kJobs));
    EXPECT_EQ(server_errors.load(), 0);
    EXPECT_EQ(violations.load(), 0) << "over " << samples.load() << " samples";
    EXPECT_GT(samples.load(), 5);

    // Completed jobs: exactly one accepted offer, from the job's partner. Unassigned: none.
    EXPECT_EQ(db.scalar(
                  "SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM job_offers o"
                  " WHERE o.job_id = j.id AND o.outcome = 'accepted') <>"
                  " CASE WHEN j.status = 'completed' THEN 1 ELSE 0 END"),
              "0");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM jobs j JOIN job_offers o ON o.job_id = j.id"
                        " AND o.outcome = 'accepted' WHERE o.partner_id <> j.partner_id"),
              "0");
    // Never offered twice to one partner (also the primary key), nothing still live.
    EXPECT_EQ(db.scalar("SELECT count(*) - count(DISTINCT (job_id, partner_id)) FROM job_offers"),
              "0");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM job_offers WHERE outcome IS NULL"), "0");
    // One live offer at a time, over the whole history: each offer starts after the previous one
    // for the same job was closed.
    EXPECT_EQ(db.scalar("SELECT count(*) FROM job_offers a JOIN job_offers b ON b.job_id = a.job_id"
                        " AND b.seq = a.seq + 1 WHERE b.offered_at < a.resolved_at"),
              "0");
    // No lost or early expiry: every expired offer was closed at or after its deadline, and a
    // job whose offers all lapsed was left unassigned only after asking every partner in range.
    EXPECT_EQ(db.scalar("SELECT count(*) FROM job_offers WHERE outcome = 'expired'"
                        " AND resolved_at < expires_at"),
              "0");
    const int expired = std::stoi(
        db.scalar("SELECT count(*) FROM job_offers WHERE outcome = 'expired'"));
    const int declined = std::stoi(
        db.scalar("SELECT count(*) FROM job_offers WHERE outcome = 'declined'"));
    const int completed = std::stoi(db.scalar("SELECT count(*) FROM jobs WHERE status = 'completed'"));
    EXPECT_GT(expired, 0) << "the scenario exercised expiry";
    EXPECT_GT(declined, 0) << "the scenario exercised declines";
    EXPECT_GT(completed, 0);
    // Which server handled each lapse (both sweep; SKIP LOCKED gives each lapse to one).
    std::printf("jobs %d: completed %d, unassigned %s; offers expired %d, declined %d; "
                "lapses handled by %s\n",
                kJobs, completed,
                db.scalar("SELECT count(*) FROM jobs WHERE status = 'unassigned'").c_str(),
                expired, declined,
                db.scalar("SELECT string_agg(DISTINCT resolved_by, ', ') FROM job_offers"
                          " WHERE outcome = 'expired'")
                    .c_str());
    EXPECT_EQ(one.stop(), 0) << one.log();
    EXPECT_EQ(two.stop(), 0) << two.log();
}

}  // namespace
}  // namespace roadside::testing
