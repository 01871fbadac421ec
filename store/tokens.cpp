#include "store/tokens.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kInsertToken{
    "token_insert",
    "INSERT INTO tokens (token_hash, role, partner_id, contract_id, label, created_by, expires_at)"
    " VALUES ($1::bytea, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))"
    " RETURNING id, role, partner_id, contract_id, label,"
    " floor(extract(epoch FROM created_at))::bigint, floor(extract(epoch FROM expires_at))::bigint"};

constexpr Statement kFindToken{"token_find",
                               "SELECT id, role, partner_id, contract_id, label,"
                               " floor(extract(epoch FROM created_at))::bigint,"
                               " floor(extract(epoch FROM expires_at))::bigint"
                               " FROM tokens WHERE token_hash = $1::bytea AND revoked_at IS NULL"
                               " AND (expires_at IS NULL OR expires_at > now())"};

TokenRow read_token(const Result& r) {
    TokenRow t{r.string(0, 0),     r.string(0, 1), r.opt_string(0, 2),
               r.opt_string(0, 3), r.string(0, 4), core::Instant{std::chrono::seconds{r.int64(0, 5)}},
               std::nullopt};
    if (const auto e = r.opt_int64(0, 6)) t.expires_at = core::Instant{std::chrono::seconds{*e}};
    return t;
}

}  // namespace

awaitable<TokenRow> insert_token(Connection& db, const NewToken& t) {
    Params p;
    p.add_bytea(t.hash).add(t.role).add(t.partner_id).add(t.contract_id).add(t.label);
    p.add(t.created_by).add(t.lifetime_s);
    co_return read_token(co_await db.query(kInsertToken, p));
}

awaitable<std::optional<TokenRow>> find_token(Connection& db, std::string_view hash) {
    const Result r = co_await db.query(kFindToken, Params{}.add_bytea(hash));
    if (r.empty()) co_return std::nullopt;
    co_return read_token(r);
}

}  // namespace roadside::store
