#pragma once
// Links for the customer's phone (migration 0006): one-time location links and tracking links.
// Only the SHA-256 of a link's token is stored; lookups are by that hash.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct NewLink {
    std::string token_hash;  // raw SHA-256
    std::optional<std::string> contract_id;
    std::optional<std::string> incident_id;
    std::optional<std::string> sent_to;
    std::string created_by;
    int lifetime_s = 1800;  // from now, by the database's clock
};

struct LocationLinkRow {
    std::string id;
    std::optional<std::string> contract_id;
    std::optional<std::string> incident_id;
    std::optional<std::string> sent_to;
    std::string created_by;
    core::Instant created_at;
    core::Instant expires_at;
    bool expired = false;  // by the database's clock
    std::optional<core::Instant> used_at;
    std::optional<geo::LatLon> position;
    std::optional<double> accuracy_m;
};

boost::asio::awaitable<LocationLinkRow> insert_location_link(Connection& db, const NewLink& l);
boost::asio::awaitable<std::optional<LocationLinkRow>> find_location_link(
    Connection& db, std::string_view token_hash);
// Records the position once: nullopt when the link is unknown, used or expired (the caller
// looks it up to say which). Concurrent answers: exactly one wins.
boost::asio::awaitable<std::optional<LocationLinkRow>> record_location(Connection& db,
                                                                       std::string_view token_hash,
                                                                       geo::LatLon position,
                                                                       double accuracy_m);

struct TrackingLinkRow {
    std::string id;
    std::string incident_id;
    std::optional<std::string> sent_to;
    core::Instant created_at;
    core::Instant expires_at;
    bool expired = false;
};
boost::asio::awaitable<TrackingLinkRow> insert_tracking_link(Connection& db, const NewLink& l);
boost::asio::awaitable<std::optional<TrackingLinkRow>> find_tracking_link(
    Connection& db, std::string_view token_hash);

// What the public tracking view is made of: the incident's latest job and its partner.
struct TrackingFacts {
    geo::LatLon breakdown;
    std::optional<std::string> job_status;
    std::optional<std::string> partner_name;
    std::optional<geo::LatLon> partner_position;
    std::optional<core::Instant> partner_position_at;
    std::optional<int> eta_minutes;
    std::optional<core::Instant> accepted_at;
    std::optional<core::Instant> job_updated_at;
};
boost::asio::awaitable<TrackingFacts> tracking_facts(Connection& db, std::string_view incident_id);

}  // namespace roadside::store
