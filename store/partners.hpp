#pragma once
// Tow partners: where they are based, what they can do, where they last said they were.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct PartnerRow {
    std::string id;
    std::string name;
    std::string phone;
    geo::LatLon base;
    std::vector<std::string> capabilities;
    geo::LatLon position;  // last reported, the base until the first report
    bool available = true;
    std::optional<core::Instant> position_at;
    core::Instant created_at;
    std::string created_by;
};

struct NewPartner {
    std::string name;
    std::string phone;
    geo::LatLon base;
    std::vector<std::string> capabilities;
    std::string created_by;
};

boost::asio::awaitable<PartnerRow> insert_partner(Connection& db, const NewPartner& p);
boost::asio::awaitable<std::optional<PartnerRow>> find_partner(Connection& db, std::string_view id);
// Partners by id, in pages (ids after `after_id`, ascending).
boost::asio::awaitable<std::vector<PartnerRow>> list_partners(Connection& db,
                                                              std::optional<std::string> after_id,
                                                              int limit);
// Records a partner's report; false when there is no such partner.
boost::asio::awaitable<bool> update_partner_position(Connection& db, std::string_view id,
                                                     std::optional<geo::LatLon> position,
                                                     std::optional<bool> available);
boost::asio::awaitable<std::int64_t> count_partners(Connection& db);

// For the servers' in-memory partner index: partners changed since a watermark the previous call
// returned (all partners when there is none), and the new watermark. Changes are re-read with an
// overlap, so a change committed late by a slow transaction is not missed; re-reading is harmless.
struct PartnerChanges {
    std::vector<PartnerRow> partners;
    std::string watermark;  // the database's clock, as text, for the next call
};
boost::asio::awaitable<PartnerChanges> partners_changed_since(
    Connection& db, const std::optional<std::string>& watermark);

}  // namespace roadside::store
