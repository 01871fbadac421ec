#pragma once
// What a crew needs before setting off, and the customer's signature at completion (issue 14,
// migration 0006).
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

// The car and the people, from the contract and the call: which truck to bring (wrecker or
// carrier by length, width and weight), whom to meet and whom to call.
struct CrewDetails {
    std::string plate;
    std::string kind;
    int length_mm = 0;
    int width_mm = 0;
    std::optional<int> height_mm;
    int gross_weight_kg = 0;
    std::string holder_name;
    std::optional<int> occupants;
    std::string caller_name;
    std::string caller_phone;
};
// By job id, for the given jobs (well-formed UUIDs).
boost::asio::awaitable<std::map<std::string, CrewDetails>> crew_details(
    Connection& db, const std::vector<std::string>& job_ids);

struct NewSignature {
    std::string job_id;
    std::string png;     // raw bytes, verified and re-encoded
    std::string sha256;  // raw
    int width = 0;
    int height = 0;
    geo::LatLon position;  // where the truck was
    std::string signed_by;
};
boost::asio::awaitable<void> insert_signature(Connection& db, const NewSignature& s);

struct SignatureRow {
    std::string png;
    std::string sha256_hex;
    core::Instant signed_at;
    geo::LatLon position;
};
boost::asio::awaitable<std::optional<SignatureRow>> find_signature(Connection& db,
                                                                   std::string_view job_id);

}  // namespace roadside::store
