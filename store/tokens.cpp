#include "store/tokens.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define EPOCH(col) "floor(extract(epoch FROM " col "))::bigint"
#define TOKEN_COLUMNS                                                            \
    "id, role, partner_id, contract_id, label, " EPOCH("created_at") ", " EPOCH( \
        "expires_at") ", created_by, " EPOCH("revoked_at")

constexpr Statement kInsertToken{
    "token_insert",
    "INSERT INTO tokens (token_hash, role, partner_id, contract_id, label, created_by, expires_at)"
    " VALUES ($1::bytea, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))"
    " RETURNING " TOKEN_COLUMNS};

constexpr Statement kFindToken{"token_find",
                               "SELECT " TOKEN_COLUMNS
                               " FROM tokens WHERE token_hash = $1::bytea AND revoked_at IS NULL"
                               " AND expires_at > now()"};

constexpr Statement kListTokens{"token_list",
                                "SELECT " TOKEN_COLUMNS
                                " FROM tokens"
                                " WHERE ($1::text IS NULL OR role = $1)"
                                " AND ($2::boolean OR (revoked_at IS NULL AND expires_at > now()))"
                                " ORDER BY created_at DESC, id LIMIT $3"};

constexpr Statement kRevokeToken{"token_revoke",
                                 "UPDATE tokens SET revoked_at = coalesce(revoked_at, now())"
                                 " WHERE id = $1 RETURNING " TOKEN_COLUMNS};

#undef TOKEN_COLUMNS
#undef EPOCH

core::Instant instant(std::int64_t epoch_s) {
    return core::Instant{std::chrono::seconds{epoch_s}};
}

TokenRow read_token(const Result& r, int row) {
    TokenRow t;
    t.id = r.string(row, 0);
    t.role = r.string(row, 1);
    t.partner_id = r.opt_string(row, 2);
    t.contract_id = r.opt_string(row, 3);
    t.label = r.string(row, 4);
    t.created_at = instant(r.int64(row, 5));
    if (const auto e = r.opt_int64(row, 6)) t.expires_at = instant(*e);
    t.created_by = r.string(row, 7);
    if (const auto e = r.opt_int64(row, 8)) t.revoked_at = instant(*e);
    return t;
}

}  // namespace

awaitable<TokenRow> insert_token(Connection& db, const NewToken& t) {
    if (!t.lifetime_s) throw DbError("a token needs a lifetime", "", "");
    Params p;
    p.add_bytea(t.hash).add(t.role).add(t.partner_id).add(t.contract_id).add(t.label);
    p.add(t.created_by).add(t.lifetime_s);
    co_return read_token(co_await db.query(kInsertToken, p), 0);
}

awaitable<std::optional<TokenRow>> find_token(Connection& db, std::string_view hash) {
    const Result r = co_await db.query(kFindToken, Params{}.add_bytea(hash));
    if (r.empty()) co_return std::nullopt;
    co_return read_token(r, 0);
}

awaitable<std::vector<TokenRow>> list_tokens(Connection& db, std::optional<std::string> role,
                                             bool include_ended, int limit) {
    Params p;
    p.add(role).add(include_ended).add(limit);
    const Result r = co_await db.query(kListTokens, p);
    std::vector<TokenRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_token(r, i));
    co_return out;
}

awaitable<std::optional<TokenRow>> revoke_token(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kRevokeToken, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    co_return read_token(r, 0);
}

}  // namespace roadside::store
