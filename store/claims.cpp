#include "store/claims.hpp"

#include <algorithm>

namespace roadside::store {

using boost::asio::awaitable;

namespace {

core::Instant instant(std::int64_t epoch_s) {
    return core::Instant{std::chrono::seconds{epoch_s}};
}

#define EPOCH(col) "floor(extract(epoch FROM " col "))::bigint"

// 第1条3(1) 「第2号のロードサービスを利用して」: a free tow completed to a shop or storage opens
// remote support; the paid reasons of the paid ones say why they do not.
#define TOWED_TO_A_SHOP_OR_STORAGE                                           \
    " j.incident_id = i.id AND j.service = 'tow' AND j.status = 'completed'" \
    " AND j.outcome IN ('towed_to_shop', 'towed_to_storage')"

constexpr Statement kClaimIncidentFacts{
    "claim_incident_facts",
    "SELECT i.id, i.contract_id, i.eligible, i.distance_from_home_m, " EPOCH("i.at") ","
    " i.occupants, v.seating_capacity,"
    " EXISTS (SELECT 1 FROM jobs j WHERE" TOWED_TO_A_SHOP_OR_STORAGE " AND j.free)"
    ", c.product_id, i.problem = 'accident',"
    " (SELECT coalesce(string_agg(DISTINCT r->>'code', ',' ORDER BY r->>'code'), '')"
    "  FROM jobs j, jsonb_array_elements(j.paid_reasons) r"
    "  WHERE" TOWED_TO_A_SHOP_OR_STORAGE " AND NOT j.free)"
    " FROM incidents i JOIN vehicles v ON v.contract_id = i.contract_id"
    " JOIN contracts c ON c.id = i.contract_id WHERE i.id = $1"};

#undef TOWED_TO_A_SHOP_OR_STORAGE

#define CLAIM_COLUMNS                                                                           \
    "id, incident_id, contract_id, benefit, persons, persons_counted, " EPOCH("used_at") ", "  \
    EPOCH("received_at") ", received_on, receipts::text, no_receipt_reason, decision, "        \
    "approved_yen, counted_yen, reasons::text, pay_by, bank_code, branch_code, account_type, " \
    "account_number, holder_kana, review_note, " EPOCH("reviewed_at") ", reviewed_by, "       \
    "paid_on, " EPOCH("paid_at") ", paid_by, " EPOCH("created_at") ", created_by"

constexpr Statement kInsertClaim{
    "claim_insert",
    "INSERT INTO claims (incident_id, contract_id, benefit, persons, persons_counted, used_at,"
    " received_at, received_on, receipts, no_receipt_reason, decision, approved_yen, counted_yen,"
    " reasons, pay_by, bank_code, branch_code, account_type, account_number, holder_kana,"
    " created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8, $9::jsonb, $10, $11, $12,"
    " $13, $14::jsonb, $15, $16, $17, $18, $19, $20, $21)"
    " ON CONFLICT (incident_id) WHERE decision <> 'rejected' DO NOTHING RETURNING id"};

constexpr Statement kFindClaim{"claim_find", "SELECT " CLAIM_COLUMNS " FROM claims WHERE id = $1"};

constexpr Statement kLockClaim{"claim_lock",
                               "SELECT " CLAIM_COLUMNS " FROM claims WHERE id = $1 FOR UPDATE"};

constexpr Statement kLiveClaim{"claim_live",
                               "SELECT " CLAIM_COLUMNS " FROM claims"
                               " WHERE incident_id = $1 AND decision <> 'rejected'"};

constexpr Statement kIncidentClaims{"claim_incident_list",
                                    "SELECT " CLAIM_COLUMNS " FROM claims"
                                    " WHERE incident_id = $1 ORDER BY created_at, id"};

constexpr Statement kListClaims{"claim_list",
                                "SELECT " CLAIM_COLUMNS " FROM claims"
                                " WHERE ($1::text IS NULL OR decision = $1)"
                                " AND ($2::uuid IS NULL OR contract_id = $2::uuid)"
                                " ORDER BY created_at DESC, id LIMIT $3"};

constexpr Statement kReviewClaim{
    "claim_review",
    "UPDATE claims SET decision = $2, approved_yen = $3, pay_by = $4, reasons = $5::jsonb,"
    " review_note = $6, reviewed_at = now(), reviewed_by = $7"
    " WHERE id = $1 AND decision = 'pending_review'"};

constexpr Statement kUnpaidPayouts{
    "claim_unpaid_payouts",
    "SELECT " CLAIM_COLUMNS " FROM claims"
    " WHERE paid_on IS NULL AND decision IN ('approved', 'partially_approved')"
    " AND ($1::date IS NULL OR pay_by <= $1::date)"
    " ORDER BY pay_by, created_at, id LIMIT $2"};

constexpr Statement kMarkPaid{
    "claim_mark_paid",
    "UPDATE claims SET paid_on = $2, paid_at = now(), paid_by = $3"
    " WHERE id = $1 AND paid_on IS NULL AND decision IN ('approved', 'partially_approved')"};

constexpr Statement kCountSigninAttempt{
    "signin_attempt_count",
    "INSERT INTO signin_failures AS s (key, failures, window_start, last_failure_at)"
    " SELECT k, 1, now(), now() FROM unnest($1::text[]) AS k"
    " ON CONFLICT (key) DO UPDATE SET"
    "  failures = CASE WHEN s.window_start > now() - make_interval(secs => $2)"
    "                  THEN s.failures + 1 ELSE 1 END,"
    "  window_start = CASE WHEN s.window_start > now() - make_interval(secs => $2)"
    "                      THEN s.window_start ELSE now() END,"
    "  last_failure_at = now()"
    " RETURNING key, failures, " EPOCH("window_start + make_interval(secs => $2)")};

constexpr Statement kForgetSigninFailures{
    "signin_failures_forget",
    "DELETE FROM signin_failures WHERE key IN (SELECT key FROM signin_failures"
    " WHERE last_failure_at < now() - make_interval(secs => $1) LIMIT 1000)"};

constexpr Statement kForgiveSignin{
    "signin_forgive",
    "WITH gone AS (DELETE FROM signin_failures WHERE key = $1 OR (key = $2 AND failures <= 1))"
    " UPDATE signin_failures SET failures = failures - 1 WHERE key = $2 AND failures > 1"};

#undef CLAIM_COLUMNS
#undef EPOCH

ClaimRow read_claim(const Result& r, int row) {
    ClaimRow c;
    int col = 0;
    c.id = r.string(row, col++);
    c.incident_id = r.string(row, col++);
    c.contract_id = r.string(row, col++);
    c.benefit = r.string(row, col++);
    c.persons = static_cast<int>(r.int64(row, col++));
    c.persons_counted = static_cast<int>(r.int64(row, col++));
    c.used_at = instant(r.int64(row, col++));
    c.received_at = instant(r.int64(row, col++));
    c.received_on = r.date(row, col++);
    c.receipts_json = r.string(row, col++);
    c.no_receipt_reason = r.opt_string(row, col++);
    c.decision = r.string(row, col++);
    c.approved_yen = r.int64(row, col++);
    c.counted_yen = r.int64(row, col++);
    c.reasons_json = r.string(row, col++);
    c.pay_by = r.opt_date(row, col++);
    c.bank_code = r.string(row, col++);
    c.branch_code = r.string(row, col++);
    c.account_type = r.string(row, col++);
    c.account_number = r.string(row, col++);
    c.holder_kana = r.string(row, col++);
    c.review_note = r.opt_string(row, col++);
    if (const auto t = r.opt_int64(row, col++)) c.reviewed_at = instant(*t);
    c.reviewed_by = r.opt_string(row, col++);
    c.paid_on = r.opt_date(row, col++);
    if (const auto t = r.opt_int64(row, col++)) c.paid_at = instant(*t);
    c.paid_by = r.opt_string(row, col++);
    c.created_at = instant(r.int64(row, col++));
    c.created_by = r.string(row, col++);
    return c;
}

std::optional<ClaimRow> first_claim(const Result& r) {
    if (r.empty()) return std::nullopt;
    return read_claim(r, 0);
}

std::vector<ClaimRow> all_claims(const Result& r) {
    std::vector<ClaimRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_claim(r, i));
    return out;
}

}  // namespace

awaitable<std::optional<ClaimIncidentFacts>> claim_incident_facts(Connection& db,
                                                                  std::string_view incident_id) {
    const Result r = co_await db.query(kClaimIncidentFacts, Params{}.add(incident_id));
    if (r.empty()) co_return std::nullopt;
    ClaimIncidentFacts f;
    f.incident_id = r.string(0, 0);
    f.contract_id = r.string(0, 1);
    f.eligible = r.boolean(0, 2);
    f.distance_from_home_m = r.int64(0, 3);
    f.at = instant(r.int64(0, 4));
    if (const auto o = r.opt_int64(0, 5)) f.occupants = static_cast<int>(*o);
    f.seating_capacity = static_cast<int>(r.int64(0, 6));
    f.qualifying_tow = r.boolean(0, 7);
    f.product_id = r.string(0, 8);
    f.accident = r.boolean(0, 9);
    const std::string reasons = r.string(0, 10);
    for (std::size_t from = 0; from < reasons.size();) {
        const std::size_t comma = std::min(reasons.find(',', from), reasons.size());
        f.paid_tow_reasons.push_back(reasons.substr(from, comma - from));
        from = comma + 1;
    }
    co_return f;
}

awaitable<std::optional<std::string>> insert_claim(Connection& db, const ClaimRow& c) {
    Params p;
    p.add(c.incident_id).add(c.contract_id).add(c.benefit).add(c.persons).add(c.persons_counted);
    p.add_instant(c.used_at).add_instant(c.received_at).add(c.received_on).add(c.receipts_json);
    p.add(c.no_receipt_reason).add(c.decision).add(c.approved_yen).add(c.counted_yen);
    p.add(c.reasons_json).add(c.pay_by).add(c.bank_code).add(c.branch_code).add(c.account_type);
    p.add(c.account_number).add(c.holder_kana).add(c.created_by);
    const Result r = co_await db.query(kInsertClaim, p);
    if (r.empty()) co_return std::nullopt;
    co_return r.string(0, 0);
}

awaitable<std::optional<ClaimRow>> find_claim(Connection& db, std::string_view id) {
    co_return first_claim(co_await db.query(kFindClaim, Params{}.add(id)));
}

awaitable<std::optional<ClaimRow>> lock_claim(Connection& db, std::string_view id) {
    co_return first_claim(co_await db.query(kLockClaim, Params{}.add(id)));
}

awaitable<std::optional<ClaimRow>> live_claim(Connection& db, std::string_view incident_id) {
    co_return first_claim(co_await db.query(kLiveClaim, Params{}.add(incident_id)));
}

awaitable<std::vector<ClaimRow>> incident_claims(Connection& db, std::string_view incident_id) {
    co_return all_claims(co_await db.query(kIncidentClaims, Params{}.add(incident_id)));
}

awaitable<std::vector<ClaimRow>> list_claims(Connection& db, std::optional<std::string> decision,
                                             std::optional<std::string> contract_id, int limit) {
    Params p;
    p.add(decision).add(contract_id).add(limit);
    co_return all_claims(co_await db.query(kListClaims, p));
}

awaitable<bool> review_claim(Connection& db, std::string_view id, const ClaimReview& v) {
    Params p;
    p.add(id).add(v.decision).add(v.approved_yen).add(v.pay_by).add(v.reasons_json).add(v.note);
    p.add(v.reviewed_by);
    const Result r = co_await db.query(kReviewClaim, p);
    co_return r.affected() == 1;
}

awaitable<std::vector<ClaimRow>> unpaid_payouts(Connection& db,
                                                std::optional<core::Date> due_on_or_before,
                                                int limit) {
    Params p;
    p.add(due_on_or_before).add(limit);
    co_return all_claims(co_await db.query(kUnpaidPayouts, p));
}

awaitable<bool> mark_claim_paid(Connection& db, std::string_view id, core::Date paid_on,
                                std::string_view paid_by) {
    Params p;
    p.add(id).add(paid_on).add(paid_by);
    const Result r = co_await db.query(kMarkPaid, p);
    co_return r.affected() == 1;
}

awaitable<std::vector<SigninFailures>> count_signin_attempt(Connection& db,
                                                            const std::vector<std::string>& keys,
                                                            int window_s) {
    Params p;
    p.add_text_array(keys).add(window_s);
    const Result r = co_await db.query(kCountSigninAttempt, p);
    std::vector<SigninFailures> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.string(i, 0), static_cast<int>(r.int64(i, 1)), instant(r.int64(i, 2))});
    }
    co_await db.query(kForgetSigninFailures, Params{}.add(window_s * 4));
    co_return out;
}

awaitable<void> forgive_signin(Connection& db, std::string_view contract_key,
                               std::string_view address_key) {
    co_await db.query(kForgiveSignin, Params{}.add(contract_key).add(address_key));
}

}  // namespace roadside::store
