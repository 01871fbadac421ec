#pragma once
// Helpers for the dispatch tests: partners placed around a point no other test uses, covered
// calls there, and partner clients.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "support.hpp"

namespace roadside::testing {

// Each test works around its own point, at least 4° from any other test's, so that partners
// created by one test are never candidates in another (the dispatch radius is 80 km).
inline geo::LatLon fresh_anchor() {
    static std::atomic<int> next{0};
    const int k = next.fetch_add(1);
    return {-60.0 + 6.0 * (k % 20), -170.0 + 8.0 * (k / 20 % 40)};
}

// A point `km` kilometres due north of `p` (along the meridian; exact enough for placing
// partners, and tests that need the exact figure compute the geodesic).
inline geo::LatLon north_of(geo::LatLon p, double km) {
    return {p.lat_deg + km / 111.2, p.lon_deg};
}
inline geo::LatLon east_of(geo::LatLon p, double km) {
    return {p.lat_deg, p.lon_deg + km / 111.2 / std::cos(p.lat_deg * 3.14159265358979 / 180.0)};
}

inline nlohmann::json latlon(geo::LatLon p) {
    return {{"lat", p.lat_deg}, {"lon", p.lon_deg}};
}

inline std::string today_plus(int days) {
    return core::format_date(core::add_days(core::japan_date(core::now_seconds()), days));
}

// The tariff the server runs with (config/tariff.json), to compute expected charges.
inline nlohmann::json tariff() {
    std::ifstream in(source_dir() + "/config/tariff.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

// Everything a dispatch test needs from one server.
class Dispatch {
  public:
    Dispatch(int port, std::string admin_token) : port_(port), admin_(port, admin_token) {}

    HttpClient& admin() { return admin_; }

    std::string partner(const std::string& name, geo::LatLon base,
                        const std::vector<std::string>& caps) {
        const HttpResult r = admin_.post_json(
            "/v1/partners", {{"name", name}, {"base", latlon(base)}, {"capabilities", caps}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("id", "");
    }

    HttpClient partner_client(const std::string& partner_id) {
        const HttpResult r = admin_.post_json(
            "/v1/tokens", {{"role", "partner"}, {"partner_id", partner_id}, {"label", "p"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return HttpClient(port_, r.json().value("token", ""));
    }

    // A contract that covers road service today; `active` false gives one that expired.
    std::string contract(bool active = true) {
        nlohmann::json body = sample_contract_body("kaitokuten-basic", unique_suffix(), "J-");
        body["start_date"] = active ? today_plus(-100) : today_plus(-800);
        body["vehicle"]["inspection_expiry"] = today_plus(300);
        const HttpResult r = admin_.post_json("/v1/contracts", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return body["contract_no"];
    }

    // A call at `where`, now; returns the incident id.
    std::string call(geo::LatLon where, bool covered = true,
                     const std::string& problem = "breakdown") {
        const HttpResult r = admin_.post_json("/v1/calls", {{"contract_no", contract(covered)},
                                                            {"location", latlon(where)},
                                                            {"problem", problem},
                                                            {"occupants", 2}});
        EXPECT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(r.json().value("status", ""), covered ? "open" : "not_covered") << r.body;
        return r.json().value("incident_id", "");
    }

    // A designated shop (保証会社指定の工場) at `where`, open around the clock; returns its id.
    std::string shop(geo::LatLon where, const std::string& name = "指定工場",
                     const nlohmann::json& hours = {{"always", true}}, bool night_intake = false) {
        const HttpResult r = admin_.post_json("/v1/shops", {{"name", name},
                                                            {"address", "テスト市"},
                                                            {"location", latlon(where)},
                                                            {"night_intake", night_intake},
                                                            {"hours", hours}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("id", "");
    }

    // A free tow to a designated shop made at `destination` (第1条2(1)).
    HttpResult tow_job(const std::string& incident_id, geo::LatLon destination) {
        return admin_.post_json("/v1/incidents/" + incident_id + "/jobs",
                                {{"service", "tow"},
                                 {"destination", {{"shop_id", shop(destination)}}}});
    }

    // A tow to a place that is not a designated shop (home, the customer's garage): paid.
    HttpResult tow_job_to_place(const std::string& incident_id, geo::LatLon destination) {
        return admin_.post_json("/v1/incidents/" + incident_id + "/jobs",
                                {{"service", "tow"},
                                 {"destination", {{"lat", destination.lat_deg},
                                                  {"lon", destination.lon_deg},
                                                  {"name", "自宅"}}}});
    }

    nlohmann::json job(const std::string& id) {
        const HttpResult r = admin_.get("/v1/jobs/" + id);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }

  private:
    int port_;
    HttpClient admin_;
};

}  // namespace roadside::testing
