#pragma once
// Bearer tokens. Only their SHA-256 is stored: a copy of the database hands out no tokens.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace roadside::store {

struct TokenRow {
    std::string id;
    std::string role;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;
    core::Instant created_at;
    std::optional<core::Instant> expires_at;  // every token has one since migration 0005
    std::string created_by;
    std::optional<core::Instant> revoked_at;
};

struct NewToken {
    std::string hash;  // raw SHA-256 bytes
    std::string role;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;
    std::string created_by;
    std::optional<int> lifetime_s;  // expires this long after creation (database clock); required
};

boost::asio::awaitable<TokenRow> insert_token(Connection& db, const NewToken& t);
// A token that exists, is not revoked and has not expired.
boost::asio::awaitable<std::optional<TokenRow>> find_token(Connection& db, std::string_view hash);
// Newest first; revoked and expired ones only when asked for; optionally of one role.
boost::asio::awaitable<std::vector<TokenRow>> list_tokens(Connection& db,
                                                          std::optional<std::string> role,
                                                          bool include_ended, int limit);
// Revokes the token (the database announces it on roadside_auth). nullopt when there is no such
// token; a token revoked before keeps its first revoked_at.
boost::asio::awaitable<std::optional<TokenRow>> revoke_token(Connection& db, std::string_view id);

}  // namespace roadside::store
