#include "store/challenges.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kInsertChallenge{
    "challenge_insert",
    "INSERT INTO signin_challenges (contract_id, code_hash, sent_to, address, max_attempts,"
    " expires_at) VALUES ($1, $2::bytea, $3, $4, $5, now() + make_interval(secs => $6))"
    " RETURNING id, floor(extract(epoch FROM expires_at))::bigint"};

// The try is counted whatever the state, so even tries at a dead challenge are bounded.
constexpr Statement kCountTry{
    "challenge_count_try",
    "UPDATE signin_challenges SET attempts = attempts + 1 WHERE id = $1"
    " RETURNING contract_id, encode(code_hash, 'hex'), attempts, max_attempts,"
    " expires_at <= now(), used_at IS NOT NULL, floor(extract(epoch FROM expires_at))::bigint"};

constexpr Statement kUseChallenge{
    "challenge_use",
    "UPDATE signin_challenges SET used_at = now() WHERE id = $1 AND used_at IS NULL"
    " AND expires_at > now()"};

constexpr Statement kForgetOld{
    "challenge_forget_old",
    "DELETE FROM signin_challenges WHERE id IN (SELECT id FROM signin_challenges"
    " WHERE expires_at < now() - make_interval(secs => $1) LIMIT 1000)"};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return 0;
}

std::string from_hex(std::string_view hex) {
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(hex_digit(hex[i]) * 16 + hex_digit(hex[i + 1])));
    }
    return out;
}

}  // namespace

awaitable<ChallengeCreated> insert_challenge(Connection& db, const NewChallenge& c) {
    Params p;
    p.add(c.contract_id)
        .add_bytea(c.code_hash)
        .add(c.sent_to)
        .add(c.address)
        .add(c.max_attempts)
        .add(c.lifetime_s);
    const Result r = co_await db.query(kInsertChallenge, p);
    co_return ChallengeCreated{r.string(0, 0), core::Instant{std::chrono::seconds{r.int64(0, 1)}}};
}

awaitable<std::optional<ChallengeTry>> count_challenge_try(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kCountTry, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    ChallengeTry t;
    t.contract_id = r.string(0, 0);
    t.code_hash = from_hex(r.text(0, 1));
    t.attempt = static_cast<int>(r.int64(0, 2));
    t.max_attempts = static_cast<int>(r.int64(0, 3));
    t.expired = r.boolean(0, 4);
    t.used = r.boolean(0, 5);
    t.expires_at = core::Instant{std::chrono::seconds{r.int64(0, 6)}};
    co_return t;
}

awaitable<bool> use_challenge(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kUseChallenge, Params{}.add(id));
    co_return r.affected() == 1;
}

awaitable<void> forget_old_challenges(Connection& db, int older_than_s) {
    co_await db.query(kForgetOld, Params{}.add(older_than_s));
}

}  // namespace roadside::store
