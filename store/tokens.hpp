#pragma once
// Bearer tokens. Only their SHA-256 is stored: a copy of the database hands out no tokens.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace roadside::store {

struct TokenRow {
    std::string id;
    std::string role;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;
    core::Instant created_at;
    std::optional<core::Instant> expires_at;  // customer sessions end; staff tokens do not
};

struct NewToken {
    std::string hash;  // raw SHA-256 bytes
    std::string role;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;
    std::string created_by;
    std::optional<int> lifetime_s;  // expires this long after creation (database clock)
};

boost::asio::awaitable<TokenRow> insert_token(Connection& db, const NewToken& t);
// A token that exists, is not revoked and has not expired.
boost::asio::awaitable<std::optional<TokenRow>> find_token(Connection& db, std::string_view hash);

}  // namespace roadside::store
