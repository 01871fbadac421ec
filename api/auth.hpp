#pragma once
// Bearer tokens and roles (spec/api.md "Conventions: Auth").
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace roadside::api {

enum class Role { admin, agent, partner, customer };
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Principal {
    std::string token_id;  // "bootstrap-admin" for ROADSIDE_ADMIN_TOKEN
    Role role = Role::agent;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string label;

    // How this principal appears in the event log: "agent:<token id>".
    std::string actor() const;
};

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

  private:
    struct Entry {
        Principal principal;
        std::chrono::steady_clock::time_point expires;
    };
    std::chrono::seconds ttl_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace roadside::api
