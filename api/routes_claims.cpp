// Reimbursement claims (spec/api.md "Reimbursement claims"): claims and their review, payouts
// and the Zengin transfer file, partner statements. (Customer sign-in: routes_signin.cpp.)
#include <boost/asio/use_awaitable.hpp>

#include "api/claims_json.hpp"
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "api/signin_throttle.hpp"
#include "billing/claim_calendar.hpp"
#include "billing/claims.hpp"
#include "billing/statement.hpp"
#include "billing/zengin.hpp"
#include "core/text.hpp"
#include "store/claims.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"
#include "store/jobs.hpp"
#include "store/partners.hpp"
#include "store/receipt_images.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxReceipts = 50;
constexpr std::int64_t kMaxReceiptYen = 10'000'000;
constexpr int kMaxPersons = 99;
constexpr std::size_t kMaxReasonChars = 2000;
constexpr std::size_t kMaxNoteChars = 2000;
// A claim form cannot arrive before the service it claims for was used, nor ahead of the clock
// (beyond a little skew between a desk and the server).
constexpr std::chrono::minutes kMaxClockSkew{10};
constexpr int kMaxPayouts = 100'000;  // one file; the trailer counts up to 999,999
constexpr std::size_t kMaxPickedClaims = 200;  // what fits a request target (api/pipeline.cpp)

ApiError claim_not_found() { return ApiError(404, "claim_not_found", "no claim with this id"); }
ApiError incident_not_found() {
    return ApiError(404, "incident_not_found", "no incident with this id");
}

// ---- claims -----------------------------------------------------------------------------

billing::BankAccount read_bank_account(const Fields& f) {
    const Fields a = f.object("bank_account");
    billing::BankAccount acc;
    acc.bank_code = core::to_halfwidth(a.string("bank_code", 8));
    acc.branch_code = core::to_halfwidth(a.string("branch_code", 8));
    const std::string type = a.one_of("type", {"ordinary", "current", "savings"});
    acc.type = *billing::parse_account_type(type);
    acc.number = core::to_halfwidth(a.string("number", 16));
    acc.holder_kana = a.string("holder_kana", 60);
    if (const auto err = billing::validate_bank_account(acc)) {
        throw ApiError(400, err->code, err->message,
                       {{"field", "bank_account." + err->field}});
    }
    return acc;
}

std::optional<std::string> read_image_id(const Fields& r) {
    auto id = r.opt_string("image_id", 64);
    if (id && !is_uuid(*id)) invalid_field(r.path("image_id"), "the image_id of an uploaded image");
    return id;
}

void check_image_count(const std::vector<std::optional<std::string>>& image_ids, int max) {
    const auto n = std::count_if(image_ids.begin(), image_ids.end(),
                                 [](const auto& id) { return id.has_value(); });
    if (n > max) {
        invalid_field("receipts", "at most " + std::to_string(max) + " receipts with an image");
    }
}

// The images the receipts name must be the claim's contract's (an agent's unbound upload is bound
// to it here); a customer can use only its own. Each receipt then carries its image's identity —
// the upload's SHA-256 — so that the same photo twice counts once (billing::adjudicate).
awaitable<void> attach_images(RequestContext& ctx, store::Connection& db,
                              const std::string& contract_id,
                              const std::vector<std::optional<std::string>>& image_ids,
                              std::vector<billing::Receipt>& receipts) {
    std::vector<std::string> ids;
    for (const auto& id : image_ids) {
        if (id) ids.push_back(*id);
    }
    if (ids.empty()) co_return;
    const std::vector<store::ReceiptImageMeta> found = co_await store::lock_receipt_images(db, ids);
    const bool staff = ctx.principal.role != Role::customer;
    for (std::size_t i = 0; i < image_ids.size(); ++i) {
        if (!image_ids[i]) continue;
        const auto it = std::find_if(found.begin(), found.end(),
                                     [&](const auto& m) { return m.id == *image_ids[i]; });
        const bool usable = it != found.end() && (it->contract_id ? *it->contract_id == contract_id
                                                                  : staff);
        if (!usable) {
            throw ApiError(422, "image_not_found",
                           "no receipt image with this id belongs to the claim's contract",
                           {{"field", "receipts[" + std::to_string(i) + "].image_id"}});
        }
        receipts[i].image = it->source_sha256_hex;
    }
    co_await store::bind_receipt_images(db, ids, contract_id);
}

// The receipts, and the image each names (issue 14: `image_id`), index for index.
std::vector<billing::Receipt> read_receipts(const Fields& f,
                                            std::vector<std::optional<std::string>>& image_ids) {
    std::vector<billing::Receipt> out;
    const json* raw = f.raw("receipts");
    if (raw == nullptr || raw->is_null()) return out;
    if (!raw->is_array()) invalid_field("receipts", "an array of receipts");
    if (raw->size() > kMaxReceipts) {
        invalid_field("receipts", "at most " + std::to_string(kMaxReceipts) + " receipts");
    }
    for (std::size_t i = 0; i < raw->size(); ++i) {
        const std::string where = "receipts[" + std::to_string(i) + "]";
        const json& item = (*raw)[i];
        if (!item.is_object()) invalid_field(where, "an object");
        const Fields r(item, where + ".");
        billing::Receipt receipt;
        receipt.amount_yen = r.integer("amount_yen", 1, kMaxReceiptYen);
        receipt.issued_on = r.date("issued_on");
        receipt.issuer = r.string("issuer", 200);
        std::string kind = r.one_of(
            "kind", {"taxi_fare", "rental_base", "rental_fuel", "rental_insurance",
                     "rental_dropoff", "rental_equipment", "rail", "air", "bus", "ship",
                     "hotel_room", "hotel_meal", "hotel_other", "transport"});
        receipt.kind = *billing::parse_receipt_kind(kind);
        // The number printed on it: two lines are the same document only with the same number
        // from the same issuer (per-person tickets alike all count).
        receipt.receipt_no = r.opt_string("receipt_no", 64);
        image_ids.push_back(read_image_id(r));
        out.push_back(std::move(receipt));
    }
    return out;
}

json receipts_json(const std::vector<billing::Receipt>& receipts,
                   const std::vector<bool>& counted,
                   const std::vector<std::optional<std::string>>& image_ids) {
    json out = json::array();
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        const auto& r = receipts[i];
        out.push_back({{"amount_yen", r.amount_yen},
                       {"issued_on", core::format_date(r.issued_on)},
                       {"issuer", r.issuer},
                       {"kind", billing::to_string(r.kind)},
                       {"receipt_no", r.receipt_no ? json(*r.receipt_no) : json()},
                       {"counted", i < counted.size() && counted[i]}});
        if (i < image_ids.size() && image_ids[i]) out.back()["image_id"] = *image_ids[i];
    }
    return out;
}

// Event payloads, built outside the coroutines (GCC 12 miscompiles brace-initialised JSON with
// string literals inside co_await expressions).
std::string decided_event(const store::ClaimRow& row, const billing::ClaimDecision& d) {
    return json{{"claim_id", row.id},
                {"benefit", row.benefit},
                {"decision", row.decision},
                {"approved_yen", row.approved_yen},
                {"reasons", claim_reason_codes(d.reasons)}}
        .dump();
}

std::string reviewed_event(const std::string& id, const std::string& decision,
                           std::int64_t approved_yen, const std::string& note) {
    return json{{"claim_id", id}, {"decision", decision}, {"approved_yen", approved_yen},
                {"note", note}}
        .dump();
}

std::string paid_event(const std::string& id, std::int64_t amount_yen, core::Date paid_on) {
    return json{{"claim_id", id}, {"amount_yen", amount_yen},
                {"paid_on", core::format_date(paid_on)}}
        .dump();
}

// What the stored incident says, as the claim rules read it.
billing::IncidentFacts incident_facts(const App& app, const store::ClaimIncidentFacts& facts) {
    billing::IncidentFacts inc;
    inc.covered = facts.eligible;
    inc.distance_from_home_m = facts.distance_from_home_m;
    inc.breakdown_at = facts.at;
    inc.occupants = facts.occupants;
    inc.seating_capacity = facts.seating_capacity;
    inc.qualifying_tow = facts.qualifying_tow;
    inc.paid_tow_reasons = facts.paid_tow_reasons;
    inc.accident = facts.accident;
    if (const config::Product* product = app.products.find(facts.product_id)) {
        inc.remote_min_m = std::int64_t{product->remote_support_min_km} * 1000;
    }
    return inc;
}

json benefit_option_json(const billing::BenefitOption& o) {
    return {{"benefit", billing::to_string(o.benefit)},
            {"possible", o.possible},
            {"cap_yen", o.cap.yen},
            {"per_person", o.cap.per_person},
            {"max_persons", o.max_persons},
            {"max_yen", o.max_yen},
            {"use_from", core::format_japan_time(o.use_from)},
            {"use_until", o.use_until ? json(core::format_japan_time(*o.use_until)) : json()},
            {"claim_by", o.claim_by ? json(core::format_date(*o.claim_by)) : json()},
            {"clause", o.clause},
            {"reasons", claim_reasons_json(o.reasons)}};
}

// GET /v1/incidents/{id}/benefits (issue 14): which benefits a claim for this incident could
// get, with caps and windows, and why not — before the customer fills anything in. One claim per
// breakdown (第1条3): once a claim that was not rejected exists, none is possible.
awaitable<Reply> incident_benefits(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw incident_not_found();
    store::Connection* db = co_await ctx.db();
    const auto facts = co_await store::claim_incident_facts(*db, id);
    if (!facts) throw incident_not_found();
    if (ctx.principal.role == Role::customer && ctx.principal.contract_id != facts->contract_id) {
        throw incident_not_found();
    }
    const std::optional<store::ClaimRow> live = co_await store::live_claim(*db, id);
    const billing::IncidentFacts inc = incident_facts(ctx.app, *facts);
    json list = json::array();
    for (const billing::BenefitOption& o : billing::benefit_options(inc, core::japan_date(ctx.now))) {
        json item = benefit_option_json(o);
        if (live) {
            item["possible"] = false;
            item["reasons"].push_back({{"code", "benefit_already_used"},
                                       {"clause", "ロードサービス規定 第1条3"},
                                       {"message", "this breakdown already has a claim"},
                                       {"details", {{"claim_id", live->id}}}});
        }
        list.push_back(std::move(item));
    }
    json claim = live ? json{{"claim_id", live->id},
                             {"benefit", live->benefit},
                             {"decision", live->decision}}
                      : json();
    co_return Reply::json(200, {{"incident_id", id},
                                {"breakdown_at", core::format_japan_time(facts->at)},
                                {"distance_from_home_km", km_from_m(facts->distance_from_home_m)},
                                {"claim", claim},
                                {"benefits", list}});
}

bool payable(std::string_view decision) {
    return decision == "approved" || decision == "partially_approved";
}

awaitable<Reply> create_claim(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string incident_id = f.string("incident_id", 64);
    const std::string benefit_text = f.one_of(
        "benefit", {"taxi", "rental_car", "public_transport", "hotel", "post_repair_transport"});
    billing::ClaimInput in;
    in.benefit = *billing::parse_benefit(benefit_text);
    in.persons = static_cast<int>(f.integer("persons", 1, kMaxPersons));
    in.used_at = f.instant("used_at");
    std::vector<std::optional<std::string>> image_ids;
    in.receipts = read_receipts(f, image_ids);
    check_image_count(image_ids, ctx.app.settings.receipt_images_per_claim);
    if (const auto reason = f.opt_string("no_receipt_reason", kMaxReasonChars)) {
        const std::string trimmed = core::collapse_spaces(*reason);
        if (trimmed.empty()) invalid_field("no_receipt_reason", "a non-blank explanation or null");
        in.no_receipt_reason = trimmed;
    }
    const auto received_at = f.opt_instant("received_at");
    if (received_at && ctx.principal.role == Role::customer) {
        throw ApiError(403, "field_not_allowed",
                       "received_at is recorded by an agent for a claim form that came by post",
                       {{"field", "received_at"}});
    }
    in.received_at = received_at.value_or(ctx.now);
    const billing::BankAccount account = read_bank_account(f);
    if (in.received_at > ctx.now + kMaxClockSkew) {
        throw ApiError(422, "received_at_in_future", "a claim cannot arrive ahead of the clock",
                       {{"received_at", core::format_japan_time(in.received_at)}});
    }
    if (in.used_at > in.received_at + kMaxClockSkew) {
        throw ApiError(422, "used_after_received",
                       "a claim is for a service already used: used_at is after the claim arrived",
                       {{"used_at", core::format_japan_time(in.used_at)},
                        {"received_at", core::format_japan_time(in.received_at)}});
    }
    if (!is_uuid(incident_id)) throw incident_not_found();

    store::Connection* db = co_await ctx.tx();
    const auto facts = co_await store::claim_incident_facts(*db, incident_id);
    if (!facts) throw incident_not_found();
    if (ctx.principal.role == Role::customer && ctx.principal.contract_id != facts->contract_id) {
        throw incident_not_found();
    }
    const auto conflict = [&](const std::optional<store::ClaimRow>& live) {
        json details = {{"incident_id", incident_id}};
        if (live) {
            details["claim_id"] = live->id;
            details["benefit"] = live->benefit;
            details["decision"] = live->decision;
        }
        return ApiError(409, "benefit_already_used",
                        "one benefit per breakdown (第1条3): this incident already has a claim "
                        "that was not rejected",
                        details);
    };
    const std::optional<store::ClaimRow> live = co_await store::live_claim(*db, incident_id);
    if (live) throw conflict(live);
    co_await attach_images(ctx, *db, facts->contract_id, image_ids, in.receipts);

    const billing::IncidentFacts inc = incident_facts(ctx.app, *facts);
    const billing::ClaimDecision d = billing::adjudicate(inc, in);

    store::ClaimRow row;
    row.incident_id = incident_id;
    row.contract_id = facts->contract_id;
    row.benefit = benefit_text;
    row.persons = in.persons;
    row.persons_counted = d.persons_counted;
    row.used_at = in.used_at;
    row.received_at = in.received_at;
    row.received_on = d.received_on;
    row.receipts_json = receipts_json(in.receipts, d.receipt_counted, image_ids).dump();
    row.no_receipt_reason = in.no_receipt_reason;
    row.decision = std::string(billing::to_string(d.decision));
    row.approved_yen = d.approved_yen;
    row.counted_yen = d.counted_yen;
    row.reasons_json = claim_reasons_json(d.reasons).dump();
    if (payable(row.decision)) row.pay_by = billing::pay_by(d.received_on);
    row.bank_code = account.bank_code;
    row.branch_code = account.branch_code;
    row.account_type = std::string(billing::to_string(account.type));
    row.account_number = account.number;
    row.holder_kana = core::collapse_spaces(core::to_halfwidth(account.holder_kana));
    row.created_by = ctx.principal.actor();
    const auto id = co_await store::insert_claim(*db, row);
    if (!id) {
        // Another claim for the incident committed between the check and the insert. (The
        // co_await stays out of the throw expression: GCC 12 frees such an exception early.)
        const std::optional<store::ClaimRow> winner = co_await store::live_claim(*db, incident_id);
        throw conflict(winner);
    }
    row.id = *id;
    row.created_at = ctx.now;
    const std::string event = decided_event(row, d);
    const std::string actor = ctx.principal.actor();
    co_await store::append_incident_event(*db, incident_id, actor, "claim_decided", event);
    ctx.app.metrics.count_claim(row.decision);
    co_return Reply::json(201, claim_json(row));
}

// A claim the principal may see: customers only their own contract's (others' do not exist).
awaitable<store::ClaimRow> visible_claim(RequestContext& ctx, store::Connection& db,
                                         bool lock) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw claim_not_found();
    // Two statements, not `lock ? co_await … : co_await …`: GCC 12 destroys the result of a
    // conditional co_await twice.
    std::optional<store::ClaimRow> row;
    if (lock) {
        row = co_await store::lock_claim(db, id);
    } else {
        row = co_await store::find_claim(db, id);
    }
    if (!row) throw claim_not_found();
    if (ctx.principal.role == Role::customer && ctx.principal.contract_id != row->contract_id) {
        throw claim_not_found();
    }
    co_return std::move(*row);
}

awaitable<Reply> get_claim(RequestContext& ctx) {
    store::Connection* db = co_await ctx.db();
    const store::ClaimRow row = co_await visible_claim(ctx, *db, false);
    co_return Reply::json(200, claim_json(row));
}

// GET /v1/claims?decision=&limit=: staff see every claim (pending_review: the reviewers'
// queue, oldest waiting shown by created_at); a customer sees its own contract's.
awaitable<Reply> list_claims(RequestContext& ctx) {
    std::optional<std::string> decision = ctx.query("decision");
    if (decision && !billing::parse_decision(*decision)) {
        invalid_field("decision", "one of approved|partially_approved|rejected|pending_review");
    }
    const int limit = limit_param(ctx.query("limit"), 100, 1000);
    std::optional<std::string> contract;
    if (ctx.principal.role == Role::customer) contract = ctx.principal.contract_id;
    store::Connection* db = co_await ctx.db();
    json list = json::array();
    for (const auto& row : co_await store::list_claims(*db, decision, contract, limit)) {
        list.push_back(claim_json(row));
    }
    co_return Reply::json(200, {{"claims", std::move(list)}});
}

awaitable<Reply> review_claim(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string decision_text =
        f.one_of("decision", {"approved", "partially_approved", "rejected"});
    const billing::Decision decision = *billing::parse_decision(decision_text);
    // The amount is required for an approval; a rejection pays 0 whether or not it says so.
    const auto amount = f.opt_integer("approved_yen", 0, kMaxReceiptYen);
    if (!amount && decision != billing::Decision::rejected) missing_field("approved_yen");
    const std::int64_t approved_yen = amount.value_or(0);
    const std::string note =
        core::collapse_spaces(f.opt_string("note", kMaxNoteChars).value_or(""));

    store::Connection* db = co_await ctx.tx();
    store::ClaimRow row = co_await visible_claim(ctx, *db, true);
    if (row.decision != "pending_review") {
        throw ApiError(409, "claim_not_pending", "only a claim pending review can be reviewed",
                       {{"claim_id", row.id}, {"decision", row.decision}});
    }
    const billing::Benefit benefit = *billing::parse_benefit(row.benefit);
    if (const auto err = billing::check_review(benefit, row.persons_counted, decision,
                                               approved_yen)) {
        throw ApiError(
            422, *err,
            "approved_yen must be 0 for a rejection, and above 0 and within the benefit's cap "
            "otherwise",
            {{"approved_yen", approved_yen},
             {"max_yen", billing::max_approvable_yen(benefit, row.persons_counted)}});
    }
    store::ClaimReview review;
    review.decision = decision_text;
    review.approved_yen = approved_yen;
    if (payable(decision_text)) review.pay_by = billing::pay_by(row.received_on);
    review.reasons_json = row.reasons_json;
    review.note = note;
    review.reviewed_by = ctx.principal.actor();
    if (!co_await store::review_claim(*db, row.id, review)) {
        throw ApiError(409, "claim_not_pending", "the claim was settled meanwhile",
                       {{"claim_id", row.id}});
    }
    const std::string event = reviewed_event(row.id, decision_text, approved_yen, note);
    const std::string actor = ctx.principal.actor();
    co_await store::append_incident_event(*db, row.incident_id, actor, "claim_reviewed", event);
    const auto updated = co_await store::find_claim(*db, row.id);
    co_return Reply::json(200, claim_json(*updated));
}

// ---- payouts ----------------------------------------------------------------------------

std::optional<core::Date> date_param(const RequestContext& ctx, const char* name) {
    const auto text = ctx.query(name);
    if (!text) return std::nullopt;
    const auto d = core::parse_date(*text);
    if (!d) invalid_field(name, "a date YYYY-MM-DD");
    return d;
}

awaitable<Reply> list_payouts(RequestContext& ctx) {
    const auto due = date_param(ctx, "due_before");
    const int limit = limit_param(ctx.query("limit"), 1000, kMaxPayouts);
    store::Connection* db = co_await ctx.db();
    json list = json::array();
    std::int64_t total = 0;
    for (const auto& row : co_await store::unpaid_payouts(*db, due, limit)) {
        list.push_back(payout_json(row));
        total += row.approved_yen;
    }
    const std::size_t count = list.size();
    co_return Reply::json(200, {{"payouts", std::move(list)},
                                {"count", count},
                                {"total_yen", total},
                                {"due_before", due ? json(core::format_date(*due)) : json()}});
}

awaitable<Reply> mark_paid(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const core::Date paid_on = f.date("paid_on");
    const std::string& id = ctx.param("claim_id");
    if (!is_uuid(id)) throw claim_not_found();
    if (paid_on > core::japan_date(ctx.now)) {
        throw ApiError(422, "paid_on_in_future", "a payment is recorded once it is made",
                       {{"paid_on", core::format_date(paid_on)},
                        {"today", core::format_date(core::japan_date(ctx.now))}});
    }
    store::Connection* db = co_await ctx.tx();
    const auto row = co_await store::lock_claim(*db, id);
    if (!row) throw claim_not_found();
    if (row->paid_on) {
        throw ApiError(409, "already_paid", "this claim was already paid",
                       {{"claim_id", row->id}, {"paid_on", core::format_date(*row->paid_on)}});
    }
    if (!payable(row->decision)) {
        throw ApiError(409, "claim_not_payable", "only an approved claim is paid",
                       {{"claim_id", row->id}, {"decision", row->decision}});
    }
    if (paid_on < row->received_on) {
        throw ApiError(422, "paid_before_received", "a claim is paid after it arrived",
                       {{"paid_on", core::format_date(paid_on)},
                        {"received_on", core::format_date(row->received_on)}});
    }
    if (!co_await store::mark_claim_paid(*db, id, paid_on, ctx.principal.actor())) {
        throw ApiError(409, "already_paid", "this claim was already paid", {{"claim_id", id}});
    }
    const std::string event = paid_event(id, row->approved_yen, paid_on);
    const std::string actor = ctx.principal.actor();
    co_await store::append_incident_event(*db, row->incident_id, actor, "claim_paid", event);
    const auto updated = co_await store::find_claim(*db, id);
    co_return Reply::json(200, payout_json(*updated));
}

std::string customer_code(std::string_view claim_id) {
    std::string out;
    for (const char c : claim_id) {
        if (c == '-') continue;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        if (out.size() == 10) break;
    }
    return out;
}

// claim_ids=a,b,c: the claims a reviewer picked (each must exist, be approved and, unless the
// file is a reissue, be unpaid).
std::vector<std::string> claim_ids_param(const std::string& text) {
    std::vector<std::string> ids;
    std::string_view rest = text;
    for (;;) {
        const auto comma = rest.find(',');
        const std::string id(rest.substr(0, comma));
        if (!is_uuid(id)) invalid_field("claim_ids", "claim ids separated by commas");
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);  // "a," leaves an empty last id: refused above
    }
    if (ids.empty() || ids.size() > kMaxPickedClaims) {
        invalid_field("claim_ids", "1 to " + std::to_string(kMaxPickedClaims) + " claim ids");
    }
    return ids;
}

awaitable<std::vector<store::ClaimRow>> picked_claims(store::Connection& db,
                                                      const std::vector<std::string>& ids,
                                                      bool reissue) {
    std::vector<store::ClaimRow> rows = co_await store::claims_by_ids(db, ids);
    for (const std::string& id : ids) {
        const auto it =
            std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.id == id; });
        if (it == rows.end()) {
            throw ApiError(404, "claim_not_found", "no claim with this id", {{"claim_id", id}});
        }
        if (!payable(it->decision)) {
            throw ApiError(409, "claim_not_payable", "only an approved claim is paid",
                           {{"claim_id", id}, {"decision", it->decision}});
        }
        // A reissued file is a copy of one sent already: its claims may be marked paid by now.
        if (it->paid_on && !reissue) {
            throw ApiError(409, "already_paid", "this claim was already paid",
                           {{"claim_id", id}, {"paid_on", core::format_date(*it->paid_on)}});
        }
    }
    co_return rows;
}

// A transfer is asked for today or within a month (the day that corresponds next month,
// 民法143条): a date in the past, or further ahead, is a mistake unless the file is a reissue.
void check_transfer_date(core::Date transfer, core::Date today, bool reissue) {
    const core::Date latest = core::add_days(core::period_last_day(today, 1), 1);
    if (reissue || (transfer >= today && transfer <= latest)) return;
    throw ApiError(422, "transfer_date_out_of_range",
                   "the transfer date must be from today to a month ahead, unless reissue=true",
                   {{"transfer_date", core::format_date(transfer)},
                    {"earliest", core::format_date(today)},
                    {"latest", core::format_date(latest)}});
}

awaitable<Reply> zengin_file(RequestContext& ctx) {
    const auto due = date_param(ctx, "due_before");
    const auto transfer = date_param(ctx, "transfer_date");
    if (!transfer) missing_field("transfer_date");
    const auto ids_text = ctx.query("claim_ids");
    if (ids_text && due) {
        throw ApiError(400, "conflicting_fields", "give claim_ids or due_before, not both",
                       {{"fields", {"claim_ids", "due_before"}}});
    }
    const std::string reissue_text = ctx.query("reissue").value_or("false");
    if (reissue_text != "true" && reissue_text != "false") {
        invalid_field("reissue", "true or false");
    }
    const bool reissue = reissue_text == "true";
    check_transfer_date(*transfer, core::japan_date(ctx.now), reissue);
    std::vector<std::string> ids;
    if (ids_text) ids = claim_ids_param(*ids_text);
    store::Connection* db = co_await ctx.db();
    std::vector<store::ClaimRow> rows;
    if (ids_text) {
        rows = co_await picked_claims(*db, ids, reissue);
    } else {
        rows = co_await store::unpaid_payouts(*db, due, kMaxPayouts);
    }
    std::vector<billing::ZenginTransfer> transfers;
    std::int64_t total = 0;
    for (const auto& row : rows) {
        billing::ZenginTransfer t;
        t.to.bank_code = row.bank_code;
        t.to.branch_code = row.branch_code;
        t.to.type = billing::parse_account_type(row.account_type).value_or(
            billing::AccountType::ordinary);
        t.to.number = row.account_number;
        t.to.holder_kana = row.holder_kana;
        t.amount_yen = row.approved_yen;
        t.customer_code = customer_code(row.id);
        if (billing::validate_bank_account(t.to)) {
            throw ApiError(422, "unencodable_account",
                           "a stored bank account cannot be written in the Zengin format",
                           {{"claim_id", row.id}});
        }
        total += row.approved_yen;
        transfers.push_back(std::move(t));
    }
    Reply r;
    r.status = 200;
    r.body = billing::make_zengin_file(ctx.app.payout_requester, *transfer, transfers);
    r.content_type = "text/plain; charset=Shift_JIS";
    std::string name = "zengin-";
    for (const char c : core::format_date(*transfer)) {
        if (c != '-') name.push_back(c);
    }
    name += ".txt";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
    r.headers.emplace_back("X-Transfer-Count", std::to_string(transfers.size()));
    r.headers.emplace_back("X-Transfer-Total-Yen", std::to_string(total));
    co_return r;
}

// ---- partner statements -----------------------------------------------------------------

awaitable<Reply> partner_statement(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    const auto not_found = [] {
        return ApiError(404, "partner_not_found", "no partner with this id");
    };
    if (!is_uuid(id)) throw not_found();
    if (ctx.principal.role == Role::partner && ctx.principal.partner_id != id) throw not_found();
    const auto month_text = ctx.query("month");
    if (!month_text) missing_field("month");
    const auto month = billing::parse_month(*month_text);
    if (!month) invalid_field("month", "a month YYYY-MM");
    store::Connection* db = co_await ctx.db();
    const auto partner = co_await store::find_partner(*db, id);
    if (!partner) throw not_found();
    const std::pair<core::Instant, core::Instant> bounds = billing::month_bounds(*month);
    std::vector<billing::StatementJob> jobs;
    for (const auto& j :
         co_await store::partner_statement_jobs(*db, id, bounds.first, bounds.second)) {
        billing::StatementJob s;
        s.job_id = j.id;
        s.incident_id = j.incident_id;
        s.service = j.service;
        s.outcome = j.status == "cancelled" ? "cancelled" : j.outcome.value_or("");
        s.completed_at = j.completed_at.value_or(j.updated_at);
        s.tow_distance_m = j.tow_distance_m;
        s.warranty_yen = j.covered_yen.value_or(0);
        s.customer_yen = j.customer_yen.value_or(0);
        jobs.push_back(std::move(s));
    }
    const billing::Statement st = billing::make_statement(id, partner->name, *month, jobs);
    const std::string accept(ctx.req[http::field::accept]);
    if (accept.find("text/csv") != std::string::npos) {
        Reply r;
        r.status = 200;
        r.body = billing::statement_csv(st);
        r.content_type = "text/csv; charset=utf-8";
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"statement-" + *month_text + ".csv\"");
        co_return r;
    }
    co_return Reply::json(200, statement_json(st));
}

}  // namespace

void add_claim_routes(Router& r) {
    r.add(http::verb::get, "/v1/incidents/{id}/benefits",
          {Role::admin, Role::agent, Role::reviewer, Role::customer}, incident_benefits);
    r.add(http::verb::post, "/v1/claims", {Role::admin, Role::agent, Role::customer},
          create_claim);
    // Reviewers (the back office) review claims and pay them, beside the existing roles.
    r.add(http::verb::get, "/v1/claims", {Role::admin, Role::agent, Role::reviewer, Role::customer},
          list_claims);
    r.add(http::verb::get, "/v1/claims/{id}",
          {Role::admin, Role::agent, Role::reviewer, Role::customer}, get_claim);
    r.add(http::verb::post, "/v1/claims/{id}/review", {Role::admin, Role::agent, Role::reviewer},
          review_claim);
    r.add(http::verb::get, "/v1/payouts", {Role::admin, Role::reviewer}, list_payouts);
    r.add(http::verb::get, "/v1/payouts/zengin", {Role::admin, Role::reviewer}, zengin_file);
    r.add(http::verb::post, "/v1/payouts/{claim_id}/paid", {Role::admin, Role::reviewer},
          mark_paid);
    r.add(http::verb::get, "/v1/partners/{id}/statement",
          {Role::admin, Role::reviewer, Role::partner}, partner_statement);
}

}  // namespace roadside::api
