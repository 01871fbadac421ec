#include "api/claims_json.hpp"

#include "api/json_out.hpp"
#include "billing/claim_calendar.hpp"

namespace roadside::api {

using nlohmann::json;

namespace {

json detail_value(const billing::ClaimDetailValue& v) {
    return std::visit([](const auto& x) { return json(x); }, v);
}

json opt_date(const std::optional<core::Date>& d) {
    return d ? json(core::format_date(*d)) : json();
}

json opt_time(const std::optional<core::Instant>& t) {
    return t ? json(core::format_japan_time(*t)) : json();
}

json stored(const std::string& text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? json::array() : j;
}

json bank_account_json(const store::ClaimRow& c) {
    return {{"bank_code", c.bank_code},
            {"branch_code", c.branch_code},
            {"type", c.account_type},
            {"number", c.account_number},
            {"holder_kana", c.holder_kana}};
}

}  // namespace

json claim_reasons_json(const std::vector<billing::ClaimReason>& reasons) {
    json out = json::array();
    for (const auto& r : reasons) {
        json details = json::object();
        for (const auto& [k, v] : r.details) details[k] = detail_value(v);
        out.push_back({{"code", billing::to_string(r.code)},
                       {"clause", r.clause},
                       {"message", r.message},
                       {"details", details}});
    }
    return out;
}

json claim_reason_codes(const std::vector<billing::ClaimReason>& reasons) {
    json out = json::array();
    for (const auto& r : reasons) out.push_back(billing::to_string(r.code));
    return out;
}

json claim_json(const store::ClaimRow& c) {
    json review;
    if (c.reviewed_at) {
        review = {{"note", c.review_note.value_or("")},
                  {"reviewed_at", opt_time(c.reviewed_at)},
                  {"reviewed_by", c.reviewed_by.value_or("")}};
    }
    return {{"claim_id", c.id},
            {"incident_id", c.incident_id},
            {"contract_id", c.contract_id},
            {"benefit", c.benefit},
            {"persons", c.persons},
            {"persons_counted", c.persons_counted},
            {"used_at", core::format_japan_time(c.used_at)},
            {"received_at", core::format_japan_time(c.received_at)},
            {"received_on", core::format_date(c.received_on)},
            {"last_day_to_claim",
             core::format_date(billing::claim_last_day(core::japan_date(c.used_at)))},
            {"receipts", stored(c.receipts_json)},
            {"no_receipt_reason", c.no_receipt_reason ? json(*c.no_receipt_reason) : json()},
            {"decision", c.decision},
            {"approved_yen", c.approved_yen},
            {"counted_yen", c.counted_yen},
            {"reasons", stored(c.reasons_json)},
            {"pay_by", opt_date(c.pay_by)},
            {"paid_on", opt_date(c.paid_on)},
            {"bank_account", bank_account_json(c)},
            {"review", review},
            {"created_at", core::format_japan_time(c.created_at)},
            {"created_by", c.created_by}};
}

json payout_json(const store::ClaimRow& c) {
    return {{"claim_id", c.id},
            {"incident_id", c.incident_id},
            {"contract_id", c.contract_id},
            {"benefit", c.benefit},
            {"decision", c.decision},
            {"amount_yen", c.approved_yen},
            {"received_on", core::format_date(c.received_on)},
            {"pay_by", opt_date(c.pay_by)},
            {"paid_on", opt_date(c.paid_on)},
            {"paid_at", opt_time(c.paid_at)},
            {"paid_by", c.paid_by ? json(*c.paid_by) : json()},
            {"bank_account", bank_account_json(c)}};
}

json statement_json(const billing::Statement& s) {
    json jobs = json::array();
    for (const auto& j : s.jobs) {
        jobs.push_back({{"job_id", j.job_id},
                        {"incident_id", j.incident_id},
                        {"service", j.service},
                        {"outcome", j.outcome},
                        {"completed_at", core::format_japan_time(j.completed_at)},
                        {"tow_km", j.tow_distance_m ? json(km_from_m(*j.tow_distance_m)) : json()},
                        {"warranty_yen", j.warranty_yen},
                        {"customer_yen", j.customer_yen}});
    }
    return {{"partner_id", s.partner_id},
            {"partner_name", s.partner_name},
            {"month", billing::format_month(s.month)},
            {"jobs", jobs},
            {"totals",
             {{"jobs", s.jobs.size()},
              {"warranty_yen", s.warranty_total_yen},
              {"customer_yen", s.customer_total_yen},
              {"total_yen", s.total_yen}}}};
}

}  // namespace roadside::api
