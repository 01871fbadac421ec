#pragma once
// Incidents (one per breakdown call) and their event history.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct IncidentRow {
    std::string id;
    std::string contract_id;
    core::Instant at;
    core::Date call_date{};
    geo::LatLon location;
    std::optional<std::int64_t> odometer_km;
    std::string problem;
    std::optional<int> occupants;
    std::string caller_name;
    std::string caller_phone;
    // 第3条(1): whether the caller's name and the holder's birth date as the caller gave them
    // matched the holder's; none where not asked.
    std::optional<bool> caller_name_matches;
    std::optional<bool> caller_birth_date_matches;
    std::vector<std::string> refusal_grounds;
    std::string notes;
    std::string status;
    bool eligible = false;
    std::vector<std::string> reason_codes;
    std::int64_t distance_from_home_m = 0;
    bool remote_support_eligible = false;
    std::string coverage_json;  // the verdict as the agent saw it
    core::Instant created_at;
    std::string created_by;
};

struct EventInput {
    std::string type;
    std::string data_json;  // a JSON object
};

// Inserts the incident and its first events in one statement (one round trip, atomic).
// Fills in `id`; `created_at` is the database's.
boost::asio::awaitable<std::string> insert_incident(Connection& db, const IncidentRow& incident,
                                                    const std::vector<EventInput>& events);

boost::asio::awaitable<std::optional<IncidentRow>> find_incident(Connection& db,
                                                                 std::string_view id);

struct EventRow {
    std::int64_t id = 0;
    core::Instant at;
    std::string actor;
    std::string type;
    std::string data_json;
};
boost::asio::awaitable<std::vector<EventRow>> incident_events(Connection& db,
                                                              std::string_view incident_id);
boost::asio::awaitable<std::vector<EventRow>> contract_events(Connection& db,
                                                              std::string_view contract_id);

}  // namespace roadside::store
