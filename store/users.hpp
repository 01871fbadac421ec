#pragma once
// Staff accounts and their browser sessions (migration 0005).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct UserRow {
    std::string id;
    std::string login;
    std::string name;
    std::string role;  // agent | reviewer | admin | partner
    std::optional<std::string> partner_id;
    std::string password_hash;  // Argon2id string; never leaves the server
    core::Instant created_at;
    std::string created_by;
    std::optional<core::Instant> disabled_at;
    std::optional<std::string> disabled_by;
};

struct NewUser {
    std::string login;
    std::string name;
    std::string role;
    std::optional<std::string> partner_id;
    std::string password_hash;
    std::string created_by;
};

// nullopt when the login is taken, whatever its case (users_login_key).
boost::asio::awaitable<std::optional<UserRow>> insert_user(Connection& db, const NewUser& u);
// `id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<UserRow>> find_user(Connection& db, std::string_view id);
// Case-insensitive; disabled users too.
boost::asio::awaitable<std::optional<UserRow>> find_user_by_login(Connection& db,
                                                                  std::string_view login);
boost::asio::awaitable<std::vector<UserRow>> list_users(Connection& db, int limit);
// Disables the user and ends every session it has, in one statement; the database announces both
// (roadside_auth). Returns the user; a user disabled before keeps its first disabled_at.
boost::asio::awaitable<std::optional<UserRow>> disable_user(Connection& db, std::string_view id,
                                                            std::string_view by);
// A new password hash; every open session of the user ends (password_changed).
boost::asio::awaitable<bool> set_password(Connection& db, std::string_view id,
                                          std::string_view password_hash, bool end_sessions);

struct NewSession {
    std::string secret_hash;  // raw SHA-256 of the cookie's secret
    std::string user_id;
    std::chrono::seconds lifetime{0};
    std::string remote_addr;
};
struct SessionCreated {
    std::string id;
    core::Instant created_at;
    core::Instant expires_at;
};
boost::asio::awaitable<SessionCreated> insert_session(Connection& db, const NewSession& s);

// A live session and its user: not ended, not past expires_at, used within `idle` (all by the
// database's clock), and its user not disabled.
struct SessionRow {
    std::string id;
    core::Instant expires_at;
    core::Instant idle_expires_at;  // last_seen_at + idle
    bool touch_due = false;         // last_seen_at is older than the touch interval
    UserRow user;
};
boost::asio::awaitable<std::optional<SessionRow>> find_live_session(
    Connection& db, std::string_view secret_hash, std::chrono::milliseconds idle,
    std::chrono::milliseconds touch_after);
// Marks the session as used now.
boost::asio::awaitable<void> touch_session(Connection& db, std::string_view id);
// Ends the session (signed out); false when it had ended already.
boost::asio::awaitable<bool> end_session(Connection& db, std::string_view id,
                                         std::string_view reason);

}  // namespace roadside::store
