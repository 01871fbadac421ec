// Live events and staff sessions across servers on one database (issue 13): an event caused
// through one server reaches a stream on another within a second; a reconnecting client is
// replayed by another server; signing out, disabling a user and revoking a token count at once on
// every server; a thousand open streams keep the Release server under 100 MB.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "job_support.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse battery staple";

ServerOptions options_for(const TestDatabase& db, json settings = json::object()) {
    settings.update({{"password_opslimit", 1},
                     {"password_memlimit_kib", 64},
                     {"partner_refresh_interval_ms", 200}});
    ServerOptions o;
    o.database_url = db.url();
    o.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with(settings);
    return o;
}

std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

std::string new_token(HttpClient& admin, const json& body) {
    const HttpResult r = admin.post_json("/v1/tokens", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("token", "");
}

// Waits on `stream` for the event of `type` about `incident`.
std::optional<SseEvent> wait_for(SseClient& stream, const std::string& type,
                                 const std::string& incident, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        auto e = stream.next(std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now()));
        if (!e) return std::nullopt;
        if (e->event == type && e->json()["incident_id"] == incident) return e;
    }
    return std::nullopt;
}

class TwoServers : public ::testing::Test {
  protected:
    void SetUp() override {
        db = std::make_unique<TestDatabase>("events_two");
        one = std::make_unique<ServerProcess>(options_for(*db));
        two = std::make_unique<ServerProcess>(options_for(*db));
        one->start();
        two->start();
    }
    void TearDown() override {
        EXPECT_EQ(one->stop(), 0) << one->log();
        EXPECT_EQ(two->stop(), 0) << two->log();
    }
    const std::string& admin_token() const { return one->options().admin_token; }
    std::unique_ptr<TestDatabase> db;
    std::unique_ptr<ServerProcess> one;
    std::unique_ptr<ServerProcess> two;
};

TEST_F(TwoServers, AnEventCausedThroughOneServerReachesAStreamOnTheOtherWithinOneSecond) {
    Dispatch via_one(one->port(), admin_token());
    HttpClient admin_two(two->port(), admin_token());
    const geo::LatLon site = fresh_anchor();
    const std::string partner = via_one.partner("P", north_of(site, 3), {"on_site"});
    HttpClient crew = via_one.partner_client(partner);
    SseClient on_two(two->port(), bearer(new_token(admin_two, {{"role", "agent"}})));
    ASSERT_EQ(on_two.status(), 200);

    std::vector<double> delays_ms;
    for (int i = 0; i < 15; ++i) {
        const std::string incident = via_one.call(site);
        ASSERT_TRUE(wait_for(on_two, "coverage_verified", incident, 3000ms));
        const std::string job =
            via_one.admin()
                .post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}})
                .json()["job_id"];
        ASSERT_TRUE(wait_for(on_two, "job_offered", incident, 3000ms));
        // The partner's call through server one; its event on server two's stream.
        const auto sent = std::chrono::steady_clock::now();
        ASSERT_EQ(crew.post_json("/v1/jobs/" + job + "/accept", {{"eta_minutes", 10}}).status, 200);
        const auto got = wait_for(on_two, "job_accepted", incident, 3000ms);
        ASSERT_TRUE(got) << "job_accepted did not reach server two";
        delays_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
                .count());
        for (const char* s : {"en_route", "on_scene"}) {
            crew.post_json("/v1/jobs/" + job + "/status", {{"status", s}});
        }
        crew.post_json("/v1/jobs/" + job + "/complete", {{"outcome", "fixed_on_site"}});
    }
    std::sort(delays_ms.begin(), delays_ms.end());
    std::printf(
        "[ figures  ] partner call via server one -> stream on server two: p50 %.1f ms, "
        "max %.1f ms (%zu events)\n",
        delays_ms[delays_ms.size() / 2], delays_ms.back(), delays_ms.size());
    EXPECT_LT(delays_ms.back(), 1000.0);
}

TEST_F(TwoServers, AClientReconnectingToTheOtherServerIsReplayedWhatItMissed) {
    Dispatch via_one(one->port(), admin_token());
    const std::string agent = new_token(via_one.admin(), {{"role", "agent"}});
    std::string last;
    {
        SseClient on_one(one->port(), bearer(agent));
        const std::string incident = via_one.call(fresh_anchor());
        const auto e = wait_for(on_one, "coverage_verified", incident, 3000ms);
        ASSERT_TRUE(e);
        last = e->id;
    }
    const std::string missed = via_one.call(fresh_anchor());
    // Server two must have seen it before the client arrives, as a browser would be later.
    std::this_thread::sleep_for(300ms);
    auto headers = bearer(agent);
    headers["Last-Event-ID"] = last;
    SseClient on_two(two->port(), headers);
    EXPECT_TRUE(wait_for(on_two, "call_received", missed, 3000ms));
    EXPECT_TRUE(wait_for(on_two, "coverage_verified", missed, 3000ms));
}

TEST_F(TwoServers, SigningOutDisablingAndRevokingCountAtOnceOnEveryServer) {
    HttpClient admin_one(one->port(), admin_token());
    const std::string login = "both-" + unique_suffix();
    const json user =
        admin_one
            .post_json(
                "/v1/users",
                {{"login", login}, {"name", "二台"}, {"role", "agent"}, {"password", kPassword}})
            .json();
    auto sign_in = [&](int port) {
        const HttpResult r = HttpClient(port).post_json(
            "/v1/staff/sessions", {{"login", login}, {"password", kPassword}});
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string c = r.header("set-cookie");
        return std::make_pair(c.substr(0, c.find(';')), r.json().value("csrf_token", ""));
    };
    auto current = [&](int port, const std::string& cookie) {
        return HttpClient(port)
            .request("GET", "/v1/staff/sessions/current", "", {{"Cookie", cookie}})
            .status;
    };

    // Signed in through one, used through two, signed out through one: two refuses at once.
    const auto [cookie, csrf] = sign_in(one->port());
    EXPECT_EQ(current(two->port(), cookie), 200);
    SseClient stream_two(two->port(), {{"Cookie", cookie}});
    ASSERT_EQ(stream_two.status(), 200);
    const std::string origin = "http://127.0.0.1:" + std::to_string(one->port());
    ASSERT_EQ(HttpClient(one->port())
                  .request("DELETE", "/v1/staff/sessions/current", "",
                           {{"Cookie", cookie}, {"Origin", origin}, {"X-CSRF-Token", csrf}})
                  .status,
              204);
    EXPECT_EQ(current(two->port(), cookie), 401);
    auto end = stream_two.next(2000ms);
    ASSERT_TRUE(end);
    EXPECT_EQ(end->json()["reason"], "session_ended");

    // Disabled through one while signed in through two.
    const auto second = sign_in(two->port());
    EXPECT_EQ(current(two->port(), second.first), 200);
    ASSERT_EQ(
        admin_one
            .post_json("/v1/users/" + user["id"].get<std::string>() + "/disable", json::object())
            .status,
        200);
    EXPECT_EQ(current(two->port(), second.first), 401);

    // A token server two has cached, revoked through one.
    const json created = admin_one.post_json("/v1/tokens", {{"role", "agent"}}).json();
    const std::string t = created["token"];
    const std::string id = created["id"];
    HttpClient program_two(two->port(), t);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(program_two.get("/v1/jobs").status, 200);
    SseClient token_stream(two->port(), bearer(t));
    const auto revoked_at = std::chrono::steady_clock::now();
    ASSERT_EQ(admin_one.request("DELETE", "/v1/tokens/" + id, "").status, 204);
    // The announcement is on its way when DELETE answers; allow it the few milliseconds.
    EXPECT_TRUE(eventually([&] { return program_two.get("/v1/jobs").status == 401; }, 500ms));
    std::printf(
        "[ figures  ] revocation through server one refused by server two after %.1f ms\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - revoked_at)
            .count());
    end = token_stream.next(2000ms);
    ASSERT_TRUE(end);
    EXPECT_EQ(end->json()["reason"], "token_revoked");
    // Listed as revoked through either server.
    HttpClient admin_two(two->port(), admin_token());
    bool seen = false;
    const json all = admin_two.get("/v1/tokens?include_ended=true").json()["tokens"];
    for (const auto& row : all) {
        if (row["id"] == id) seen = !row["revoked_at"].is_null();
    }
    EXPECT_TRUE(seen);
    EXPECT_EQ(admin_two.get("/v1/tokens").json()["tokens"].dump().find(id), std::string::npos);
}

TEST(EventStreams, AThousandOpenStreamsKeepTheServerUnder100MB) {
    // Measured on the Release binary, as the connections test does.
    raise_open_file_limit(4096);
    TestDatabase db("events_memory");
    ServerOptions options = options_for(db, {{"event_streams_max_per_principal", 2000}});
    options.binary = release_binary();
    ServerProcess server(options);
    server.start();
    Dispatch d(server.port(), options.admin_token);
    const std::int64_t idle_kb = server.resident_memory_kb();
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < 1000; ++i) {
        streams.push_back(std::make_unique<SseClient>(server.port(), bearer(options.admin_token)));
        ASSERT_EQ(streams.back()->status(), 200) << i;
    }
    // Events fanned out to all of them.
    std::string incident;
    for (int i = 0; i < 20; ++i) incident = d.call(fresh_anchor());
    ASSERT_TRUE(wait_for(*streams.back(), "coverage_verified", incident, 5000ms));
    ASSERT_TRUE(wait_for(*streams.front(), "coverage_verified", incident, 5000ms));
    const std::int64_t loaded_kb = server.resident_memory_kb();
    HttpClient probe(server.port());
    EXPECT_NE(probe.get("/metrics").body.find("roadside_event_streams_open 1000"),
              std::string::npos);
    std::printf(
        "[ figures  ] server RSS: %.1f MB idle, %.1f MB with 1000 open event streams "
        "(%.1f KB per stream)\n",
        idle_kb / 1024.0, loaded_kb / 1024.0, (loaded_kb - idle_kb) / 1000.0);
    EXPECT_LT(loaded_kb, 100 * 1024) << "resident memory over 100 MB";
    streams.clear();
    EXPECT_TRUE(eventually([&] {
        return probe.get("/metrics").body.find("roadside_event_streams_open 0") !=
               std::string::npos;
    }));
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
