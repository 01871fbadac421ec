// The terms read closer (issue 11) through the real server and database: designated shops and
// the estimate's nearest ones, tow destinations, one free tyre, storage after a paid tow, extra
// staff on the light recoveries, cancellation from en_route by the customer only, mileage by kind
// and use, 車検 renewals, a second tow across calls, accidents, remote support after the free tow
// only, receipts (hotel without receipt, per-person tickets, receipt numbers), the 第3条
// refusal grounds and the caller's identity.
#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "http_fixture.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

core::Date today() { return core::japan_date(core::now_seconds()); }

// hh:mm Japan time on the day `days` from today, as RFC 3339.
std::string jst(int days, int hour, int minute = 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00+09:00",
                  core::format_date(core::add_days(today(), days)).c_str(), hour, minute);
    return buf;
}

json bank_account() {
    return {{"bank_code", "0001"},
            {"branch_code", "001"},
            {"type", "ordinary"},
            {"number", "1234567"},
            {"holder_kana", "ヤマダ　タロウ"}};
}

std::vector<std::string> codes(const json& list) {
    std::vector<std::string> out;
    for (const auto& r : list) out.push_back(r.at("code").get<std::string>());
    return out;
}

const json* line(const json& charges, const std::string& code) {
    for (const auto& l : charges.at("lines")) {
        if (l.at("code") == code) return &l;
    }
    return nullptr;
}

std::int64_t yen(const json& t, const char* key) {
    return t.at(key).get<std::int64_t>();
}

class TermsTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};

    // A contract of this test's own, covered today (kaitokuten-basic from 100 days ago).
    json contract(const std::function<void(json&)>& change = {}) {
        json body = sample_contract_body("kaitokuten-basic", unique_suffix(), "TR-");
        body["start_date"] = today_plus(-100);
        body["vehicle"]["inspection_expiry"] = today_plus(300);
        if (change) change(body);
        const HttpResult r = admin().post_json("/v1/contracts", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }

    std::string call(const std::string& contract_no, geo::LatLon where,
                     const std::string& problem = "breakdown", const std::string& at = "") {
        json body = {{"contract_no", contract_no},
                     {"location", latlon(where)},
                     {"problem", problem},
                     {"occupants", 4}};
        if (!at.empty()) body["at"] = at;
        const HttpResult r = admin().post_json("/v1/calls", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("incident_id", "");
    }

    HttpResult job(const std::string& incident, const json& body) {
        return admin().post_json("/v1/incidents/" + incident + "/jobs", body);
    }

    // The partner the job was offered to accepts it and works it to the step before completion.
    void work(HttpClient& partner, const json& job, bool tow) {
        const std::string base = "/v1/jobs/" + job.at("job_id").get<std::string>();
        EXPECT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
        std::vector<std::string> steps = {"en_route", "on_scene"};
        if (tow) steps.insert(steps.end(), {"towing", "delivered"});
        for (const auto& s : steps) {
            EXPECT_EQ(partner.post_json(base + "/status", {{"status", s}}).status, 200) << s;
        }
    }

    // Completes the job as its partner; returns the charges.
    json complete(const json& job, const json& done) {
        const bool tow = job.at("service") == "tow";
        HttpClient partner = d.partner_client(job.at("partner_id").get<std::string>());
        work(partner, job, tow);
        const HttpResult r =
            partner.post_json("/v1/jobs/" + job.at("job_id").get<std::string>() + "/complete", done);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json().value("charges", json());
    }

    json claim(const std::string& incident, const std::string& benefit, int persons,
               const std::string& used_at, const json& receipts) {
        return {{"incident_id", incident}, {"benefit", benefit},     {"persons", persons},
                {"used_at", used_at},      {"receipts", receipts}, {"bank_account", bank_account()}};
    }

    std::string weekday_key(int days_from_today) const {
        static const char* keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        const std::chrono::weekday w{std::chrono::sys_days{core::add_days(today(), days_from_today)}};
        return keys[w.iso_encoding() - 1];
    }
};

// ---- designated shops ------------------------------------------------------------------------

TEST_F(TermsTest, ShopsAreKeptByAdminsAndReadByAgents) {
    const geo::LatLon site = fresh_anchor();
    const json hours = {{"mon", {{"open", "09:00"}, {"close", "18:00"}}},
                        {"sat", {{"open", "10:00"}, {"close", "24:00"}}}};
    HttpResult r = admin().post_json("/v1/shops", {{"name", "指定工場 テスト"},
                                                   {"address", "札幌市"},
                                                   {"location", latlon(site)},
                                                   {"night_intake", true},
                                                   {"hours", hours}});
    ASSERT_EQ(r.status, 201) << r.body;
    const json shop = r.json();
    const std::string id = shop["id"];
    EXPECT_EQ(shop["name"], "指定工場 テスト");
    EXPECT_EQ(shop["hours"], hours);
    EXPECT_TRUE(shop["night_intake"].get<bool>());
    EXPECT_TRUE(shop["takes_cars_now"].get<bool>()) << "night intake takes cars at any hour";
    EXPECT_TRUE(shop["open_now"].is_boolean());

    HttpClient agent(server->port(), token_for("agent"));
    r = agent.get("/v1/shops/" + id);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["location"], latlon(site));
    EXPECT_EQ(r.json()["created_by"].get<std::string>().rfind("admin:", 0), 0u);
    r = agent.get("/v1/shops?limit=1000");
    ASSERT_EQ(r.status, 200) << r.body;
    const json list = r.json()["shops"];
    EXPECT_TRUE(std::any_of(list.begin(), list.end(), [&](const json& s) { return s["id"] == id; }));

    // Only admins keep the list; partners and customers do not read it.
    EXPECT_EQ(agent.post_json("/v1/shops", {{"name", "x"}}).status, 403);
    const std::string partner = d.partner("P", site, {"on_site"});
    EXPECT_EQ(d.partner_client(partner).get("/v1/shops/" + id).status, 403);
    EXPECT_EQ(agent.get("/v1/shops/00000000-0000-0000-0000-000000000000").error_code(),
              "shop_not_found");
    EXPECT_EQ(agent.get("/v1/shops/not-a-uuid").error_code(), "shop_not_found");
    EXPECT_EQ(agent.get("/v1/shops?after=x").status, 400);
}

TEST_F(TermsTest, BadShopsAre400sAndStoreNothing) {
    const json valid = {{"name", "指定工場"},
                        {"location", latlon(fresh_anchor())},
                        {"night_intake", false},
                        {"hours", {{"always", true}}}};
    struct Case {
        const char* why;
        std::function<void(json&)> change;
        const char* code;
        const char* field;
    };
    const std::vector<Case> cases = {
        {"no name", [](json& j) { j.erase("name"); }, "missing_field", "name"},
        {"blank name", [](json& j) { j["name"] = "   "; }, "invalid_field", "name"},
        {"no location", [](json& j) { j.erase("location"); }, "missing_field", "location"},
        {"latitude 91", [](json& j) { j["location"]["lat"] = 91; }, "invalid_coordinates", ""},
        {"no night_intake", [](json& j) { j.erase("night_intake"); }, "missing_field",
         "night_intake"},
        {"no hours", [](json& j) { j.erase("hours"); }, "missing_field", "hours"},
        {"hours a string", [](json& j) { j["hours"] = "24h"; }, "invalid_field", "hours"},
        {"hours empty", [](json& j) { j["hours"] = json::object(); }, "invalid_field", "hours"},
        {"always false alone", [](json& j) { j["hours"] = {{"always", false}}; },
         "invalid_field", "hours"},
        {"unknown day", [](json& j) { j["hours"] = {{"monday", {{"open", "09:00"}}}}; },
         "invalid_field", "hours.monday"},
        {"open after close",
         [](json& j) { j["hours"] = {{"mon", {{"open", "18:00"}, {"close", "09:00"}}}}; },
         "invalid_field", "hours.mon.close"},
        {"25:00", [](json& j) { j["hours"] = {{"tue", {{"open", "09:00"}, {"close", "25:00"}}}}; },
         "invalid_field", "hours.tue.close"},
        {"9:00", [](json& j) { j["hours"] = {{"tue", {{"open", "9:00"}, {"close", "18:00"}}}}; },
         "invalid_field", "hours.tue.open"},
        {"no close", [](json& j) { j["hours"] = {{"wed", {{"open", "09:00"}}}}; },
         "missing_field", "hours.wed.close"},
        {"extra key in a day",
         [](json& j) {
             j["hours"] = {{"wed", {{"open", "09:00"}, {"close", "10:00"}, {"break", "x"}}}};
         },
         "invalid_field", "hours.wed.break"},
        {"always and a day",
         [](json& j) {
             j["hours"] = {{"always", true}, {"sun", {{"open", "09:00"}, {"close", "10:00"}}}};
         },
         "conflicting_fields", ""},
    };
    const std::string before = db->scalar("SELECT count(*) FROM shops");
    for (const Case& c : cases) {
        json body = valid;
        c.change(body);
        const HttpResult r = admin().post_json("/v1/shops", body);
        EXPECT_EQ(r.status, 400) << c.why << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.why << ": " << r.body;
        if (*c.field != '\0') {
            EXPECT_EQ(r.json()["error"]["details"]["field"], c.field) << c.why;
        }
    }
    EXPECT_EQ(db->scalar("SELECT count(*) FROM shops"), before);
}

// 第1条2(1) 保証会社指定の工場: the estimate lists the nearest shops by straight-line distance,
// open now or not.
TEST_F(TermsTest, EstimateListsTheNearestShopsOpenNowOrNot) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const std::string far = d.shop(north_of(site, 30), "far");
    const std::string near = d.shop(north_of(site, 5), "near");
    // Open only on a day that is not today (Japan time): closed now.
    const json closed_hours = {{weekday_key(2), {{"open", "00:00"}, {"close", "24:00"}}}};
    const std::string closed = d.shop(east_of(site, 10), "closed", closed_hours);
    const std::string incident = call(contract()["contract_no"], site);
    HttpResult r = admin().post_json("/v1/incidents/" + incident + "/jobs/estimate",
                                     {{"service", "tow"}, {"destination", {{"storage", true}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    const json shops = r.json()["nearest_shops"];
    ASSERT_GE(shops.size(), 3u) << shops.dump();
    EXPECT_EQ(shops[0]["shop_id"], near);
    EXPECT_EQ(shops[0]["name"], "near");
    EXPECT_NEAR(shops[0]["distance_km"].get<double>(), geo::distance_m(site, north_of(site, 5)) / 1000,
                0.001);
    EXPECT_TRUE(shops[0]["open_now"].get<bool>());
    EXPECT_EQ(shops[1]["shop_id"], closed);
    EXPECT_FALSE(shops[1]["open_now"].get<bool>());
    EXPECT_FALSE(shops[1]["takes_cars_now"].get<bool>());
    EXPECT_EQ(shops[2]["shop_id"], far);
    EXPECT_TRUE(r.json()["estimated_tow_km"].is_null()) << "storage, place unknown yet";
    EXPECT_TRUE(r.json()["previous_tow"].is_null());
    EXPECT_EQ(db->scalar("SELECT count(*) FROM jobs WHERE incident_id = '" + incident + "'"), "0");
}

TEST_F(TermsTest, DestinationDecidesFreeOrPaid) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const std::string shop = d.shop(north_of(site, 12));
    const std::string no = contract()["contract_no"];
    struct Case {
        const char* why;
        json destination;
        std::vector<std::string> reasons;
        const char* kind;
    };
    json storage_here = latlon(north_of(site, 8));
    storage_here["storage"] = true;
    const std::vector<Case> cases = {
        {"第1条2(1) a designated shop: free", {{"shop_id", shop}}, {}, "designated_shop"},
        {"第2条2(11) temporary storage: free", {{"storage", true}}, {}, "storage"},
        {"storage with its place", storage_here, {}, "storage"},
        {"home (plain coordinates): paid",
         {{"lat", north_of(site, 9).lat_deg}, {"lon", site.lon_deg}, {"name", "自宅"}},
         {"destination_not_designated"}, "not_designated"},
    };
    for (const Case& c : cases) {
        const std::string incident = call(no, site);
        const HttpResult r = job(incident, {{"service", "tow"}, {"destination", c.destination}});
        ASSERT_EQ(r.status, 201) << c.why << ": " << r.body;
        EXPECT_EQ(codes(r.json()["paid_reasons"]), c.reasons) << c.why;
        EXPECT_EQ(r.json()["free"].get<bool>(), c.reasons.empty()) << c.why;
        EXPECT_EQ(r.json()["destination"]["kind"], c.kind) << c.why;
        if (std::string(c.kind) == "designated_shop") {
            EXPECT_EQ(r.json()["destination"]["shop_id"], shop);
            EXPECT_EQ(r.json()["destination"]["name"], "指定工場");
            EXPECT_NEAR(r.json()["estimated_tow_km"].get<double>(),
                        1.3 * geo::distance_m(site, north_of(site, 12)) / 1000, 0.01);
        }
        if (!c.reasons.empty()) {
            EXPECT_EQ(r.json()["paid_reasons"][0]["clause"], "第1条2(1) (保証会社指定の工場)");
            EXPECT_GT(r.json()["estimated_customer_charge_yen"].get<std::int64_t>(), 0);
        }
        ASSERT_EQ(admin().post_json("/v1/jobs/" + r.json()["job_id"].get<std::string>() + "/cancel",
                                    {{"requested_by", "operator"}})
                      .status,
                  200);
    }
    // Exactly one kind of destination; an unknown shop is a 422; nothing is stored.
    const std::string incident = call(no, site);
    struct Bad {
        json destination;
        int status;
        const char* code;
    };
    const std::vector<Bad> bad = {
        {json{{"shop_id", shop}, {"lat", 1}, {"lon", 1}}, 400, "conflicting_fields"},
        {json{{"shop_id", shop}, {"storage", true}}, 400, "conflicting_fields"},
        {json{{"shop_id", "00000000-0000-0000-0000-000000000000"}}, 422, "shop_not_found"},
        {json{{"shop_id", "shop-1"}}, 400, "invalid_field"},
        {json{{"storage", false}, {"lat", 1}, {"lon", 1}}, 400, "invalid_field"},
        {json{{"storage", true}, {"lat", 1}}, 400, "missing_field"},
        {json{{"name", "自宅"}}, 400, "missing_field"},
    };
    for (const Bad& b : bad) {
        const HttpResult r = job(incident, {{"service", "tow"}, {"destination", b.destination}});
        EXPECT_EQ(r.status, b.status) << b.destination.dump() << ": " << r.body;
        EXPECT_EQ(r.error_code(), b.code) << b.destination.dump();
    }
    EXPECT_EQ(job(incident, {{"service", "jump_start"}, {"unrepaired_since_previous_tow", true}})
                  .error_code(),
              "invalid_field");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM jobs WHERE incident_id = '" + incident + "'"), "0");
}

// ---- charges on completion -------------------------------------------------------------------

// 第1条1(3) 「スペアタイヤ交換は１本まで」: one tyre free, each further tyre a customer line.
TEST_F(TermsTest, OneTyreFreeEachFurtherTyreTheCustomers) {
    const geo::LatLon site = fresh_anchor();
    d.partner("P", north_of(site, 3), {"on_site"});
    const json t = tariff();
    for (const int tires : {1, 2, 3}) {
        const HttpResult r =
            job(call(contract()["contract_no"], site), {{"service", "tire_change"}, {"tires", tires}});
        ASSERT_EQ(r.status, 201) << r.body;
        EXPECT_TRUE(r.json()["free"].get<bool>()) << tires;
        EXPECT_EQ(r.json()["estimated_customer_charge_yen"], (tires - 1) * yen(t, "additional_tire_yen"));
        const json charges = complete(r.json(), {{"outcome", "fixed_on_site"}});
        EXPECT_EQ(charges["covered_yen"], t["service_yen"]["tire_change"]) << tires;
        EXPECT_EQ(charges["customer_yen"], (tires - 1) * yen(t, "additional_tire_yen")) << tires;
        const json* extra = line(charges, "additional_tire");
        if (tires == 1) {
            EXPECT_EQ(extra, nullptr);
        } else {
            ASSERT_NE(extra, nullptr);
            EXPECT_EQ((*extra)["quantity"], tires - 1);
            EXPECT_EQ((*extra)["payer"], "customer");
            EXPECT_EQ((*extra)["clause"], "第1条1(3) (スペアタイヤ交換は１本まで)");
        }
    }
}

// 第2条2(11): the free 24 h of storage belong to the free tow; after a paid tow it is all the
// customer's.
TEST_F(TermsTest, StorageIsFreeFor24HoursOnlyAfterAFreeTow) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const json t = tariff();
    const std::string no = contract()["contract_no"];
    json storage = latlon(north_of(site, 10));
    storage["storage"] = true;
    const json free_tow = job(call(no, site), {{"service", "tow"}, {"destination", storage}}).json();
    ASSERT_TRUE(free_tow["free"].get<bool>());
    json charges = complete(free_tow, {{"outcome", "towed_to_storage"},
                                       {"tow_distance_km", 12},
                                       {"storage_hours", 24}});
    EXPECT_EQ(line(charges, "storage"), nullptr) << charges.dump();
    EXPECT_EQ(charges["customer_yen"], 0);

    const json paid_tow =
        d.tow_job_to_place(call(no, site), north_of(site, 10)).json();
    ASSERT_FALSE(paid_tow["free"].get<bool>());
    charges = complete(paid_tow, {{"outcome", "towed_to_storage"},
                                  {"tow_distance_km", 12},
                                  {"storage_hours", 24}});
    const json* s = line(charges, "storage");
    ASSERT_NE(s, nullptr) << charges.dump();
    EXPECT_EQ((*s)["quantity"], 1);
    EXPECT_EQ((*s)["payer"], "customer");
    EXPECT_EQ(charges["covered_yen"], 0);
    EXPECT_EQ(charges["customer_yen"], t["service_yen"]["tow"].get<std::int64_t>() +
                                           12 * yen(t, "tow_per_km_yen") +
                                           yen(t, "storage_per_day_yen"));
}

// 第2条2(12) 増員・増車料金（タイヤ1本、及び落差1m以内からの車両引上げ作業は除く）.
TEST_F(TermsTest, ExtraStaffIsNotBilledOnTheFreeOneWheelRecovery) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const json t = tariff();
    std::int64_t staff_yen = 0;
    for (const auto& x : t["extras"]) {
        if (x["code"] == "extra_staff") staff_yen = x["unit_yen"];
    }
    struct Case {
        const char* why;
        json wheel_drop;
        const char* payer;
    };
    const Case cases[] = {
        {"one wheel, 0.8 m: free recovery, the warranty pays the extra worker",
         {{"wheels", 1}, {"drop_m", 0.8}}, "warranty"},
        {"two wheels: paid recovery, the extra worker is the customer's",
         {{"wheels", 2}, {"drop_m", 0.8}}, "customer"},
    };
    for (const Case& c : cases) {
        const json j = job(call(contract()["contract_no"], site),
                           {{"service", "wheel_drop_recovery"}, {"wheel_drop", c.wheel_drop}})
                           .json();
        const json charges = complete(j, {{"outcome", "fixed_on_site"},
                                          {"extras", {{{"code", "extra_staff"}, {"quantity", 1}}}}});
        const json* l = line(charges, "extra_staff");
        ASSERT_NE(l, nullptr) << c.why << ": " << charges.dump();
        EXPECT_EQ((*l)["payer"], c.payer) << c.why;
        EXPECT_EQ((*l)["amount_yen"], staff_yen) << c.why;
    }
}

// 第2条3(7) サービス実施者が出動後にキャンセル: charged from en_route, not acceptance, and only when
// the customer cancels; the partner's statement lists only what was charged.
TEST_F(TermsTest, CancellationIsChargedFromEnRouteAndOnlyToTheCustomer) {
    const geo::LatLon site = fresh_anchor();
    const std::string p = d.partner("P", north_of(site, 3), {"on_site"});
    HttpClient partner = d.partner_client(p);
    const std::int64_t fee = tariff()["cancellation_yen"];
    struct Case {
        const char* why;
        std::vector<std::string> steps;
        json body;
        std::int64_t customer_yen;
        const char* requested_by;
    };
    const std::vector<Case> cases = {
        {"accepted, customer: not yet set out", {}, json::object(), 0, "customer"},
        {"en_route, customer (the default)", {"en_route"}, {{"reason", "直った"}}, fee, "customer"},
        {"on_scene, customer", {"en_route", "on_scene"}, {{"requested_by", "customer"}}, fee,
         "customer"},
        {"en_route, the operator", {"en_route"}, {{"requested_by", "operator"}}, 0, "operator"},
        {"on_scene, the partner", {"en_route", "on_scene"}, {{"requested_by", "partner"}}, 0,
         "partner"},
    };
    std::vector<std::string> charged_jobs;
    for (const Case& c : cases) {
        const json j = job(call(contract()["contract_no"], site), {{"service", "lockout"}}).json();
        ASSERT_EQ(j["partner_id"], p) << c.why;
        const std::string base = "/v1/jobs/" + j["job_id"].get<std::string>();
        ASSERT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
        for (const auto& s : c.steps) {
            ASSERT_EQ(partner.post_json(base + "/status", {{"status", s}}).status, 200);
        }
        const HttpResult r = admin().post_json(base + "/cancel", c.body);
        ASSERT_EQ(r.status, 200) << c.why << ": " << r.body;
        EXPECT_EQ(r.json()["charges"]["customer_yen"], c.customer_yen) << c.why;
        EXPECT_EQ(r.json()["cancelled_by"], c.requested_by) << c.why;
        if (c.customer_yen > 0) charged_jobs.push_back(j["job_id"].get<std::string>());
        const json view = admin().get("/v1/incidents/" + j["incident_id"].get<std::string>()).json();
        const auto& events = view["events"];
        const auto e = std::find_if(events.begin(), events.end(),
                                    [](const json& ev) { return ev["type"] == "job_cancelled"; });
        ASSERT_NE(e, events.end());
        EXPECT_EQ((*e)["data"]["requested_by"], c.requested_by) << c.why;
        EXPECT_EQ((*e)["data"]["charged"], c.customer_yen > 0) << c.why;
    }
    // A bad requester is a 400 and cancels nothing.
    const json j = job(call(contract()["contract_no"], site), {{"service", "lockout"}}).json();
    const HttpResult bad = admin().post_json("/v1/jobs/" + j["job_id"].get<std::string>() + "/cancel",
                                             {{"requested_by", "agent"}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json()["error"]["details"]["field"], "requested_by");
    EXPECT_EQ(d.job(j["job_id"].get<std::string>())["status"], "offered");
    // The statement lists the two charged cancellations and nothing else of these.
    const std::string month = core::format_date(today()).substr(0, 7);
    const json s = admin().get("/v1/partners/" + p + "/statement?month=" + month).json();
    std::vector<std::string> listed;
    for (const auto& row : s["jobs"]) listed.push_back(row["job_id"].get<std::string>());
    std::sort(listed.begin(), listed.end());
    std::sort(charged_jobs.begin(), charged_jobs.end());
    EXPECT_EQ(listed, charged_jobs);
    EXPECT_EQ(s["totals"]["customer_yen"], 2 * fee);
}

// ---- coverage --------------------------------------------------------------------------------

// spec/rules.md §1: 1・4・8ナンバー by the vehicle's kind and use; an unverifiable limit is a note.
TEST_F(TermsTest, MileageFollowsKindAndUseAndAsksForTheOdometer) {
    const auto vehicle = [](const char* kind, const char* use, const std::string& plate) {
        return [=](json& b) {
            b["vehicle"]["kind"] = kind;
            b["vehicle"]["use"] = use;
            b["vehicle"]["plate"] = plate;
        };
    };
    const std::string suffix = unique_suffix().substr(0, 4);
    const json kei_cargo_6xx = contract(vehicle("kei", "cargo", "室蘭 680 お " + suffix));
    const json passenger_4xx = contract(vehicle("small", "passenger", "室蘭 400 お " + suffix));
    const auto check = [&](const json& c, std::optional<std::int64_t> odometer) {
        json body = {{"contract_no", c["contract_no"]}, {"location", latlon(fresh_anchor())}};
        if (odometer) body["odometer_km"] = *odometer;
        const HttpResult r = admin().post_json("/v1/coverage/check", body);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    };
    // The 6xx 軽貨物 is a 4-number vehicle: limited to 15,000 km a year.
    json v = check(kei_cargo_6xx, std::nullopt);
    EXPECT_TRUE(v["eligible"].get<bool>());
    EXPECT_EQ(v["coverage"]["mileage_limit_km"], 15000);
    ASSERT_EQ(codes(v["notes"]), std::vector<std::string>{"mileage_unverified"});
    EXPECT_EQ(v["notes"][0]["details"]["ask"], "odometer_km");
    v = check(kei_cargo_6xx, 45210 + 15000);
    EXPECT_TRUE(v["eligible"].get<bool>());
    EXPECT_TRUE(v["notes"].empty());
    v = check(kei_cargo_6xx, 45210 + 15001);
    EXPECT_EQ(codes(v["reasons"]), std::vector<std::string>{"mileage_limit_exceeded"});
    // A passenger car on a plate typed 400 is not limited.
    v = check(passenger_4xx, std::nullopt);
    EXPECT_TRUE(v["coverage"]["mileage_limit_km"].is_null());
    EXPECT_TRUE(v["notes"].empty());
    // The call stores the note with the verdict.
    const HttpResult r = admin().post_json("/v1/calls", {{"contract_no", kei_cargo_6xx["contract_no"]},
                                                         {"location", latlon(fresh_anchor())},
                                                         {"problem", "battery"}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "open");
    EXPECT_EQ(codes(r.json()["coverage"]["notes"]), std::vector<std::string>{"mileage_unverified"});
}

// A 車検証 export with its expiry moved `days` from today (令和 era), as a renewal brings.
json renewed_certificate(int days) {
    std::ifstream in(shakensho_dir() + "/K_sample01.json");
    std::stringstream text;
    text << in.rdbuf();
    json cert = json::parse(text.str());
    const core::Date d = core::add_days(today(), days);
    const int y = static_cast<int>(d.year());
    const unsigned m = static_cast<unsigned>(d.month());
    const unsigned dd = static_cast<unsigned>(d.day());
    auto& info = cert["CertInfo"];
    char buf[16];
    info["ValidPeriodExpirdateE"] = "令和";
    std::snprintf(buf, sizeof buf, "%2d", y - 2018);
    info["ValidPeriodExpirdateY"] = buf;
    std::snprintf(buf, sizeof buf, "%2u", m);
    info["ValidPeriodExpirdateM"] = buf;
    std::snprintf(buf, sizeof buf, "%2u", dd);
    info["ValidPeriodExpirdateD"] = buf;
    std::snprintf(buf, sizeof buf, "%02d%02u%02u", y - 2018, m, dd);
    info["TwodimensionCodeInfoValidPeriodExpirdate"] = buf;
    return cert;
}

// spec/rules.md §3: a renewed 車検 updates the contract; the change is in its history with the old
// and new values and the actor; the verdict uses it.
TEST_F(TermsTest, VehicleRenewalByCertificateAndByTheAgent) {
    const json c = contract([](json& b) {
        b["vehicle"]["chassis_no"] = "LA100S-0044108883";  // K_sample01's 車台番号
        b["vehicle"]["inspection_expiry"] = today_plus(-1);
    });
    const std::string id = c["id"];
    const std::string target = "/v1/contracts/" + id + "/vehicle";
    const json check = {{"contract_no", c["contract_no"]}, {"location", latlon(fresh_anchor())}};
    HttpClient agent(server->port(), token_for("agent"));
    EXPECT_EQ(codes(agent.post_json("/v1/coverage/check", check).json()["reasons"]),
              std::vector<std::string>{"inspection_expired"});

    // Another car's certificate, or an older one, changes nothing.
    json other = renewed_certificate(400);
    other["CertInfo"]["CarNo"] = "ＬＡ１００Ｓ－９９９９９９９９９９";
    other["CertInfo"]["TwodimensionCodeInfoCarNo"] = "LA100S-9999999999";
    HttpResult r = agent.post_json(target, {{"vehicle_certificate", other}});
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.error_code(), "chassis_mismatch");
    r = agent.post_json(target, {{"vehicle_certificate", renewed_certificate(-30)}});
    EXPECT_EQ(r.error_code(), "certificate_not_newer");
    EXPECT_EQ(agent.post_json(target, {{"vehicle_certificate", renewed_certificate(400)},
                                       {"inspection_expiry", today_plus(400)}})
                  .error_code(),
              "conflicting_fields");
    EXPECT_EQ(agent.post_json(target, json::object()).error_code(), "missing_field");
    EXPECT_EQ(agent.post_json(target, {{"vehicle_certificate", {{"CertInfo", 1}}}}).error_code(),
              "invalid_certificate");
    EXPECT_EQ(agent.post_json("/v1/contracts/00000000-0000-0000-0000-000000000000/vehicle",
                              {{"inspection_expiry", today_plus(1)}})
                  .error_code(),
              "contract_not_found");
    EXPECT_EQ(admin().get("/v1/contracts/" + id).json()["vehicle"]["inspection_expiry"],
              today_plus(-1));

    // The renewal by certificate import.
    r = agent.post_json(target, {{"vehicle_certificate", renewed_certificate(730)}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["vehicle"]["inspection_expiry"], today_plus(730));
    const json events = r.json()["events"];
    ASSERT_FALSE(events.empty());
    const json& e = events.back();
    EXPECT_EQ(e["type"], "inspection_expiry_updated");
    EXPECT_EQ(e["data"]["old"], today_plus(-1));
    EXPECT_EQ(e["data"]["new"], today_plus(730));
    EXPECT_EQ(e["data"]["source"], "certificate");
    EXPECT_EQ(e["actor"].get<std::string>().rfind("agent:", 0), 0u) << e.dump();
    json v = agent.post_json("/v1/coverage/check", check).json();
    EXPECT_TRUE(v["eligible"].get<bool>()) << v.dump();

    // The agent types a date read from the paper 車検証 (a correction may go either way).
    r = agent.post_json(target, {{"inspection_expiry", today_plus(-2)}, {"note", "誤記訂正"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["events"].back()["data"]["source"], "agent");
    EXPECT_EQ(r.json()["events"].back()["data"]["note"], "誤記訂正");
    v = agent.post_json("/v1/coverage/check", check).json();
    EXPECT_EQ(codes(v["reasons"]), std::vector<std::string>{"inspection_expired"});
    // The same value again records nothing.
    const std::size_t n = r.json()["events"].size();
    r = agent.post_json(target, {{"inspection_expiry", today_plus(-2)}});
    EXPECT_EQ(r.json()["events"].size(), n);
    // Partners and customers may not.
    const std::string p = d.partner("P", fresh_anchor(), {"on_site"});
    EXPECT_EQ(d.partner_client(p).post_json(target, {{"inspection_expiry", today_plus(9)}}).status,
              403);
}

// 第2条3(5) across calls: the estimate shows the vehicle's free tow of the last 30 days; the agent
// marks the car unrepaired and the tow is paid.
TEST_F(TermsTest, ASecondTowAcrossCallsIsShownAndPaid) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const std::string shop = d.shop(north_of(site, 15), "最初の工場");
    const json c = contract();
    const json first = job(call(c["contract_no"], site), {{"service", "tow"},
                                                          {"destination", {{"shop_id", shop}}}})
                           .json();
    complete(first, {{"outcome", "towed_to_shop"}, {"tow_distance_km", 20}});

    const std::string again = call(c["contract_no"], north_of(site, 15));
    const json tow = {{"service", "tow"}, {"destination", {{"storage", true}}}};
    HttpResult r = admin().post_json("/v1/incidents/" + again + "/jobs/estimate", tow);
    ASSERT_EQ(r.status, 200) << r.body;
    const json previous = r.json()["previous_tow"];
    ASSERT_TRUE(previous.is_object()) << r.body;
    EXPECT_EQ(previous["job_id"], first["job_id"]);
    EXPECT_EQ(previous["completed_on"], core::format_date(today()));
    EXPECT_EQ(previous["destination"]["kind"], "designated_shop");
    EXPECT_EQ(previous["destination"]["shop_id"], shop);
    EXPECT_EQ(previous["destination"]["name"], "最初の工場");
    EXPECT_TRUE(r.json()["free"].get<bool>()) << "shown, not decided: the agent asks";

    json marked = tow;
    marked["unrepaired_since_previous_tow"] = true;
    r = job(again, marked);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_FALSE(r.json()["free"].get<bool>());
    EXPECT_EQ(codes(r.json()["paid_reasons"]), std::vector<std::string>{"second_tow"});
    EXPECT_EQ(r.json()["paid_reasons"][0]["clause"], "第2条3(5)");
    EXPECT_TRUE(r.json()["unrepaired_since_previous_tow"].get<bool>());

    // Another vehicle's call sees no earlier tow.
    const std::string other = call(contract()["contract_no"], site);
    r = admin().post_json("/v1/incidents/" + other + "/jobs/estimate", tow);
    EXPECT_TRUE(r.json()["previous_tow"].is_null());
}

// ---- accidents, remote support, receipts -----------------------------------------------------

// 第1条2 車両故障の現場: an accident call is stored with its coverage; every job on it is paid and
// a claim on it is rejected, both with accident_not_breakdown.
TEST_F(TermsTest, AccidentsArePaidAndOpenNoRemoteSupport) {
    const geo::LatLon site = fresh_anchor();  // thousands of km from the Tokyo home
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const std::string incident = call(contract()["contract_no"], site, "accident", jst(-1, 9));
    const json view = admin().get("/v1/incidents/" + incident).json();
    EXPECT_EQ(view["status"], "open");
    EXPECT_TRUE(view["eligible"].get<bool>());
    const json j = d.tow_job(incident, north_of(site, 10)).json();
    EXPECT_FALSE(j["free"].get<bool>());
    EXPECT_EQ(codes(j["paid_reasons"]), std::vector<std::string>{"accident_not_breakdown"});
    complete(j, {{"outcome", "towed_to_shop"}, {"tow_distance_km", 12}});
    const HttpResult r = admin().post_json(
        "/v1/claims",
        claim(incident, "taxi", 1, jst(-1, 11),
              {{{"amount_yen", 5000}, {"issued_on", core::format_date(core::add_days(today(), -1))},
                {"issuer", "○○交通"}, {"kind", "taxi_fare"}}}));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "rejected");
    EXPECT_EQ(codes(r.json()["reasons"]),
              (std::vector<std::string>{"accident_not_breakdown", "no_qualifying_tow"}));
    EXPECT_EQ(r.json()["reasons"][1]["details"]["paid_tow_reasons"], "accident_not_breakdown");
}

// 第1条3(1) 「第2号のロードサービスを利用して」: a paid tow (here: home, not a designated shop)
// does not open remote support; the free tow to storage does.
TEST_F(TermsTest, RemoteSupportFollowsOnlyTheFreeTow) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const std::string day = core::format_date(core::add_days(today(), -1));
    const json taxi = {{{"amount_yen", 6000}, {"issued_on", day}, {"issuer", "○○交通"},
                        {"kind", "taxi_fare"}}};
    const std::string paid = call(contract()["contract_no"], site, "breakdown", jst(-1, 9));
    complete(d.tow_job_to_place(paid, north_of(site, 10)).json(),
             {{"outcome", "towed_to_shop"}, {"tow_distance_km", 12}});
    HttpResult r = admin().post_json("/v1/claims", claim(paid, "taxi", 1, jst(-1, 11), taxi));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(codes(r.json()["reasons"]), std::vector<std::string>{"no_qualifying_tow"});
    EXPECT_EQ(r.json()["reasons"][0]["details"]["paid_tow_reasons"], "destination_not_designated");

    const std::string free = call(contract()["contract_no"], site, "breakdown", jst(-1, 9));
    json storage = latlon(north_of(site, 10));
    storage["storage"] = true;
    complete(job(free, {{"service", "tow"}, {"destination", storage}}).json(),
             {{"outcome", "towed_to_storage"}, {"tow_distance_km", 12}, {"storage_hours", 10}});
    r = admin().post_json("/v1/claims", claim(free, "taxi", 1, jst(-1, 11), taxi));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "approved") << r.body;
}

// spec/rules.md §5: no receipt, no payment — only A–C may go to a person's review; per-person
// tickets all count; a duplicate needs the same receipt number from the same issuer.
TEST_F(TermsTest, ReceiptsHotelWithoutOneTicketsPerPersonAndNumbers) {
    const geo::LatLon site = fresh_anchor();
    d.partner("W", north_of(site, 3), {"on_site", "wrecker"});
    const auto towed = [&] {
        const std::string incident = call(contract()["contract_no"], site, "breakdown", jst(-1, 9));
        complete(d.tow_job(incident, north_of(site, 10)).json(),
                 {{"outcome", "towed_to_shop"}, {"tow_distance_km", 12}});
        return incident;
    };
    json hotel = claim(towed(), "hotel", 1, jst(-1, 21), json::array());
    hotel["no_receipt_reason"] = "紛失";
    HttpResult r = admin().post_json("/v1/claims", hotel);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "rejected");
    EXPECT_EQ(codes(r.json()["reasons"]), std::vector<std::string>{"receipt_missing"});
    EXPECT_FALSE(r.json()["reasons"][0]["details"]["no_receipt_review_allowed"].get<bool>());
    json taxi = claim(towed(), "taxi", 1, jst(-1, 11), json::array());
    taxi["no_receipt_reason"] = "流しのタクシー";
    r = admin().post_json("/v1/claims", taxi);
    EXPECT_EQ(r.json()["decision"], "pending_review") << r.body;

    // Four people on one train: four tickets alike, all counted (4 × 15,000 within 4 × 20,000).
    const std::string day = core::format_date(core::add_days(today(), -1));
    json tickets = json::array();
    for (int i = 0; i < 4; ++i) {
        tickets.push_back({{"amount_yen", 15000}, {"issued_on", day}, {"issuer", "JR"},
                           {"kind", "rail"}});
    }
    const std::string train = towed();
    r = admin().post_json("/v1/claims", claim(train, "public_transport", 4, jst(-1, 17), tickets));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "approved") << r.body;
    EXPECT_EQ(r.json()["approved_yen"], 60000);

    // The same receipt number twice from the same issuer is one document.
    for (int i = 0; i < 4; ++i) tickets[i]["receipt_no"] = "No." + std::to_string(i == 1 ? 0 : i);
    r = admin().post_json("/v1/claims", claim(towed(), "public_transport", 4, jst(-1, 17), tickets));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "partially_approved") << r.body;
    EXPECT_EQ(r.json()["approved_yen"], 45000);
    EXPECT_EQ(r.json()["reasons"][0]["details"]["duplicate"], "1");
    const json stored = admin().get("/v1/claims/" + r.json()["claim_id"].get<std::string>()).json();
    EXPECT_EQ(stored["receipts"][1]["receipt_no"], "No.0");
    EXPECT_FALSE(stored["receipts"][1]["counted"].get<bool>());
    tickets[0]["receipt_no"] = std::string(65, '9');
    EXPECT_EQ(admin()
                  .post_json("/v1/claims", claim(train, "public_transport", 4, jst(-1, 17), tickets))
                  .json()["error"]["details"]["field"],
              "receipts[0].receipt_no");
}

// ---- the call ------------------------------------------------------------------------------

// 第3条(3), (4), (6) as refusal grounds; 第3条(1) the caller's identity as a warning.
TEST_F(TermsTest, Article3RefusalsAndTheCallersIdentity) {
    const json c = contract();
    for (const char* ground : {"documents_refused", "waiver_refused", "instructions_not_followed"}) {
        const HttpResult r = admin().post_json("/v1/calls", {{"contract_no", c["contract_no"]},
                                                             {"location", latlon(fresh_anchor())},
                                                             {"problem", "battery"},
                                                             {"refusal_grounds", {ground}}});
        ASSERT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(r.json()["status"], "refused") << ground;
    }
    struct Case {
        const char* why;
        json caller;
        bool warned;
        json name_matches;
        json birth_date_matches;
    };
    const std::vector<Case> cases = {
        {"the holder, as on the contract",
         {{"name", "山田　太郎"}, {"holder_birth_date", "1980-04-01"}}, false, true, true},
        {"the holder in kana", {{"name", "やまだ たろう"}}, false, true, nullptr},
        {"someone else, right birth date",
         {{"name", "佐藤 花子"}, {"holder_birth_date", "1980-04-01"}}, true, false, true},
        {"the wrong birth date", {{"name", "山田 太郎"}, {"holder_birth_date", "1980-04-02"}},
         true, true, false},
        {"not asked", {{"phone", "090-0000-0000"}}, false, nullptr, nullptr},
    };
    for (const Case& k : cases) {
        const HttpResult r = admin().post_json("/v1/calls", {{"contract_no", c["contract_no"]},
                                                             {"location", latlon(fresh_anchor())},
                                                             {"problem", "battery"},
                                                             {"caller", k.caller}});
        ASSERT_EQ(r.status, 201) << k.why << ": " << r.body;
        EXPECT_EQ(r.json()["status"], "open") << k.why << ": a warning, not a refusal";
        const json notes = r.json()["coverage"]["notes"];
        EXPECT_EQ(codes(notes), k.warned ? std::vector<std::string>{"caller_identity_mismatch"}
                                         : std::vector<std::string>{})
            << k.why;
        const json view = admin().get("/v1/incidents/" + r.json()["incident_id"].get<std::string>()).json();
        EXPECT_EQ(view["caller"]["name_matches"], k.name_matches) << k.why;
        EXPECT_EQ(view["caller"]["birth_date_matches"], k.birth_date_matches) << k.why;
        EXPECT_EQ(view["coverage"]["caller_identity"]["name_matches"], k.name_matches) << k.why;
    }
    const HttpResult bad = admin().post_json("/v1/calls", {{"contract_no", c["contract_no"]},
                                                           {"location", latlon(fresh_anchor())},
                                                           {"problem", "battery"},
                                                           {"caller", {{"holder_birth_date", "1980-02-30"}}}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json()["error"]["details"]["field"], "caller.holder_birth_date");
}

}  // namespace
}  // namespace roadside::testing
