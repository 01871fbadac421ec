#include "store/idempotency.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kClaim{
    "idempotency_claim",
    "INSERT INTO idempotency_keys (principal, key, method, path, request_hash)"
    " VALUES ($1, $2, $3, $4, $5::bytea) ON CONFLICT DO NOTHING RETURNING 1"};

constexpr Statement kFind{
    "idempotency_find",
    "SELECT method, path, encode(request_hash, 'hex'), status, coalesce(content_type, ''),"
    " coalesce(body, '') FROM idempotency_keys WHERE principal = $1 AND key = $2"};

constexpr Statement kComplete{
    "idempotency_complete",
    "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5"
    " WHERE principal = $1 AND key = $2"};

constexpr Statement kPing{"ping", "SELECT 1"};

std::string from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return 0;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
    }
    return out;
}

}  // namespace

awaitable<bool> claim_idempotency_key(Connection& db, std::string_view principal,
                                      std::string_view key, std::string_view method,
                                      std::string_view path, std::string_view request_hash) {
    Params p;
    p.add(principal).add(key).add(method).add(path).add_bytea(request_hash);
    co_return !(co_await db.query(kClaim, p)).empty();
}

awaitable<std::optional<IdempotencyRecord>> find_idempotency_key(Connection& db,
                                                                 std::string_view principal,
                                                                 std::string_view key) {
    const Result r = co_await db.query(kFind, Params{}.add(principal).add(key));
    if (r.empty()) co_return std::nullopt;
    IdempotencyRecord rec;
    rec.method = r.string(0, 0);
    rec.path = r.string(0, 1);
    rec.request_hash = from_hex(r.text(0, 2));
    if (const auto s = r.opt_int64(0, 3)) rec.status = static_cast<int>(*s);
    rec.content_type = r.string(0, 4);
    rec.body = r.string(0, 5);
    co_return rec;
}

awaitable<void> complete_idempotency_key(Connection& db, std::string_view principal,
                                         std::string_view key, int status,
                                         std::string_view content_type, std::string_view body) {
    Params p;
    p.add(principal).add(key).add(status).add(content_type).add(body);
    co_await db.query(kComplete, p);
}

awaitable<void> ping(Connection& db) {
    co_await db.query(kPing, Params{});
}

}  // namespace roadside::store
