#include "store/users.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define EPOCH(col) "floor(extract(epoch FROM " col "))::bigint"
#define USER_COLUMNS                                                        \
    "u.id, u.login, u.name, u.role, u.partner_id, u.password_hash, " EPOCH( \
        "u.created_at") ", u.created_by, " EPOCH("u.disabled_at") ", u.disabled_by"
#define MS_INTERVAL(p) "make_interval(secs => (" p "::bigint / 1000.0)::double precision)"

constexpr Statement kInsertUser{
    "user_insert",
    "INSERT INTO users AS u (login, name, role, partner_id, password_hash, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT ((lower(login))) DO NOTHING RETURNING " USER_COLUMNS};

constexpr Statement kFindUser{"user_find", "SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1"};

constexpr Statement kFindUserByLogin{
    "user_find_by_login", "SELECT " USER_COLUMNS " FROM users u WHERE lower(u.login) = lower($1)"};

constexpr Statement kListUsers{
    "user_list", "SELECT " USER_COLUMNS " FROM users u ORDER BY lower(u.login) LIMIT $1"};

// Both updates in one statement: there is never a disabled user with a live session.
constexpr Statement kDisableUser{
    "user_disable",
    "WITH s AS (UPDATE staff_sessions SET ended_at = now(), end_reason = 'user_disabled'"
    "  WHERE user_id = $1 AND ended_at IS NULL)"
    " UPDATE users AS u SET disabled_at = coalesce(u.disabled_at, now()),"
    "  disabled_by = coalesce(u.disabled_by, $2)"
    " WHERE u.id = $1 RETURNING " USER_COLUMNS};

constexpr Statement kSetPassword{
    "user_set_password",
    "WITH s AS (UPDATE staff_sessions SET ended_at = now(), end_reason = 'password_changed'"
    "  WHERE user_id = $1 AND ended_at IS NULL AND $3::boolean)"
    " UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1"};

constexpr Statement kInsertSession{
    "session_insert",
    "INSERT INTO staff_sessions (secret_hash, user_id, expires_at, remote_addr)"
    " VALUES ($1::bytea, $2, now() + make_interval(secs => $3), $4)"
    " RETURNING id, " EPOCH("created_at") ", " EPOCH("expires_at")};

// Sessions that ended more than 30 days ago are forgotten as new ones begin (a bounded table).
constexpr Statement kForgetOldSessions{
    "session_forget_old",
    "DELETE FROM staff_sessions WHERE id IN (SELECT id FROM staff_sessions"
    " WHERE expires_at < now() - interval '30 days' LIMIT 100)"};

constexpr Statement kFindLiveSession{
    "session_find_live",
    "SELECT s.id, " EPOCH("s.expires_at") ", " EPOCH("s.last_seen_at + " MS_INTERVAL("$2")) ","
    " s.last_seen_at < now() - " MS_INTERVAL("$3") ", " USER_COLUMNS
    " FROM staff_sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.secret_hash = $1::bytea AND s.ended_at IS NULL AND s.expires_at > now()"
    " AND s.last_seen_at > now() - " MS_INTERVAL("$2") " AND u.disabled_at IS NULL"};

constexpr Statement kTouchSession{"session_touch",
                                  "UPDATE staff_sessions SET last_seen_at = now() WHERE id = $1"};

constexpr Statement kEndSession{"session_end",
                                "UPDATE staff_sessions SET ended_at = now(), end_reason = $2"
                                " WHERE id = $1 AND ended_at IS NULL"};

#undef MS_INTERVAL
#undef USER_COLUMNS
#undef EPOCH

core::Instant instant(std::int64_t epoch_s) {
    return core::Instant{std::chrono::seconds{epoch_s}};
}

UserRow read_user(const Result& r, int row, int col) {
    UserRow u;
    u.id = r.string(row, col++);
    u.login = r.string(row, col++);
    u.name = r.string(row, col++);
    u.role = r.string(row, col++);
    u.partner_id = r.opt_string(row, col++);
    u.password_hash = r.string(row, col++);
    u.created_at = instant(r.int64(row, col++));
    u.created_by = r.string(row, col++);
    if (const auto t = r.opt_int64(row, col++)) u.disabled_at = instant(*t);
    u.disabled_by = r.opt_string(row, col++);
    return u;
}

std::optional<UserRow> first_user(const Result& r) {
    if (r.empty()) return std::nullopt;
    return read_user(r, 0, 0);
}

}  // namespace

awaitable<std::optional<UserRow>> insert_user(Connection& db, const NewUser& u) {
    Params p;
    p.add(u.login).add(u.name).add(u.role).add(u.partner_id).add(u.password_hash);
    p.add(u.created_by);
    co_return first_user(co_await db.query(kInsertUser, p));
}

awaitable<std::optional<UserRow>> find_user(Connection& db, std::string_view id) {
    co_return first_user(co_await db.query(kFindUser, Params{}.add(id)));
}

awaitable<std::optional<UserRow>> find_user_by_login(Connection& db, std::string_view login) {
    co_return first_user(co_await db.query(kFindUserByLogin, Params{}.add(login)));
}

awaitable<std::vector<UserRow>> list_users(Connection& db, int limit) {
    const Result r = co_await db.query(kListUsers, Params{}.add(limit));
    std::vector<UserRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_user(r, i, 0));
    co_return out;
}

awaitable<std::optional<UserRow>> disable_user(Connection& db, std::string_view id,
                                               std::string_view by) {
    co_return first_user(co_await db.query(kDisableUser, Params{}.add(id).add(by)));
}

awaitable<bool> set_password(Connection& db, std::string_view id, std::string_view password_hash,
                             bool end_sessions) {
    Params p;
    p.add(id).add(password_hash).add(end_sessions);
    const Result r = co_await db.query(kSetPassword, p);
    co_return r.affected() == 1;
}

awaitable<SessionCreated> insert_session(Connection& db, const NewSession& s) {
    co_await db.query(kForgetOldSessions, Params{});
    Params p;
    p.add_bytea(s.secret_hash).add(s.user_id).add(static_cast<std::int64_t>(s.lifetime.count()));
    p.add(s.remote_addr);
    const Result r = co_await db.query(kInsertSession, p);
    co_return SessionCreated{r.string(0, 0), instant(r.int64(0, 1)), instant(r.int64(0, 2))};
}

awaitable<std::optional<SessionRow>> find_live_session(Connection& db, std::string_view secret_hash,
                                                       std::chrono::milliseconds idle,
                                                       std::chrono::milliseconds touch_after) {
    Params p;
    p.add_bytea(secret_hash).add(static_cast<std::int64_t>(idle.count()));
    p.add(static_cast<std::int64_t>(touch_after.count()));
    const Result r = co_await db.query(kFindLiveSession, p);
    if (r.empty()) co_return std::nullopt;
    SessionRow s;
    s.id = r.string(0, 0);
    s.expires_at = instant(r.int64(0, 1));
    s.idle_expires_at = instant(r.int64(0, 2));
    s.touch_due = r.boolean(0, 3);
    s.user = read_user(r, 0, 4);
    co_return s;
}

awaitable<void> touch_session(Connection& db, std::string_view id) {
    co_await db.query(kTouchSession, Params{}.add(id));
}

awaitable<bool> end_session(Connection& db, std::string_view id, std::string_view reason) {
    const Result r = co_await db.query(kEndSession, Params{}.add(id).add(reason));
    co_return r.affected() == 1;
}

}  // namespace roadside::store
