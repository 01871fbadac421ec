#pragma once
// Idempotency records: (principal, key) -> the first response. Used inside the request's own
// transaction, so that the effect and its record commit or roll back together.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace roadside::store {

struct IdempotencyRecord {
    std::string method;
    std::string path;
    std::string request_hash;  // raw bytes
    std::optional<int> status;
    std::string content_type;
    std::string body;
};

// True when this request now owns the key. When another transaction holds the same key
// uncommitted, waits for it (the unique index arbitrates).
boost::asio::awaitable<bool> claim_idempotency_key(Connection& db, std::string_view principal,
                                                   std::string_view key, std::string_view method,
                                                   std::string_view path,
                                                   std::string_view request_hash);
boost::asio::awaitable<std::optional<IdempotencyRecord>> find_idempotency_key(
    Connection& db, std::string_view principal, std::string_view key);
boost::asio::awaitable<void> complete_idempotency_key(Connection& db, std::string_view principal,
                                                      std::string_view key, int status,
                                                      std::string_view content_type,
                                                      std::string_view body);

// SELECT 1: the database answers.
boost::asio::awaitable<void> ping(Connection& db);

}  // namespace roadside::store
