#pragma once
// Bearer tokens and roles (spec/api.md "Conventions: Auth").
#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace roadside::api {

// reviewer: the back office (claim review, payouts); the other roles as in spec/api.md.
enum class Role { admin, agent, partner, customer, reviewer };
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

// A person signed in to the console (a staff session), as a principal carries it.
struct SignedInUser {
    std::string user_id;
    std::string login;
    std::string name;
    std::string session_id;
    std::string csrf_token;                    // what X-CSRF-Token must say on unsafe requests
    std::chrono::sys_seconds expires_at;       // the absolute end
    std::chrono::sys_seconds idle_expires_at;  // the end if nothing more is asked, as of now
    std::chrono::sys_seconds ends_at() const { return std::min(expires_at, idle_expires_at); }
};

struct Principal {
    std::string token_id;  // "bootstrap-admin" for ROADSIDE_ADMIN_TOKEN; "session:<id>" for a user
    Role role = Role::agent;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;
    std::optional<SignedInUser> user = std::nullopt;  // signed in with the session cookie
    std::optional<std::chrono::sys_seconds> token_expires_at = std::nullopt;
    // A customer signed in on a page: the token came in the customer cookie, not a header, and
    // unsafe requests must carry this CSRF token (issue 14).
    std::optional<std::string> cookie_csrf_token = std::nullopt;

    // How this principal appears in the event log and in created_by: the person when one signed
    // in ("user:<login>"), else the token ("agent:<token id>").
    std::string actor() const;
    // Whose records (idempotency keys, stream limits) these are: the user across sessions, else
    // the token.
    std::string key() const;
};

// The CSRF token of a session: derived from the cookie's secret (SHA-256, base64url), so it needs
// no storage, cannot be guessed without the cookie, and differs from what the database keeps.
std::string csrf_token_for(std::string_view session_secret);
// The value of one cookie in a Cookie header ("" when absent).
std::string cookie_value(std::string_view cookie_header, std::string_view name);
inline constexpr std::string_view kSessionCookie = "roadside_session";
// The customer's session on the phone pages: the customer token itself, HttpOnly (issue 14).
inline constexpr std::string_view kCustomerCookie = "roadside_customer";
// Whether an Origin header names this server as the browser reached it: the scheme (https when
// it sits behind TLS, else http) and the Host header.
bool same_origin(std::string_view origin, std::string_view host, bool behind_tls);

// A new random token: "rs_" + 43 characters of base64url (256 bits from the OS CSPRNG).
std::string generate_token();
// SHA-256 of the token, raw bytes: what the database stores.
std::string hash_token(std::string_view token);
bool constant_time_equal(std::string_view a, std::string_view b);
// Hex SHA-256 of arbitrary bytes.
std::string sha256_hex(std::string_view data);
std::string sha256_raw(std::string_view data);
// `n` bytes from the OS CSPRNG.
std::string random_bytes(std::size_t n);
// A uniformly random string of `n` decimal digits (a one-time code).
std::string random_digits(int n);
// Standard base64 (padding optional, no line breaks), optionally as a data URL
// ("data:image/png;base64,…", what a canvas gives); nullopt when it is not base64.
std::optional<std::string> decode_base64(std::string_view text);
// HMAC-SHA-256, raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Recently seen tokens, so that a busy agent's every request does not cost a database lookup.
// Bounded in size and age; a revoked token stops working within the TTL.
class TokenCache {
  public:
    TokenCache(std::chrono::seconds ttl, std::size_t max_entries)
        : ttl_(ttl), max_entries_(max_entries) {}
    std::optional<Principal> find(const std::string& hash);
    void put(const std::string& hash, const Principal& p);
    // Revocations reach every server through the database's notifications; while this server
    // does not hear them (its listening connection is down), it trusts no cached token.
    void set_trusted(bool trusted);
    // Consulted on every lookup as well: false while the listening connection is stale.
    void set_health_check(std::function<bool()> healthy) { healthy_ = std::move(healthy); }
    void forget_token(std::string_view token_id);

  private:
    struct Entry {
        Principal principal;
        std::chrono::steady_clock::time_point expires;
    };
    std::chrono::seconds ttl_;
    std::size_t max_entries_;
    bool trusted_ = false;
    std::function<bool()> healthy_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace roadside::api
