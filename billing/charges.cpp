#include "billing/charges.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace roadside::billing {

std::string_view to_string(Payer p) {
    switch (p) {
        case Payer::warranty:
            return "warranty";
        case Payer::customer:
            return "customer";
    }
    return "customer";
}

namespace {

// Sane bounds on the facts. The HTTP edge validates what partners report; these only make sure
// that nothing the edge let through can overflow std::int64_t (bounds × the tariff's at most
// 10,000,000 yen stay below 2^63) or silently produce a negative charge. Breaking one is a bug
// at the caller, hence std::invalid_argument rather than ChargeError.
constexpr std::int64_t kMaxTowMetres = 10'000'000;   // 10,000 km: longer than Japan
constexpr std::int64_t kMaxStorageMinutes = 525'600;  // one year
constexpr std::int64_t kMaxFuelLitres = 1'000;
constexpr std::int64_t kMaxExtraQuantity = 10'000;
constexpr std::int64_t kMaxAmountYen = 100'000'000;
constexpr int kMaxFreeTowKm = 10'000;
constexpr int kMaxFreeStorageHours = 24 * 365;
constexpr int kMaxTires = 16;

void require_in(std::int64_t value, std::int64_t min, std::int64_t max, const std::string& field) {
    if (value < min || value > max) {
        throw std::invalid_argument("billing: " + field + " = " + std::to_string(value) +
                                    " is outside [" + std::to_string(min) + ", " +
                                    std::to_string(max) + "]");
    }
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) throw std::overflow_error("billing: amount overflows");
    return r;
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) throw std::overflow_error("billing: total overflows");
    return r;
}

// ceil(n / d) for n >= 0, d > 0, without the n + d − 1 that could overflow.
std::int64_t ceil_div(std::int64_t n, std::int64_t d) { return n / d + (n % d != 0 ? 1 : 0); }

class Builder {
  public:
    void add(std::string code, std::int64_t quantity, std::int64_t unit_yen, Payer payer,
             std::string clause) {
        ChargeLine line;
        line.code = std::move(code);
        line.quantity = quantity;
        line.unit_yen = unit_yen;
        line.amount_yen = checked_mul(quantity, unit_yen);
        line.payer = payer;
        line.clause = std::move(clause);
        auto& total = payer == Payer::warranty ? charges_.covered_yen : charges_.customer_yen;
        total = checked_add(total, line.amount_yen);
        charges_.lines.push_back(std::move(line));
    }
    // Every line but the service line is left out when there is nothing to charge.
    void add_nonzero(std::string code, std::int64_t quantity, std::int64_t unit_yen, Payer payer,
                     std::string clause) {
        if (quantity > 0) add(std::move(code), quantity, unit_yen, payer, std::move(clause));
    }
    Charges take() { return std::move(charges_); }

  private:
    Charges charges_;
};

}  // namespace

std::int64_t km_beyond_free(std::int64_t tow_m, int free_km) {
    // 第2条2(1) "1㎞毎の延長": every started kilometre beyond the free distance is charged, so
    // 50,001 m with 50 km free is 1 km. Integer metres, so 50.0 km is exactly free.
    const std::int64_t free_m = std::int64_t{std::max(free_km, 0)} * 1000;
    if (tow_m <= free_m) return 0;
    return ceil_div(tow_m - free_m, 1000);
}

std::int64_t km_within_free(std::int64_t tow_m, int free_km) {
    if (tow_m <= 0) return 0;
    return std::min(ceil_div(tow_m, 1000), std::int64_t{std::max(free_km, 0)});
}

std::int64_t storage_days_beyond_free(std::int64_t minutes, int free_hours) {
    // 第2条2(11): storage is free for the first 24 h (無料サービス期間（24時間）); after that every
    // started day is charged: 25 h → 1 day, 48 h → 1 day, 48 h 1 min → 2 days.
    const std::int64_t free_min = std::int64_t{std::max(free_hours, 0)} * 60;
    if (minutes <= free_min) return 0;
    return ceil_div(minutes - free_min, 1440);
}

bool light_recovery(const CompletionFacts& f) {
    using dispatch::Service;
    return f.free && ((f.service == Service::tire_change && f.tires <= 1) ||
                      f.service == Service::wheel_drop_recovery);
}

namespace {

// The service line, further tires and the tow distance.
void service_lines(const config::Tariff& tariff, const CompletionFacts& facts, Builder& out) {
    const std::string service(dispatch::to_string(facts.service));
    const bool tow = facts.service == dispatch::Service::tow;
    if (facts.free) {
        // 第1条: the service itself is free to the customer; the warranty pays the operator.
        out.add(service, 1, tariff.service_price(service), Payer::warranty, "第1条");
    } else {
        // 第2条: everything outside the free scope (key lost, second tow, not covered…) is a paid
        // service, the distance included: there is no free distance to subtract.
        out.add(service, 1, tariff.service_price(service), Payer::customer, "第2条");
    }
    // 第1条1(3) 「スペアタイヤ交換は１本まで」: the service covers one tire; each further one is
    // the customer's, whether the job itself is free or not.
    if (facts.service == dispatch::Service::tire_change) {
        out.add_nonzero("additional_tire", facts.tires - 1, tariff.additional_tire_yen,
                        Payer::customer, "第1条1(3) (スペアタイヤ交換は１本まで)");
    }
    if (!tow) return;
    if (facts.free) {
        // 第1条2(1): towing up to the product's free distance is free; 第2条2(1): every
        // started km beyond it is the customer's.
        out.add_nonzero("tow_km", km_within_free(facts.tow_distance_m, facts.free_tow_km),
                        tariff.tow_per_km_yen, Payer::warranty, "第1条2(1)");
        out.add_nonzero("tow_km_beyond_free",
                        km_beyond_free(facts.tow_distance_m, facts.free_tow_km),
                        tariff.tow_per_km_yen, Payer::customer, "第2条2(1)");
    } else {
        out.add_nonzero("tow_km", km_beyond_free(facts.tow_distance_m, 0), tariff.tow_per_km_yen,
                        Payer::customer, "第2条");
    }
}

// 第2条1–3: extras are paid services, the customer's, each under the clause the tariff names.
// Priced extras come from the tariff so partners cannot set their own prices; 実費 extras (tolls,
// ferry fares, parts, flares) are the amount the partner paid.
void extra_lines(const config::Tariff& tariff, const CompletionFacts& facts, Builder& out) {
    const bool light = light_recovery(facts);
    for (std::size_t i = 0; i < facts.extras.size(); ++i) {
        const ReportedExtra& x = facts.extras[i];
        const std::string field = "extras[" + std::to_string(i) + "]";
        const config::TariffExtra* extra = tariff.find_extra(x.code);
        if (extra == nullptr) {
            throw ChargeError("unknown_extra", field + ".code",
                              "the tariff has no extra \"" + x.code + "\"");
        }
        // 第2条2(12) 増員・増車料金（タイヤ1本、及び落差1m以内からの車両引上げ作業は除く）.
        const bool waived = light && extra->not_billed_on_light_recovery;
        const Payer payer = waived ? Payer::warranty : Payer::customer;
        const std::string clause =
            waived ? extra->clause + " (除く: タイヤ1本・落差1m以内の引上げ)" : extra->clause;
        if (extra->unit_yen) {
            if (x.amount_yen) {
                throw ChargeError("amount_not_allowed", field + ".amount_yen",
                                  "\"" + x.code +
                                      "\" is priced by the tariff; report the quantity only");
            }
            require_in(x.quantity, 0, kMaxExtraQuantity, field + ".quantity");
            out.add_nonzero(x.code, x.quantity, *extra->unit_yen, payer, clause);
        } else {
            if (!x.amount_yen) {
                throw ChargeError("amount_required", field + ".amount_yen",
                                  "\"" + x.code +
                                      "\" is charged at actual cost (実費); report amount_yen");
            }
            require_in(*x.amount_yen, 0, kMaxAmountYen, field + ".amount_yen");
            // One line for the whole actual cost; the reported quantity does not multiply it.
            out.add(x.code, 1, *x.amount_yen, payer, clause);
        }
    }
}

}  // namespace

Charges job_charges(const config::Tariff& tariff, const CompletionFacts& facts) {
    require_in(facts.tow_distance_m, 0, kMaxTowMetres, "tow_distance_m");
    require_in(facts.storage_minutes, 0, kMaxStorageMinutes, "storage_minutes");
    require_in(facts.fuel_litres, 0, kMaxFuelLitres, "fuel_litres");
    require_in(facts.tires, 1, kMaxTires, "tires");
    require_in(facts.free_tow_km, 0, kMaxFreeTowKm, "free_tow_km");
    require_in(facts.free_storage_hours, 0, kMaxFreeStorageHours, "free_storage_hours");

    Builder out;
    service_lines(tariff, facts, out);
    // 第2条2(11): storage after the free period (無料サービス期間（24時間）以後の保管). The free 24
    // hours are part of the free tow: after a paid tow, all storage is the customer's.
    const int free_hours = facts.free ? facts.free_storage_hours : 0;
    out.add_nonzero("storage", storage_days_beyond_free(facts.storage_minutes, free_hours),
                    tariff.storage_per_day_yen, Payer::customer, "第2条2(11)");
    // 第2条1(7): the fuel itself is always charged, even when the delivery is free (第1条1(4)
    // "但し、燃料代は有料").
    out.add_nonzero("fuel", facts.fuel_litres, tariff.fuel_per_litre_yen, Payer::customer,
                    "第2条1(7)");
    extra_lines(tariff, facts, out);
    return out.take();
}

Charges estimate_charges(const config::Tariff& tariff, dispatch::Service service, bool free,
                         std::int64_t estimated_tow_m, int free_tow_km, int tires) {
    CompletionFacts facts;
    facts.tires = tires;
    facts.service = service;
    facts.free = free;
    facts.tow_distance_m = estimated_tow_m;
    facts.free_tow_km = free_tow_km;
    return job_charges(tariff, facts);
}

Charges cancellation_charges(const config::Tariff& tariff, bool charged) {
    Builder out;
    // 第2条3(7) "出動後にキャンセルとなった場合の出動費用": only once the partner has set out, and
    // only when the customer cancels (dispatch::cancellation_charged).
    if (charged) {
        out.add("cancellation", 1, tariff.cancellation_yen, Payer::customer, "第2条3(7)");
    }
    return out.take();
}

}  // namespace roadside::billing
