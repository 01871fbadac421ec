// Dispatch through the real server and database: partners, offers, decline and expiry, the job
// lifecycle, charges, and who may see what (spec/api.md "Tokens and partners", "Jobs"; rules.md
// §4 (1)–(2), §6).
#include <cmath>
#include <map>
#include <thread>

#include "http_fixture.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

class JobsTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};

    static std::vector<std::string> event_types(const json& incident) {
        std::vector<std::string> out;
        for (const auto& e : incident.at("events")) out.push_back(e.at("type"));
        return out;
    }
};

TEST_F(JobsTest, TowIsOfferedToTheNearestAvailableCapablePartner) {
    const geo::LatLon site = fresh_anchor();
    d.partner("on-site only, nearest", north_of(site, 1), {"on_site"});
    const std::string unavailable = d.partner("wrecker, off duty", north_of(site, 2), {"wrecker"});
    const std::string wrecker = d.partner("wrecker", east_of(site, 5), {"on_site", "wrecker"});
    d.partner("carrier, further", north_of(site, 10), {"carrier"});
    HttpClient off = d.partner_client(unavailable);
    ASSERT_EQ(off.post_json("/v1/partner/position", {{"available", false}}).status, 204);

    const std::string incident = d.call(site);
    const geo::LatLon shop = north_of(site, 60);
    const HttpResult r = d.tow_job(incident, shop);
    ASSERT_EQ(r.status, 201) << r.body;
    const json job = r.json();
    EXPECT_EQ(job["status"], "offered");
    EXPECT_EQ(job["partner_id"], wrecker);
    EXPECT_TRUE(job["free"].get<bool>());
    EXPECT_TRUE(job["paid_reasons"].empty());
    // Deadline: 90 s by default.
    const auto expires = core::parse_rfc3339(job["offer_expires_at"].get<std::string>()).value();
    const auto in_s = (expires - core::now_seconds()).count();
    EXPECT_GE(in_s, 80);
    EXPECT_LE(in_s, 92);
    // Estimate shown before the partner is sent: geodesic × road factor 1.3, and the started km
    // beyond 50 at the tariff's price.
    const double geodesic_km = geo::distance_m(site, shop) / 1000.0;
    const double estimated_km = job["estimated_tow_km"].get<double>();
    EXPECT_NEAR(estimated_km, geodesic_km * 1.3, 0.001);
    const auto beyond = static_cast<std::int64_t>(std::ceil(estimated_km - 50.0));
    EXPECT_EQ(job["estimated_customer_charge_yen"].get<std::int64_t>(),
              beyond * tariff()["tow_per_km_yen"].get<std::int64_t>());
    // The agent also sees it on the incident.
    const json view = d.admin().get("/v1/incidents/" + incident).json();
    ASSERT_EQ(view["jobs"].size(), 1u);
    EXPECT_EQ(view["jobs"][0]["job_id"], job["job_id"]);
    const auto types = event_types(view);
    EXPECT_NE(std::find(types.begin(), types.end(), "job_offered"), types.end());
}

TEST_F(JobsTest, EstimateListsCandidatesAndStoresNothing) {
    const geo::LatLon site = fresh_anchor();
    const std::string near = d.partner("near", north_of(site, 3), {"on_site", "wrecker"});
    const std::string far = d.partner("far", north_of(site, 30), {"carrier"});
    const std::string incident = d.call(site);
    json storage = latlon(north_of(site, 20));
    storage["storage"] = true;
    const HttpResult r = d.admin().post_json("/v1/incidents/" + incident + "/jobs/estimate",
                                             {{"service", "tow"}, {"destination", storage}});
    ASSERT_EQ(r.status, 200) << r.body;
    const json e = r.json();
    ASSERT_EQ(e["candidates"].size(), 2u);
    EXPECT_EQ(e["candidates"][0]["partner_id"], near);
    EXPECT_EQ(e["candidates"][1]["partner_id"], far);
    // 30 km × 1.3 at 40 km/h: 59 minutes, rounded up.
    EXPECT_NEAR(e["candidates"][1]["eta_minutes"].get<int>(), 59, 1);
    EXPECT_EQ(e["estimated_customer_charge_yen"], 0);
    EXPECT_EQ(d.admin().get("/v1/incidents/" + incident).json()["jobs"].size(), 0u);
}

TEST_F(JobsTest, DeclineMovesToTheNextPartnerAndNeverOffersTwice) {
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 2), {"wrecker"});
    const std::string b = d.partner("B", north_of(site, 4), {"wrecker"});
    const std::string c = d.partner("C", north_of(site, 6), {"carrier"});
    HttpClient pa = d.partner_client(a);
    HttpClient pb = d.partner_client(b);
    HttpClient pc = d.partner_client(c);
    ASSERT_EQ(pc.post_json("/v1/partner/position", {{"available", false}}).status, 204);

    const json job = d.tow_job(d.call(site), north_of(site, 10)).json();
    const std::string id = job["job_id"];
    ASSERT_EQ(job["partner_id"], a);
    const HttpResult declined = pa.post_json("/v1/jobs/" + id + "/decline", {{"reason", "busy"}});
    ASSERT_EQ(declined.status, 200) << declined.body;
    EXPECT_EQ(declined.json()["status"], "declined");
    EXPECT_EQ(d.job(id)["partner_id"], b);
    // A declined offer is closed to A: it cannot accept it any more.
    EXPECT_EQ(pa.post_json("/v1/jobs/" + id + "/accept", json::object()).error_code(),
              "offer_closed");

    ASSERT_EQ(pb.post_json("/v1/jobs/" + id + "/decline", json::object()).status, 200);
    json now = d.job(id);
    EXPECT_EQ(now["status"], "unassigned");
    EXPECT_EQ(now["unassigned_reason"], "all_candidates_tried");
    EXPECT_TRUE(now["partner_id"].is_null());

    // Dispatching again never returns to A or B; once C is back on duty, C gets it.
    HttpResult again = d.admin().post_json("/v1/jobs/" + id + "/dispatch", json::object());
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["status"], "unassigned");
    ASSERT_EQ(pc.post_json("/v1/partner/position", {{"available", true}}).status, 204);
    again = d.admin().post_json("/v1/jobs/" + id + "/dispatch", json::object());
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["status"], "offered");
    EXPECT_EQ(again.json()["partner_id"], c);
    const json offers = again.json()["offers"];
    ASSERT_EQ(offers.size(), 3u);
    EXPECT_EQ(offers[0]["partner_id"], a);
    EXPECT_EQ(offers[0]["outcome"], "declined");
    EXPECT_EQ(offers[0]["reason"], "busy");
    EXPECT_EQ(offers[1]["partner_id"], b);
    EXPECT_EQ(offers[2]["partner_id"], c);
    EXPECT_TRUE(offers[2]["outcome"].is_null());
    // Only an unassigned job can be dispatched again.
    EXPECT_EQ(d.admin().post_json("/v1/jobs/" + id + "/dispatch", json::object()).error_code(),
              "invalid_transition");
}

TEST_F(JobsTest, FullTowLifecycleSplitsTheBill) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site", "carrier"});
    HttpClient partner = d.partner_client(p);
    const std::string incident = d.call(site);
    const std::string id = d.tow_job(incident, north_of(site, 48)).json()["job_id"];
    const std::string base = "/v1/jobs/" + id;

    HttpResult r = partner.post_json(base + "/accept", {{"eta_minutes", 25}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "accepted");
    EXPECT_EQ(r.json()["eta_minutes"], 25);
    for (const char* step : {"en_route", "on_scene", "towing", "delivered"}) {
        r = partner.post_json(base + "/status",
                              {{"status", step}, {"position", latlon(north_of(site, 1))}});
        ASSERT_EQ(r.status, 200) << step << ": " << r.body;
        EXPECT_EQ(r.json()["status"], step);
    }
    r = partner.post_json(base + "/complete", {{"outcome", "towed_to_shop"},
                                               {"tow_distance_km", 62.4},
                                               {"storage_hours", 0},
                                               {"extras", json::array()},
                                               {"customer_signed", true}});
    ASSERT_EQ(r.status, 200) << r.body;
    const json job = r.json();
    EXPECT_EQ(job["status"], "completed");
    EXPECT_EQ(job["outcome"], "towed_to_shop");
    EXPECT_DOUBLE_EQ(job["tow_distance_km"].get<double>(), 62.4);
    const json t = tariff();
    const std::int64_t per_km = t["tow_per_km_yen"];
    const std::int64_t tow_price = t["service_yen"]["tow"];
    const json charges = job["charges"];
    // 第1条2(1): the first 50 km are the warranty's; 第2条2(1): 12.4 km beyond → 13 started km.
    std::int64_t customer_km = -1;
    std::int64_t warranty_km = -1;
    for (const auto& line : charges["lines"]) {
        EXPECT_EQ(line["amount_yen"].get<std::int64_t>(),
                  line["quantity"].get<std::int64_t>() * line["unit_yen"].get<std::int64_t>());
        if (line["code"] == "tow_km_beyond_free") {
            EXPECT_EQ(line["payer"], "customer");
            customer_km = line["quantity"];
        }
        if (line["code"] == "tow_km") {
            EXPECT_EQ(line["payer"], "warranty");
            warranty_km = line["quantity"];
        }
    }
    EXPECT_EQ(customer_km, 13);
    EXPECT_EQ(warranty_km, 50);
    EXPECT_EQ(charges["customer_yen"].get<std::int64_t>(), 13 * per_km);
    EXPECT_EQ(charges["covered_yen"].get<std::int64_t>(), tow_price + 50 * per_km);

    // The incident shows the job with its charges, and the whole history with its actors.
    const json view = d.admin().get("/v1/incidents/" + incident).json();
    EXPECT_EQ(view["jobs"][0]["charges"], charges);
    const auto types = event_types(view);
    for (const char* type : {"job_created", "job_offered", "job_accepted", "job_en_route",
                             "job_on_scene", "job_towing", "job_delivered", "job_completed"}) {
        EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
    }
    for (const auto& e : view["events"]) {
        const std::string actor = e["actor"];
        if (e["type"] == "job_accepted") {
            EXPECT_TRUE(actor.starts_with("partner:")) << actor;
        }
        if (e["type"] == "job_created") {
            EXPECT_TRUE(actor.starts_with("admin:")) << actor;
        }
    }
    // Done: the partner is free for the next job, and a second tow of the same car is paid.
    r = d.tow_job(incident, north_of(site, 20));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["partner_id"], p);
    EXPECT_FALSE(r.json()["free"].get<bool>());
    EXPECT_EQ(r.json()["paid_reasons"][0]["code"], "second_tow");
}

TEST_F(JobsTest, IllegalTransitionsAre409) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site", "wrecker"});
    HttpClient partner = d.partner_client(p);
    const std::string incident = d.call(site);
    const HttpResult created =
        d.admin().post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string base = "/v1/jobs/" + created.json()["job_id"].get<std::string>();
    auto status = [&](const char* s) {
        return partner.post_json(base + "/status", {{"status", s}});
    };
    // Not accepted yet.
    EXPECT_EQ(status("en_route").error_code(), "invalid_transition");
    ASSERT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
    EXPECT_EQ(partner.post_json(base + "/accept", json::object()).error_code(),
              "invalid_transition");
    EXPECT_EQ(partner.post_json(base + "/decline", json::object()).error_code(),
              "invalid_transition");
    // Skipping a step.
    const HttpResult skip = status("on_scene");
    EXPECT_EQ(skip.status, 409);
    EXPECT_EQ(skip.error_code(), "invalid_transition");
    EXPECT_EQ(skip.json()["error"]["details"]["from"], "accepted");
    EXPECT_EQ(skip.json()["error"]["details"]["to"], "on_scene");
    ASSERT_EQ(status("en_route").status, 200);
    EXPECT_EQ(partner.post_json(base + "/complete", {{"outcome", "fixed_on_site"}}).error_code(),
              "invalid_transition");
    ASSERT_EQ(status("on_scene").status, 200);
    // Towing belongs to tows only.
    EXPECT_EQ(status("towing").error_code(), "invalid_transition");
    EXPECT_EQ(partner.post_json(base + "/complete", {{"outcome", "towed_to_shop"},
                                                     {"tow_distance_km", 5}})
                  .error_code(),
              "outcome_not_possible");
    const HttpResult done = partner.post_json(base + "/complete", {{"outcome", "fixed_on_site"}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.json()["charges"]["customer_yen"], 0);
    EXPECT_EQ(done.json()["charges"]["covered_yen"], tariff()["service_yen"]["jump_start"]);
    EXPECT_EQ(partner.post_json(base + "/complete", {{"outcome", "fixed_on_site"}}).error_code(),
              "invalid_transition");
    EXPECT_EQ(status("en_route").error_code(), "invalid_transition");
    EXPECT_EQ(d.admin().post_json(base + "/cancel", json::object()).error_code(),
              "invalid_transition");
}

TEST_F(JobsTest, APartnerSeesAndChangesOnlyItsOwnJobs) {
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 2), {"on_site"});
    const std::string b = d.partner("B", north_of(site, 200), {"on_site"});  // out of range
    HttpClient pa = d.partner_client(a);
    HttpClient pb = d.partner_client(b);
    const std::string incident = d.call(site);
    const json job =
        d.admin().post_json("/v1/incidents/" + incident + "/jobs", {{"service", "lockout"}}).json();
    const std::string id = job["job_id"];
    ASSERT_EQ(job["partner_id"], a);

    EXPECT_EQ(pa.get("/v1/jobs/" + id).status, 200);
    const HttpResult seen = pb.get("/v1/jobs/" + id);
    EXPECT_EQ(seen.status, 404);
    EXPECT_EQ(seen.error_code(), "job_not_found");
    for (const char* action : {"accept", "decline", "status", "complete"}) {
        const HttpResult r = pb.post_json("/v1/jobs/" + id + "/" + action,
                                          {{"status", "en_route"}, {"outcome", "fixed_on_site"}});
        EXPECT_EQ(r.status, 404) << action << ": " << r.body;
    }
    EXPECT_EQ(pa.get("/v1/partner/jobs").json()["jobs"].size(), 1u);
    EXPECT_EQ(pb.get("/v1/partner/jobs").json()["jobs"].size(), 0u);
    // Partners do not see each other either, nor may they create jobs or read incidents.
    EXPECT_EQ(pb.get("/v1/partners/" + a).status, 404);
    EXPECT_EQ(pb.get("/v1/partners/" + b).status, 200);
    EXPECT_EQ(pb.post_json("/v1/incidents/" + incident + "/jobs", {{"service", "lockout"}}).status,
              403);
    EXPECT_EQ(pb.get("/v1/incidents/" + incident).status, 403);
    // Nothing B tried changed the job.
    ASSERT_EQ(pa.post_json("/v1/jobs/" + id + "/accept", json::object()).status, 200);
}

TEST_F(JobsTest, NoCandidateWithinTheRadiusLeavesTheJobUnassigned) {
    const geo::LatLon site = fresh_anchor();
    // 80 km is the configured radius: a partner at 80.5 km is out, one at 79.5 km is in.
    const std::string outside = d.partner("outside", north_of(site, 80.5), {"wrecker"});
    ASSERT_GT(geo::distance_m(site, north_of(site, 80.5)), 80'000);
    const std::string incident = d.call(site);
    HttpResult r = d.tow_job(incident, north_of(site, 5));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "unassigned");
    EXPECT_EQ(r.json()["unassigned_reason"], "no_partner_in_radius");
    EXPECT_TRUE(r.json()["offer_expires_at"].is_null());
    const std::string id = r.json()["job_id"];
    // The agents' board lists it, and the incident says why.
    const json board = d.admin().get("/v1/jobs?status=unassigned&limit=500").json();
    bool listed = false;
    for (const auto& j : board["jobs"]) listed = listed || j["job_id"] == id;
    EXPECT_TRUE(listed);
    EXPECT_EQ(d.admin().get("/v1/jobs?status=lost").error_code(), "invalid_field");
    EXPECT_EQ(d.admin().get("/v1/jobs?limit=0").error_code(), "invalid_field");
    const json view = d.admin().get("/v1/incidents/" + incident).json();
    EXPECT_EQ(view["jobs"][0]["status"], "unassigned");
    const auto types = event_types(view);
    EXPECT_NE(std::find(types.begin(), types.end(), "job_unassigned"), types.end());
    // A partner inside the radius appears: dispatching again reaches it.
    const std::string inside = d.partner("inside", north_of(site, 79.5), {"wrecker"});
    ASSERT_LT(geo::distance_m(site, north_of(site, 79.5)), 80'000);
    r = d.admin().post_json("/v1/jobs/" + id + "/dispatch", json::object());
    EXPECT_EQ(r.json()["partner_id"], inside);
    (void)outside;
}

TEST_F(JobsTest, ABusyPartnerGetsNoSecondOffer) {
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 1), {"on_site"});
    const std::string b = d.partner("B", north_of(site, 9), {"on_site"});
    const json first = d.admin()
                           .post_json("/v1/incidents/" + d.call(site) + "/jobs",
                                      {{"service", "jump_start"}})
                           .json();
    EXPECT_EQ(first["partner_id"], a);
    const json second = d.admin()
                            .post_json("/v1/incidents/" + d.call(site) + "/jobs",
                                       {{"service", "jump_start"}})
                            .json();
    EXPECT_EQ(second["partner_id"], b) << "A holds a live offer";
    const json third = d.admin()
                           .post_json("/v1/incidents/" + d.call(site) + "/jobs",
                                      {{"service", "jump_start"}})
                           .json();
    EXPECT_EQ(third["status"], "unassigned");
    EXPECT_EQ(third["unassigned_reason"], "all_partners_busy");
    // One open job per incident.
    const std::string incident = first["incident_id"];
    EXPECT_EQ(d.admin()
                  .post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}})
                  .error_code(),
              "job_already_open");
}

TEST_F(JobsTest, FreeOrPaidIsDecidedPerJob) {
    const geo::LatLon site = fresh_anchor();
    d.partner("P", north_of(site, 3), {"on_site", "wrecker"});
    struct Case {
        const char* name;
        bool covered;
        json body;
        std::vector<std::string> reasons;  // empty: free
    };
    const std::vector<Case> cases = {
        {"lockout 第1条1(1)", true, {{"service", "lockout"}}, {}},
        {"trunk lockout 第2条1(2)", true, {{"service", "lockout"}, {"trunk_lockout", true}},
         {"trunk_lockout"}},
        {"special lock 第2条1(1)", true, {{"service", "lockout"}, {"special_lock", true}},
         {"special_lock"}},
        {"key lost 第2条1(3)", true, {{"service", "lockout"}, {"key_lost", true}}, {"key_lost"}},
        {"one tire 第1条1(3)", true, {{"service", "tire_change"}, {"tires", 1}}, {}},
        // 第1条1(3): the job stays free; the second tire is a customer line (terms_http_test).
        {"two tires 第1条1(3)", true, {{"service", "tire_change"}, {"tires", 2}}, {}},
        {"wheel drop 1 wheel 1.0 m 第1条2(2)", true,
         {{"service", "wheel_drop_recovery"}, {"wheel_drop", {{"wheels", 1}, {"drop_m", 1.0}}}},
         {}},
        {"wheel drop 1.1 m 第2条2(3)", true,
         {{"service", "wheel_drop_recovery"}, {"wheel_drop", {{"wheels", 1}, {"drop_m", 1.1}}}},
         {"wheel_drop_deeper_than_1m"}},
        {"wheel drop 2 wheels 第2条2(3)", true,
         {{"service", "wheel_drop_recovery"}, {"wheel_drop", {{"wheels", 2}, {"drop_m", 0.3}}}},
         {"wheel_drop_two_or_more_wheels"}},
        {"tow with key lost 第1条2(1)", true,
         {{"service", "tow"}, {"destination", {{"storage", true}}}, {"key_lost", true}},
         {"key_lost"}},
        {"not covered 第3条(2)", false, {{"service", "jump_start"}}, {"not_covered"}},
    };
    for (const Case& c : cases) {
        const std::string incident = d.call(site, c.covered);
        const HttpResult r = d.admin().post_json("/v1/incidents/" + incident + "/jobs", c.body);
        ASSERT_EQ(r.status, 201) << c.name << ": " << r.body;
        const json job = r.json();
        EXPECT_EQ(job["free"].get<bool>(), c.reasons.empty()) << c.name;
        std::vector<std::string> codes;
        for (const auto& reason : job["paid_reasons"]) codes.push_back(reason["code"]);
        EXPECT_EQ(codes, c.reasons) << c.name;
        if (!c.reasons.empty()) {
            EXPECT_GT(job["estimated_customer_charge_yen"].get<std::int64_t>(), 0) << c.name;
        }
        // Free the partner for the next case.
        ASSERT_EQ(d.admin().post_json("/v1/jobs/" + job["job_id"].get<std::string>() + "/cancel",
                                      {{"reason", "test"}})
                      .status,
                  200);
    }
}

TEST_F(JobsTest, ARefusedCallGetsNoJob) {
    const HttpResult call = d.admin().post_json(
        "/v1/calls", {{"contract_no", d.contract()},
                      {"location", latlon(fresh_anchor())},
                      {"problem", "breakdown"},
                      {"refusal_grounds", {"remote_island"}}});
    ASSERT_EQ(call.json()["status"], "refused");
    const HttpResult r = d.admin().post_json(
        "/v1/incidents/" + call.json()["incident_id"].get<std::string>() + "/jobs",
        {{"service", "jump_start"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "incident_refused");
}

TEST_F(JobsTest, CancellingAfterDispatchChargesTheCustomer) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site"});
    HttpClient partner = d.partner_client(p);
    // Cancelled while only offered: nothing to pay, and the offer is closed.
    json job = d.admin()
                   .post_json("/v1/incidents/" + d.call(site) + "/jobs", {{"service", "lockout"}})
                   .json();
    HttpResult r = d.admin().post_json(
        "/v1/jobs/" + job["job_id"].get<std::string>() + "/cancel", {{"reason", "self-fixed"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "cancelled");
    EXPECT_EQ(r.json()["charges"]["customer_yen"], 0);
    EXPECT_EQ(r.json()["offers"][0]["outcome"], "cancelled");
    // Cancelled after the partner accepted but before it set out: 第2条3(7) 出動後 is not yet.
    job = d.admin()
              .post_json("/v1/incidents/" + d.call(site) + "/jobs", {{"service", "lockout"}})
              .json();
    ASSERT_EQ(job["partner_id"], p) << "the partner is free again";
    std::string id = job["job_id"];
    ASSERT_EQ(partner.post_json("/v1/jobs/" + id + "/accept", json::object()).status, 200);
    r = d.admin().post_json("/v1/jobs/" + id + "/cancel", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["charges"]["customer_yen"], 0);
    EXPECT_EQ(r.json()["cancelled_by"], "customer");
    // Cancelled by the customer once the truck set out (en_route): the call-out is theirs.
    job = d.admin()
              .post_json("/v1/incidents/" + d.call(site) + "/jobs", {{"service", "lockout"}})
              .json();
    id = job["job_id"];
    ASSERT_EQ(partner.post_json("/v1/jobs/" + id + "/accept", json::object()).status, 200);
    ASSERT_EQ(partner.post_json("/v1/jobs/" + id + "/status", {{"status", "en_route"}}).status,
              200);
    r = d.admin().post_json("/v1/jobs/" + id + "/cancel", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["charges"]["customer_yen"], tariff()["cancellation_yen"]);
    EXPECT_EQ(r.json()["charges"]["lines"][0]["payer"], "customer");
    EXPECT_EQ(r.json()["charges"]["lines"][0]["clause"], "第2条3(7)");
    // Partners cannot cancel.
    EXPECT_EQ(partner.post_json("/v1/jobs/" + id + "/cancel", json::object()).status, 403);
}

TEST_F(JobsTest, CompletionChargesFuelStorageAndExtrasToTheCustomer) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site", "wrecker"});
    HttpClient partner = d.partner_client(p);
    const json t = tariff();
    auto run_to_scene = [&](const json& body, bool tow) {
        const json job = d.admin()
                             .post_json("/v1/incidents/" + d.call(site) + "/jobs", body)
                             .json();
        const std::string base = "/v1/jobs/" + job["job_id"].get<std::string>();
        EXPECT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
        std::vector<std::string> steps = {"en_route", "on_scene"};
        if (tow) steps.insert(steps.end(), {"towing", "delivered"});
        for (const auto& s : steps) {
            EXPECT_EQ(partner.post_json(base + "/status", {{"status", s}}).status, 200) << s;
        }
        return base;
    };
    // Fuel delivery: the work is free, the fuel is not (第1条1(4), 第2条1(7)).
    std::string base = run_to_scene({{"service", "fuel_delivery"}}, false);
    HttpResult r = partner.post_json(base + "/complete",
                                     {{"outcome", "fixed_on_site"}, {"fuel_litres", 10}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["charges"]["customer_yen"].get<std::int64_t>(),
              10 * t["fuel_per_litre_yen"].get<std::int64_t>());
    // Storage: 24 h free, 25 h is one started day (第2条2(11)); a toll at cost (第2条3(6)).
    json storage = latlon(north_of(site, 10));
    storage["storage"] = true;
    base = run_to_scene({{"service", "tow"}, {"destination", storage}}, true);
    // An unknown extra or a missing amount is a 400 naming the field; nothing is stored.
    r = partner.post_json(base + "/complete", {{"outcome", "towed_to_storage"},
                                               {"tow_distance_km", 12.0},
                                               {"extras", {{{"code", "gold_plating"}}}}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error_code(), "unknown_extra");
    EXPECT_EQ(r.json()["error"]["details"]["field"], "extras[0].code");
    r = partner.post_json(base + "/complete", {{"outcome", "towed_to_storage"},
                                               {"tow_distance_km", 12.0},
                                               {"extras", {{{"code", "toll_road"}}}}});
    EXPECT_EQ(r.error_code(), "amount_required");
    r = partner.post_json(base + "/complete", {{"outcome", "towed_to_storage"},
                                               {"tow_distance_km", -1}});
    EXPECT_EQ(r.status, 400);
    r = partner.post_json(base + "/complete",
                          {{"outcome", "towed_to_storage"},
                           {"tow_distance_km", 12.0},
                           {"storage_hours", 25},
                           {"extras", {{{"code", "toll_road"}, {"amount_yen", 1300}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["charges"]["customer_yen"].get<std::int64_t>(),
              t["storage_per_day_yen"].get<std::int64_t>() + 1300);
    EXPECT_EQ(r.json()["charges"]["covered_yen"].get<std::int64_t>(),
              t["service_yen"]["tow"].get<std::int64_t>() + 12 * t["tow_per_km_yen"].get<std::int64_t>());
}

TEST_F(JobsTest, BadInputIsA4xxAndStoresNothing) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site"});
    HttpClient partner = d.partner_client(p);
    const std::string incident = d.call(site);
    const std::string jobs = "/v1/incidents/" + incident + "/jobs";
    struct Case {
        json body;
        int status;
        const char* code;
    };
    const std::vector<Case> cases = {
        {json::object(), 400, "missing_field"},
        {{{"service", "teleport"}}, 400, "invalid_field"},
        {{{"service", "tow"}}, 400, "missing_field"},
        {{{"service", "tow"}, {"destination", {{"lat", 91}, {"lon", 0}}}}, 400,
         "invalid_coordinates"},
        {{{"service", "lockout"}, {"destination", latlon(site)}}, 400, "invalid_field"},
        {{{"service", "wheel_drop_recovery"}}, 400, "missing_field"},
        {{{"service", "wheel_drop_recovery"}, {"wheel_drop", {{"wheels", 0}, {"drop_m", 0.5}}}},
         400, "invalid_field"},
        {{{"service", "wheel_drop_recovery"}, {"wheel_drop", {{"wheels", 1}, {"drop_m", -1}}}},
         400, "invalid_field"},
        {{{"service", "tire_change"}, {"tires", 0}}, 400, "invalid_field"},
        {{{"service", "lockout"}, {"key_lost", "yes"}}, 400, "invalid_field"},
    };
    for (const Case& c : cases) {
        const HttpResult r = d.admin().post_json(jobs, c.body);
        EXPECT_EQ(r.status, c.status) << c.body.dump() << " " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.body.dump();
    }
    EXPECT_EQ(d.admin().get("/v1/incidents/" + incident).json()["jobs"].size(), 0u);
    EXPECT_EQ(d.admin().post_json("/v1/incidents/not-a-uuid/jobs", {{"service", "lockout"}})
                  .error_code(),
              "incident_not_found");
    EXPECT_EQ(d.admin().get("/v1/jobs/00000000-0000-0000-0000-000000000000").status, 404);
    // Partners.
    EXPECT_EQ(d.admin().post_json("/v1/partners", {{"name", "x"}, {"base", latlon(site)},
                                                   {"capabilities", json::array()}})
                  .error_code(),
              "invalid_field");
    EXPECT_EQ(d.admin().post_json("/v1/partners", {{"name", "x"}, {"base", latlon(site)},
                                                   {"capabilities", {"crane"}}})
                  .error_code(),
              "invalid_field");
    EXPECT_EQ(d.admin().post_json("/v1/partners", {{"name", "x"}, {"base", latlon(site)},
                                                   {"capabilities", {"wrecker", "wrecker"}}})
                  .error_code(),
              "invalid_field");
    EXPECT_EQ(d.admin().post_json("/v1/partners", {{"name", "x"},
                                                   {"base", {{"lat", 0}, {"lon", 181}}},
                                                   {"capabilities", {"wrecker"}}})
                  .error_code(),
              "invalid_coordinates");
    EXPECT_EQ(partner.post_json("/v1/partner/position", {{"lat", 35.0}}).error_code(),
              "missing_field");
    EXPECT_EQ(partner.post_json("/v1/partner/position", {{"lat", 95.0}, {"lon", 0}}).error_code(),
              "invalid_coordinates");
    EXPECT_EQ(partner.post_json("/v1/partner/position", json::object()).status, 400);
    EXPECT_EQ(d.admin().post_json("/v1/partner/position", {{"available", true}}).status, 403);
    // Tokens: a partner token needs a real partner.
    EXPECT_EQ(d.admin()
                  .post_json("/v1/tokens", {{"role", "partner"},
                                            {"partner_id", "00000000-0000-0000-0000-000000000000"}})
                  .error_code(),
              "partner_not_found");
    EXPECT_EQ(d.admin().post_json("/v1/tokens", {{"role", "partner"}, {"partner_id", "nope"}})
                  .error_code(),
              "partner_not_found");
}

TEST_F(JobsTest, PositionReportsMoveThePartner) {
    const geo::LatLon site = fresh_anchor();
    const std::string a = d.partner("A", north_of(site, 40), {"on_site"});
    const std::string b = d.partner("B", north_of(site, 20), {"on_site"});
    HttpClient pa = d.partner_client(a);
    const geo::LatLon here = north_of(site, 1);
    ASSERT_EQ(pa.post_json("/v1/partner/position",
                           {{"lat", here.lat_deg}, {"lon", here.lon_deg}, {"available", true}})
                  .status,
              204);
    const json me = pa.get("/v1/partners/" + a).json();
    EXPECT_DOUBLE_EQ(me["position"]["lat"].get<double>(), here.lat_deg);
    EXPECT_FALSE(me["position_at"].is_null());
    const json job = d.admin()
                         .post_json("/v1/incidents/" + d.call(site) + "/jobs",
                                    {{"service", "jump_start"}})
                         .json();
    EXPECT_EQ(job["partner_id"], a) << "A reported itself 1 km away";
    (void)b;
}

TEST_F(JobsTest, ARetriedJobCreationMakesOneJob) {
    const geo::LatLon site = fresh_anchor();
    d.partner("P", north_of(site, 3), {"on_site"});
    const std::string incident = d.call(site);
    const std::map<std::string, std::string> key = {{"Idempotency-Key", "job-" + unique_suffix()}};
    const json body = {{"service", "lockout"}};
    const HttpResult first = d.admin().post_json("/v1/incidents/" + incident + "/jobs", body, key);
    const HttpResult again = d.admin().post_json("/v1/incidents/" + incident + "/jobs", body, key);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json()["job_id"], first.json()["job_id"]);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(d.admin().get("/v1/incidents/" + incident).json()["jobs"].size(), 1u);
}

// Whatever arrives at a dispatch endpoint, the answer is a 4xx or a success, never a 5xx, and
// the server stays up (the fixture checks it after every test).
TEST_F(JobsTest, GarbageIsNeverA5xx) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site", "wrecker"});
    HttpClient partner = d.partner_client(p);
    const std::string incident = d.call(site);
    const std::string job =
        d.admin().post_json("/v1/incidents/" + incident + "/jobs", {{"service", "lockout"}})
            .json()["job_id"];
    const std::vector<std::string> bodies = {
        "", "null", "[]", "{}", "1", "\"x\"", "{\"service\":1}", "{\"service\":null}",
        "{\"status\":[]}", "{\"outcome\":{}}", "{\"eta_minutes\":1e308}",
        "{\"eta_minutes\":-1}", "{\"tow_distance_km\":1e400}", "{\"extras\":{}}",
        "{\"extras\":[1,2]}", "{\"extras\":[{\"code\":\"toll_road\",\"amount_yen\":-5}]}",
        "{\"lat\":\"35\",\"lon\":139}", "{\"available\":\"yes\"}", "{\"reason\":\"a\\u0000b\"}",
        "{\"name\":\"\\u0000\",\"base\":{\"lat\":1,\"lon\":1},\"capabilities\":[\"on_site\"]}",
        "{\"destination\":{\"lat\":1e999}}", std::string(40, '[') + std::string(40, ']'),
        "{\"service\":\"tow\",\"destination\":{\"lat\":0,\"lon\":0,\"name\":7}}",
        "{\"outcome\":\"towed_to_shop\",\"tow_distance_km\":\"62.4\"}",
        "{\"outcome\":\"fixed_on_site\",\"customer_signed\":1}"};
    const std::vector<std::string> admin_targets = {
        "/v1/incidents/" + incident + "/jobs", "/v1/incidents/" + incident + "/jobs/estimate",
        "/v1/jobs/" + job + "/cancel", "/v1/jobs/" + job + "/dispatch", "/v1/partners",
        "/v1/incidents/" + incident + "/jobs/../jobs", "/v1/jobs/%00/cancel"};
    const std::vector<std::string> partner_targets = {
        "/v1/jobs/" + job + "/accept", "/v1/jobs/" + job + "/decline",
        "/v1/jobs/" + job + "/status", "/v1/jobs/" + job + "/complete", "/v1/partner/position"};
    int answered = 0;
    for (const auto& b : bodies) {
        for (const auto& t : admin_targets) {
            const HttpResult r = d.admin().post(t, b, {{"Content-Type", "application/json"}});
            EXPECT_GT(r.status, 0) << t << " " << b;
            EXPECT_LT(r.status, 500) << t << " " << b << " " << r.body;
            ++answered;
        }
        for (const auto& t : partner_targets) {
            const HttpResult r = partner.post(t, b, {{"Content-Type", "application/json"}});
            EXPECT_GT(r.status, 0) << t << " " << b;
            EXPECT_LT(r.status, 500) << t << " " << b << " " << r.body;
            ++answered;
        }
    }
    EXPECT_EQ(answered, static_cast<int>(bodies.size() * 12));
    const HttpResult metrics = HttpClient(server->port()).get("/metrics");
    EXPECT_EQ(metrics.body.find("status=\"500\""), std::string::npos);
}

}  // namespace
}  // namespace roadside::testing
