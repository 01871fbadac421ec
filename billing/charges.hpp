#pragma once
// Who pays what for a job (ロードサービス規定 第1条 free services paid by the warranty, 第2条 paid
// services billed to the customer), priced from the tariff. Pure: no I/O. Integer yen.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/tariff.hpp"
#include "dispatch/job.hpp"

namespace roadside::billing {

enum class Payer { warranty, customer };
std::string_view to_string(Payer p);

struct ChargeLine {
    std::string code;  // "tow", "tow_km", "tow_km_beyond_free", "storage", "fuel", an extra's code…
    std::int64_t quantity = 0;
    std::int64_t unit_yen = 0;
    std::int64_t amount_yen = 0;  // quantity × unit_yen
    Payer payer = Payer::warranty;
    std::string clause;  // where the terms put it on this payer, e.g. "第2条2(1)"
};

struct Charges {
    std::vector<ChargeLine> lines;
    std::int64_t covered_yen = 0;   // the warranty's share: sum of warranty lines
    std::int64_t customer_yen = 0;  // the customer's share: sum of customer lines
};

// An extra reported by the partner at completion. amount_yen is required for extras the tariff
// does not price (実費); for priced extras it must be absent, and quantity × the tariff's price
// is charged.
struct ReportedExtra {
    std::string code;
    std::int64_t quantity = 1;
    std::optional<std::int64_t> amount_yen;
};

struct CompletionFacts {
    dispatch::Service service = dispatch::Service::tow;
    bool free = true;                  // dispatch::decide_free(...).free, fixed when the job was made
    std::int64_t tow_distance_m = 0;   // tow: metres towed as reported (whole metres)
    std::int64_t storage_minutes = 0;  // tow to storage: minutes stored
    std::int64_t fuel_litres = 0;      // fuel delivery: litres delivered
    int tires = 1;                     // tire change: flat tires changed (one is free, 第1条1(3))
    std::vector<ReportedExtra> extras;
    int free_tow_km = 50;    // the product's free tow distance (第1条2(1))
    int free_storage_hours = 24;  // 第2条2(11), after a free tow only
};

// Thrown for facts the tariff cannot price: an unknown extra, a missing or superfluous amount.
// `field` names the offending input ("extras[2].amount_yen").
struct ChargeError : std::runtime_error {
    ChargeError(std::string code, std::string field, const std::string& message)
        : std::runtime_error(message), code(std::move(code)), field(std::move(field)) {}
    std::string code;   // "unknown_extra", "amount_required", "amount_not_allowed"
    std::string field;
};

// Started kilometres towed beyond the free distance: ceil((m − free_km × 1000) / 1000), 0 within.
std::int64_t km_beyond_free(std::int64_t tow_m, int free_km);
// Started kilometres within the free distance: min(ceil(m / 1000), free_km).
std::int64_t km_within_free(std::int64_t tow_m, int free_km);
// Started days of storage beyond the free hours: ceil((minutes − free_hours × 60) / 1440), 0 within.
std::int64_t storage_days_beyond_free(std::int64_t minutes, int free_hours);

// The charges of a completed job.
//  - Free job: the service price is the warranty's; for a tow, the km within the free distance are
//    the warranty's and the km beyond are the customer's (第2条2(1)).
//  - Paid job: the service price and every km are the customer's.
//  - Tire change: one tire is the service; each further tire is a customer line
//    (additional_tire, 第1条1(3) 「スペアタイヤ交換は１本まで」), free job or paid.
//  - Storage: the free hours belong to the free tow (第2条2(11)); after a paid tow every started
//    day is the customer's.
//  - Always the customer's: fuel (第2条1(7)) and extras — except the extra worker / truck of
//    第2条2(12) (tariff: not_billed_on_light_recovery) on the free one-tire change and the free
//    one-wheel recovery (≤ 1 m), which the warranty pays.
// Lines come in a fixed order: service, further tires, km within, km beyond, storage, fuel,
// extras as reported.
Charges job_charges(const config::Tariff& tariff, const CompletionFacts& facts);

// Whether the job is the free one-tire change or the free one-wheel recovery from 1 m or less,
// on which 第2条2(12) does not bill extra workers or trucks.
bool light_recovery(const CompletionFacts& facts);

// What the agent tells the customer before the partner is sent: job_charges with the estimated
// tow distance (and the tires to change) and no storage, fuel or extras.
Charges estimate_charges(const config::Tariff& tariff, dispatch::Service service, bool free,
                         std::int64_t estimated_tow_m, int free_tow_km, int tires = 1);

// A cancelled job: `charged` (dispatch::cancellation_charged: the customer cancelled after the
// partner set out) makes the call-out cost (tariff cancellation_yen) the customer's (第2条3(7));
// otherwise nothing.
Charges cancellation_charges(const config::Tariff& tariff, bool charged);

}  // namespace roadside::billing
