#pragma once
// Contracts and their vehicles.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/contract.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct ContractRow {
    dispatch::Contract contract;
    core::Instant created_at;
    bool from_certificate = false;
};

struct NewContract {
    dispatch::Contract contract;  // id ignored: the database assigns it
    std::optional<std::string> certificate_json;
    std::string created_by;
};

// nullopt when the contract number is taken.
boost::asio::awaitable<std::optional<ContractRow>> insert_contract(Connection& db,
                                                                   const NewContract& c);
// `id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<ContractRow>> find_contract(Connection& db,
                                                                 std::string_view id);
// Locks the row until the transaction ends.
boost::asio::awaitable<std::optional<ContractRow>> find_contract_for_update(Connection& db,
                                                                            std::string_view id);
boost::asio::awaitable<std::optional<ContractRow>> find_contract_by_no(
    Connection& db, std::string_view contract_no);
// Every contract on a plate (normalised key), newest start first; bounded.
boost::asio::awaitable<std::vector<ContractRow>> find_contracts_by_plate(
    Connection& db, std::string_view plate_key);
// A renewed 車検: the vehicle's inspection expiry (the caller holds the contract's row lock and
// records the change in the contract's history).
boost::asio::awaitable<void> update_inspection_expiry(Connection& db, std::string_view contract_id,
                                                      core::Date expiry);
boost::asio::awaitable<void> cancel_contract(Connection& db, std::string_view id, core::Date on,
                                             std::string_view reason);

// Events of the contract's own history (created, cancelled), with no incident.
struct NewEvent {
    std::optional<std::string> incident_id;
    std::optional<std::string> contract_id;
    core::Instant at;
    std::string actor;
    std::string type;
    std::string data_json;  // a JSON object
};
boost::asio::awaitable<void> append_event(Connection& db, const NewEvent& e);

}  // namespace roadside::store
