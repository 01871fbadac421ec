// Adjudication of a remote-trouble-support claim (billing/claims.hpp), spec/api.md "Reimbursement
// claims" (the decision rules are the contract), spec/rules.md §4.3 and §5:
//   ロードサービス規定 第1条3 "使用の本拠の位置から直線距離で100km以上離れた場所で … 第1条2(1)により
//   修理工場または一時保管場所に搬送された場合" — A taxi (当日または24時間以内, ¥10,000), B rental car
//   (当日または24時間以内, ¥10,000; 燃料・装備品・乗り捨て料金・保険料は甲の負担), C public transport
//   (故障当日のみ, ¥20,000/人, 乗車定員まで), D hotel (故障当日の1泊, ¥15,000/人; 飲食・電話等は甲の
//   負担); brochure 遠方トラブルサポート E post-repair transport (¥50,000);
//   第1条3(3) "領収書を添付" and "利用日から起算し90日を超えて請求があった場合は、お支払いできません".
#include "billing/claims.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/calendar.hpp"

namespace roadside::billing {
namespace {

using core::Date;
using core::Instant;

Date d(int y, unsigned m, unsigned dd) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

Instant at(const char* rfc3339) {
    const auto t = core::parse_rfc3339(rfc3339);
    if (!t) throw std::logic_error(std::string("bad test time ") + rfc3339);
    return *t;
}

// The breakdown of most cases: 2026-02-05 15:00 JST, 150 km from home, towed to a shop.
constexpr const char* kBreakdown = "2026-02-05T15:00:00+09:00";

IncidentFacts base_incident() {
    IncidentFacts i;
    i.covered = true;
    i.distance_from_home_m = 150'000;
    i.breakdown_at = at(kBreakdown);
    i.occupants = std::nullopt;
    i.seating_capacity = 5;
    i.qualifying_tow = true;
    return i;
}

// The receipt kind that counts for each benefit.
ReceiptKind counting_kind(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return ReceiptKind::taxi_fare;
        case Benefit::rental_car:
            return ReceiptKind::rental_base;
        case Benefit::public_transport:
            return ReceiptKind::rail;
        case Benefit::hotel:
            return ReceiptKind::hotel_room;
        case Benefit::post_repair_transport:
            return ReceiptKind::transport;
    }
    throw std::logic_error("benefit");
}

Receipt receipt(ReceiptKind kind, std::int64_t yen, Date issued_on = d(2026, 2, 5)) {
    Receipt r;
    r.amount_yen = yen;
    r.issued_on = issued_on;
    r.issuer = "○○交通";
    r.kind = kind;
    return r;
}

// Used at 18:00 JST on the day of the breakdown, one receipt of `yen` of the right kind issued that
// day, received five days later.
ClaimInput base_claim(Benefit b, std::int64_t yen = 8000) {
    ClaimInput c;
    c.benefit = b;
    c.persons = 1;
    c.used_at = at("2026-02-05T18:00:00+09:00");
    c.receipts = {receipt(counting_kind(b), yen)};
    c.received_at = at("2026-02-10T10:00:00+09:00");
    return c;
}

// "code,code,…" in the order of the decision, for readable failures.
std::string codes(const ClaimDecision& dec) {
    std::string out;
    for (const ClaimReason& r : dec.reasons) {
        if (!out.empty()) out += ',';
        out += to_string(r.code);
    }
    return out;
}

const ClaimReason* find_reason(const ClaimDecision& dec, ClaimReasonCode code) {
    for (const ClaimReason& r : dec.reasons) {
        if (r.code == code) return &r;
    }
    return nullptr;
}

// A detail as text ("true"/"false" for bool, decimal for integers); "<absent>" when missing.
std::string detail(const ClaimReason& r, std::string_view key) {
    for (const auto& [k, v] : r.details) {
        if (k != key) continue;
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
        return std::get<bool>(v) ? "true" : "false";
    }
    return "<absent>";
}

// What every decision must hold, whatever the case.
void expect_well_formed(const ClaimDecision& dec, const ClaimInput& claim, const char* why) {
    EXPECT_EQ(dec.received_on, core::japan_date(claim.received_at)) << why;
    EXPECT_EQ(dec.used_on, core::japan_date(claim.used_at)) << why;
    EXPECT_EQ(dec.last_day, core::add_days(dec.used_on, 89)) << why;
    EXPECT_EQ(dec.receipt_counted.size(), claim.receipts.size()) << why;
    for (std::size_t i = 1; i < dec.reasons.size(); ++i) {
        EXPECT_LT(dec.reasons[i - 1].code, dec.reasons[i].code) << why << ": reasons in enum order";
    }
    for (const ClaimReason& r : dec.reasons) {
        EXPECT_FALSE(r.clause.empty()) << why << ": " << to_string(r.code);
        EXPECT_FALSE(r.message.empty()) << why << ": " << to_string(r.code);
        EXPECT_EQ(r.message.find('\n'), std::string::npos) << why << ": one line";
    }
    if (dec.decision == Decision::rejected || dec.decision == Decision::pending_review) {
        EXPECT_EQ(dec.approved_yen, 0) << why;
    } else {
        EXPECT_GT(dec.approved_yen, 0) << why;
        EXPECT_LE(dec.approved_yen, dec.counted_yen) << why;
    }
    EXPECT_EQ(dec.decision == Decision::approved, dec.reasons.empty() &&
                                                      dec.decision != Decision::pending_review &&
                                                      dec.decision != Decision::rejected)
        << why;
}

// ---------------------------------------------------------------------------------------------
// 第1条3(3): 利用日から起算し90日 (day of use = day 1), dates in Japan time.

struct WindowCase {
    const char* why;
    const char* used_at;
    const char* received_at;
    Date last_day;
    const char* codes;
    Decision decision;
};

TEST(ClaimDecisionWindow, ReceivedOnDay90InTimeDay91TooLate) {
    // Breakdown and use on 2026-01-01 (day 1): the last day is 2026-03-31 (day 90).
    // clang-format off
    const WindowCase cases[] = {
        {"第1条3(3): received on the day of use (day 1)",
         "2026-01-01T12:00:00+09:00", "2026-01-01T20:00:00+09:00", d(2026, 3, 31), "", Decision::approved},
        {"第1条3(3): received on day 90 (2026-03-31)",
         "2026-01-01T12:00:00+09:00", "2026-03-31T10:00:00+09:00", d(2026, 3, 31), "", Decision::approved},
        {"第1条3(3): received on day 91 (2026-04-01): 90日を超えて",
         "2026-01-01T12:00:00+09:00", "2026-04-01T10:00:00+09:00", d(2026, 3, 31), "claim_window_expired",
         Decision::rejected},
        {"第1条3(3): 23:59:59 JST on the last day is in time",
         "2026-01-01T12:00:00+09:00", "2026-03-31T23:59:59+09:00", d(2026, 3, 31), "", Decision::approved},
        {"第1条3(3): 00:00:00 JST on day 91 is too late",
         "2026-01-01T12:00:00+09:00", "2026-04-01T00:00:00+09:00", d(2026, 3, 31),
         "claim_window_expired",
         Decision::rejected},
        {"第1条3(3): 23:59:59 JST on the last day written in UTC (14:59:59Z) is in time",
         "2026-01-01T12:00:00+09:00", "2026-03-31T14:59:59Z", d(2026, 3, 31), "", Decision::approved},
        {"第1条3(3): 15:00:00Z on 03-31 is 00:00 JST on day 91: too late",
         "2026-01-01T12:00:00+09:00", "2026-03-31T15:00:00Z", d(2026, 3, 31), "claim_window_expired",
         Decision::rejected},
        {"第1条3(3): used 00:30 JST 01-02 (15:30Z 01-01): day 1 is 01-02, day 90 is 04-01",
         "2026-01-01T15:30:00Z", "2026-04-01T10:00:00+09:00", d(2026, 4, 1), "", Decision::approved},
        {"第1条3(3): used 00:30 JST 01-02 (15:30Z 01-01): 04-02 is day 91",
         "2026-01-01T15:30:00Z", "2026-04-02T10:00:00+09:00", d(2026, 4, 1),
         "claim_window_expired",
         Decision::rejected},
    };
    // clang-format on
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        incident.breakdown_at = at("2026-01-01T10:00:00+09:00");
        ClaimInput claim = base_claim(Benefit::taxi);
        claim.used_at = at(c.used_at);
        claim.received_at = at(c.received_at);
        claim.receipts = {receipt(ReceiptKind::taxi_fare, 8000, core::japan_date(claim.used_at))};
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.codes) << c.why;
        EXPECT_EQ(dec.decision, c.decision) << c.why;
        EXPECT_EQ(dec.last_day, c.last_day) << c.why;
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::claim_window_expired)) {
            EXPECT_EQ(r->clause, "ロードサービス規定 第1条3(3)") << c.why;
            EXPECT_EQ(detail(*r, "last_day"), core::format_date(dec.last_day)) << c.why;
            EXPECT_EQ(detail(*r, "received_on"), core::format_date(dec.received_on)) << c.why;
            EXPECT_EQ(detail(*r, "used_on"), core::format_date(dec.used_on)) << c.why;
        }
    }
}


// ---------------------------------------------------------------------------------------------
// 第1条3 A/B: 当日または24時間以内 — from the breakdown to exactly 24 h after it, inclusive.

struct WithinHoursCase {
    const char* why;
    const char* used_at;
    bool inside;
};

TEST(ClaimDecisionTimeWindow, TaxiAndRentalWithin24HoursOfTheBreakdown) {
    // The breakdown is 2026-02-05 15:00 JST.
    // clang-format off
    const WithinHoursCase cases[] = {
        {"第1条3 A/B: at the breakdown itself", "2026-02-05T15:00:00+09:00", true},
        {"第1条3 A/B: the same evening", "2026-02-05T23:00:00+09:00", true},
        {"第1条3 A/B: exactly 24 h after the breakdown is inside", "2026-02-06T15:00:00+09:00",
         true},
        {"第1条3 A/B: exactly 24 h, written in UTC (06:00Z)", "2026-02-06T06:00:00Z", true},
        {"第1条3 A/B: 24 h + 1 s is outside", "2026-02-06T15:00:01+09:00", false},
        {"第1条3 A/B: 24 h + 1 min is outside", "2026-02-06T15:01:00+09:00", false},
        {"第1条3 A/B: 1 s before the breakdown is outside", "2026-02-05T14:59:59+09:00", false},
        {"第1条3 A/B: the day before is outside", "2026-02-04T18:00:00+09:00", false},
    };
    // clang-format on
    for (const Benefit b : {Benefit::taxi, Benefit::rental_car}) {
        for (const auto& c : cases) {
            const std::string why = std::string(to_string(b)) + ": " + c.why;
            const IncidentFacts incident = base_incident();
            ClaimInput claim = base_claim(b);
            claim.used_at = at(c.used_at);
            // Issued on the breakdown's date, so that only the time rule decides.
            claim.receipts = {receipt(counting_kind(b), 8000, d(2026, 2, 5))};
            const ClaimDecision dec = adjudicate(incident, claim);
            expect_well_formed(dec, claim, why.c_str());
            EXPECT_EQ(codes(dec), c.inside ? "" : "outside_time_window") << why;
            EXPECT_EQ(dec.decision, c.inside ? Decision::approved : Decision::rejected) << why;
            EXPECT_EQ(dec.approved_yen, c.inside ? 8000 : 0) << why;
            if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::outside_time_window)) {
                EXPECT_EQ(r->clause, b == Benefit::taxi ? "ロードサービス規定 第1条3 A"
                                                        : "ロードサービス規定 第1条3 B")
                    << why;
                EXPECT_EQ(detail(*r, "breakdown_at"), "2026-02-05T15:00:00+09:00") << why;
                EXPECT_EQ(detail(*r, "limit"), "2026-02-06T15:00:00+09:00") << why;
                EXPECT_EQ(detail(*r, "used_at"), core::format_japan_time(claim.used_at)) << why;
            }
        }
    }
}

// 第1条3 C/D: public transport "故障当日のみ", hotel "故障当日の1泊" — the breakdown's Japan date.
struct SameDayCase {
    const char* why;
    const char* breakdown_at;
    const char* used_at;
    bool inside;
};

TEST(ClaimDecisionTimeWindow, PublicTransportAndHotelOnTheBreakdownsJapanDate) {
    // clang-format off
    const SameDayCase cases[] = {
        {"第1条3 C/D: the evening of the breakdown day",
         "2026-02-05T15:00:00+09:00", "2026-02-05T22:00:00+09:00", true},
        {"第1条3 C/D: 23:59:59 JST on the breakdown day",
         "2026-02-05T15:00:00+09:00", "2026-02-05T23:59:59+09:00", true},
        {"第1条3 C/D: the next day, although within 24 h",
         "2026-02-05T15:00:00+09:00", "2026-02-06T01:00:00+09:00", false},
        {"第1条3 C/D: 00:00:00 JST the next day",
         "2026-02-05T15:00:00+09:00", "2026-02-06T00:00:00+09:00", false},
        {"第1条3 C/D: breakdown 23:30 JST (14:30Z), used 00:30 JST next day (15:30Z, same UTC day)",
         "2026-02-05T14:30:00Z", "2026-02-05T15:30:00Z", false},
        {"第1条3 C/D: breakdown 00:30 JST (15:30Z of the previous UTC day), used 20:00 JST",
         "2026-02-04T15:30:00Z", "2026-02-05T20:00:00+09:00", true},
        {"第1条3 C/D: earlier the same Japan day, before the breakdown, is outside (D: "
         "故障発生以前から予約または予定をしていた宿泊施設は対象外)",
         "2026-02-05T15:00:00+09:00", "2026-02-05T09:00:00+09:00", false},
        {"第1条3 C/D: 1 s before the breakdown is outside",
         "2026-02-05T15:00:00+09:00", "2026-02-05T14:59:59+09:00", false},
        {"第1条3 C/D: at the breakdown instant is inside",
         "2026-02-05T15:00:00+09:00", "2026-02-05T15:00:00+09:00", true},
        {"第1条3 C/D: the day before",
         "2026-02-05T15:00:00+09:00", "2026-02-04T22:00:00+09:00", false},
    };
    // clang-format on
    for (const Benefit b : {Benefit::public_transport, Benefit::hotel}) {
        for (const auto& c : cases) {
            const std::string why = std::string(to_string(b)) + ": " + c.why;
            IncidentFacts incident = base_incident();
            incident.breakdown_at = at(c.breakdown_at);
            ClaimInput claim = base_claim(b);
            claim.used_at = at(c.used_at);
            // Issued on the breakdown's Japan date, so that only the time rule decides.
            claim.receipts = {
                receipt(counting_kind(b), 8000, core::japan_date(incident.breakdown_at))};
            const ClaimDecision dec = adjudicate(incident, claim);
            expect_well_formed(dec, claim, why.c_str());
            EXPECT_EQ(codes(dec), c.inside ? "" : "outside_time_window") << why;
            EXPECT_EQ(dec.decision, c.inside ? Decision::approved : Decision::rejected) << why;
            if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::outside_time_window)) {
                EXPECT_EQ(r->clause, b == Benefit::hotel ? "ロードサービス規定 第1条3 D"
                                                         : "ロードサービス規定 第1条3 C")
                    << why;
                EXPECT_EQ(detail(*r, "breakdown_on"),
                          core::format_date(core::japan_date(incident.breakdown_at)))
                    << why;
                EXPECT_EQ(detail(*r, "used_on"), core::format_date(dec.used_on)) << why;
            }
        }
    }
}

TEST(ClaimDecisionTimeWindow, PostRepairTransportAnyTimeAfterTheBreakdown) {
    // clang-format off
    const WithinHoursCase cases[] = {
        {"遠方トラブルサポート E: at the breakdown", "2026-02-05T15:00:00+09:00", true},
        {"遠方トラブルサポート E: after the repair, 30 days later", "2026-03-07T10:00:00+09:00",
         true},
        {"遠方トラブルサポート E: 1 s before the breakdown", "2026-02-05T14:59:59+09:00", false},
    };
    // clang-format on
    for (const auto& c : cases) {
        const IncidentFacts incident = base_incident();
        ClaimInput claim = base_claim(Benefit::post_repair_transport, 40'000);
        claim.used_at = at(c.used_at);
        claim.received_at = at("2026-03-10T10:00:00+09:00");
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.inside ? "" : "outside_time_window") << c.why;
        EXPECT_EQ(dec.decision, c.inside ? Decision::approved : Decision::rejected) << c.why;
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::outside_time_window)) {
            EXPECT_EQ(r->clause, "遠方トラブルサポート E") << c.why;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 第1条3: 直線距離で100km以上 — 99.99 km is not remote, 100.00 km is.

struct DistanceCase {
    const char* why;
    std::int64_t metres;
    bool remote;
    const char* km_text;
};

TEST(ClaimDecisionIncident, RemoteFrom100KmInAStraightLine) {
    // clang-format off
    const DistanceCase cases[] = {
        {"第1条3: 99,990 m is not remote", 99'990, false, "99.990"},
        {"第1条3: 99,999 m is not remote", 99'999, false, "99.999"},
        {"第1条3: 100,000 m is remote (100km以上)", 100'000, true, "100.000"},
        {"第1条3: 100,001 m is remote", 100'001, true, "100.001"},
        {"第1条3: a breakdown next door", 5, false, "0.005"},
        {"第1条3: at home", 0, false, "0.000"},
    };
    // clang-format on
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        incident.distance_from_home_m = c.metres;
        const ClaimInput claim = base_claim(Benefit::taxi);
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.remote ? "" : "not_remote") << c.why;
        EXPECT_EQ(dec.decision, c.remote ? Decision::approved : Decision::rejected) << c.why;
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::not_remote)) {
            EXPECT_EQ(r->clause, "ロードサービス規定 第1条3") << c.why;
            EXPECT_EQ(detail(*r, "distance_from_home_km"), c.km_text) << c.why;
            EXPECT_EQ(detail(*r, "distance_from_home_m"), std::to_string(c.metres)) << c.why;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every rejecting rule alone and together: all are listed, in the order of the enum.

struct RejectCase {
    const char* why;
    void (*change)(IncidentFacts&, ClaimInput&);
    const char* codes;
};

TEST(ClaimDecisionRejects, EveryFailingRuleIsListedInOrder) {
    // clang-format off
    const RejectCase cases[] = {
        {"第1条3: the incident was not covered",
         [](IncidentFacts& i, ClaimInput&) { i.covered = false; }, "incident_not_covered"},
        {"第1条3: less than 100 km from home",
         [](IncidentFacts& i, ClaimInput&) { i.distance_from_home_m = 99'990; }, "not_remote"},
        {"第1条3, 第1条2(1): no tow to a shop or storage",
         [](IncidentFacts& i, ClaimInput&) { i.qualifying_tow = false; }, "no_qualifying_tow"},
        {"第1条3(1) 第2号のロードサービス: only a paid tow (key lost)",
         [](IncidentFacts& i, ClaimInput&) {
             i.qualifying_tow = false;
             i.paid_tow_reasons = {"key_lost"};
         },
         "no_qualifying_tow"},
        {"第1条3(1) 車両故障: an accident (its tow is paid too)",
         [](IncidentFacts& i, ClaimInput&) {
             i.accident = true;
             i.qualifying_tow = false;
             i.paid_tow_reasons = {"accident_not_breakdown"};
         },
         "accident_not_breakdown,no_qualifying_tow"},
        {"第1条3(1) 車両故障: an accident alone rejects",
         [](IncidentFacts& i, ClaimInput&) { i.accident = true; }, "accident_not_breakdown"},
        {"第1条3(3): received on day 91",
         [](IncidentFacts&, ClaimInput& c) { c.received_at = at("2026-05-06T09:00:00+09:00"); },
         "claim_window_expired"},
        {"第1条3 A: taxi 25 h after the breakdown",
         [](IncidentFacts&, ClaimInput& c) { c.used_at = at("2026-02-06T16:00:00+09:00"); },
         "outside_time_window"},
        {"第1条3(3): no receipt and no reason",
         [](IncidentFacts&, ClaimInput& c) { c.receipts.clear(); }, "receipt_missing"},
        {"第1条3: the three incident rules together",
         [](IncidentFacts& i, ClaimInput&) {
             i.covered = false;
             i.distance_from_home_m = 1'000;
             i.qualifying_tow = false;
         },
         "incident_not_covered,not_remote,no_qualifying_tow"},
        {"第1条3(3) and 第1条3 A: too late and too long after the breakdown",
         [](IncidentFacts&, ClaimInput& c) {
             c.used_at = at("2026-02-07T10:00:00+09:00");
             c.received_at = at("2026-06-01T10:00:00+09:00");
             c.receipts = {receipt(ReceiptKind::taxi_fare, 8000, d(2026, 2, 7))};
         },
         "claim_window_expired,outside_time_window"},
        {"all seven rejecting rules at once",
         [](IncidentFacts& i, ClaimInput& c) {
             i.covered = false;
             i.accident = true;
             i.distance_from_home_m = 99'999;
             i.qualifying_tow = false;
             c.used_at = at("2026-02-07T10:00:00+09:00");
             c.received_at = at("2026-06-01T10:00:00+09:00");
             c.receipts.clear();
         },
         "incident_not_covered,accident_not_breakdown,not_remote,no_qualifying_tow,"
         "claim_window_expired,outside_time_window,receipt_missing"},
        {"rejecting rules come before the non-rejecting excluded_items and capped",
         [](IncidentFacts& i, ClaimInput& c) {
             i.distance_from_home_m = 50'000;
             c.used_at = at("2026-02-07T10:00:00+09:00");
             c.receipts = {receipt(ReceiptKind::taxi_fare, 12'000, d(2026, 2, 7)),
                           receipt(ReceiptKind::hotel_meal, 2'000, d(2026, 2, 7))};
         },
         "not_remote,outside_time_window,excluded_items,capped"},
    };
    // clang-format on
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        ClaimInput claim = base_claim(Benefit::taxi);
        c.change(incident, claim);
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.codes) << c.why;
        EXPECT_EQ(dec.decision, Decision::rejected) << c.why;
        EXPECT_EQ(dec.approved_yen, 0) << c.why;
    }
}

TEST(ClaimDecisionRejects, FiguresAreFilledEvenWhenRejected) {
    IncidentFacts incident = base_incident();
    incident.distance_from_home_m = 99'990;
    incident.seating_capacity = 2;
    ClaimInput claim = base_claim(Benefit::hotel, 20'000);
    claim.persons = 3;
    claim.receipts.push_back(receipt(ReceiptKind::hotel_meal, 3'000));
    const ClaimDecision dec = adjudicate(incident, claim);
    const char* why = "第1条3: not remote, yet the counted figures are reported";
    expect_well_formed(dec, claim, why);
    EXPECT_EQ(dec.decision, Decision::rejected) << why;
    EXPECT_EQ(codes(dec), "not_remote,excluded_items,persons_capped") << why;
    EXPECT_EQ(dec.approved_yen, 0) << why;
    EXPECT_EQ(dec.counted_yen, 20'000) << why;
    EXPECT_EQ(dec.persons_counted, 2) << why;
    EXPECT_EQ(dec.receipt_counted, (std::vector<bool>{true, false})) << why;
    EXPECT_EQ(dec.received_on, d(2026, 2, 10)) << why;
    EXPECT_EQ(dec.used_on, d(2026, 2, 5)) << why;
    EXPECT_EQ(dec.last_day, d(2026, 5, 5)) << why;
}

TEST(ClaimDecisionRejects, ClausesOfTheIncidentRules) {
    IncidentFacts incident = base_incident();
    incident.covered = false;
    incident.qualifying_tow = false;
    ClaimInput claim = base_claim(Benefit::taxi);
    claim.receipts.clear();
    const ClaimDecision dec = adjudicate(incident, claim);
    ASSERT_EQ(codes(dec), "incident_not_covered,no_qualifying_tow,receipt_missing");
    EXPECT_EQ(dec.reasons[0].clause, "ロードサービス規定 第1条3");
    EXPECT_EQ(dec.reasons[1].clause, "ロードサービス規定 第1条3; 第1条2(1)");
    EXPECT_EQ(dec.reasons[2].clause, "ロードサービス規定 第1条3(3)");
}

// 第1条3(1) 「第2号のロードサービスを利用して」: remote support follows only the free tow. When the
// only tows to a shop or storage were paid, no_qualifying_tow names why they were paid.
TEST(ClaimDecisionRejects, APaidTowDoesNotOpenRemoteSupport) {
    struct Row {
        const char* why;
        bool qualifying;
        std::vector<std::string> paid;
        const char* message_part;
        const char* paid_detail;
    };
    const Row rows[] = {
        {"a free tow", true, {}, nullptr, nullptr},
        {"a free tow and a paid second tow: the free one qualifies", true, {"second_tow"},
         nullptr, nullptr},
        {"no tow at all", false, {}, "not towed", "<absent>"},
        {"key lost (第2条1(3))", false, {"key_lost"}, "paid service", "key_lost"},
        {"a tow home (not designated)", false, {"destination_not_designated"}, "paid service",
         "destination_not_designated"},
        {"an unrepaired car again (第2条3(5))", false, {"second_tow"}, "paid service",
         "second_tow"},
        {"several reasons", false, {"key_lost", "destination_not_designated"}, "paid service",
         "key_lost,destination_not_designated"},
    };
    for (const Row& r : rows) {
        SCOPED_TRACE(r.why);
        IncidentFacts incident = base_incident();
        incident.qualifying_tow = r.qualifying;
        incident.paid_tow_reasons = r.paid;
        const ClaimDecision dec = adjudicate(incident, base_claim(Benefit::taxi));
        if (r.qualifying) {
            EXPECT_EQ(codes(dec), "");
            EXPECT_EQ(dec.decision, Decision::approved);
            continue;
        }
        ASSERT_EQ(codes(dec), "no_qualifying_tow");
        EXPECT_EQ(dec.decision, Decision::rejected);
        EXPECT_NE(dec.reasons[0].message.find(r.message_part), std::string::npos);
        EXPECT_EQ(detail(dec.reasons[0], "paid_tow_reasons"), r.paid_detail);
        EXPECT_EQ(detail(dec.reasons[0], "required"), "free_tow");
    }
}

TEST(ClaimDecisionRejects, AccidentClauseAndDetails) {
    IncidentFacts incident = base_incident();
    incident.accident = true;
    const ClaimDecision dec = adjudicate(incident, base_claim(Benefit::hotel));
    ASSERT_EQ(codes(dec), "accident_not_breakdown");
    EXPECT_NE(dec.reasons[0].clause.find("第1条3(1)"), std::string::npos);
    EXPECT_EQ(detail(dec.reasons[0], "problem"), "accident");
    EXPECT_EQ(dec.decision, Decision::rejected);
}

// ---------------------------------------------------------------------------------------------
// 第1条3(3): no receipt, no payment — unless a reason is given, then a person decides.

struct NoReceiptCase {
    const char* why;
    Benefit benefit;
    void (*change)(IncidentFacts&, ClaimInput&);
    const char* codes;
    Decision decision;
};

TEST(ClaimDecisionReceipts, NoReceiptRejectedOrPendingReview) {
    // clang-format off
    const NoReceiptCase cases[] = {
        {"第1条3(3): no receipt and no reason -> receipt_missing", Benefit::taxi,
         [](IncidentFacts&, ClaimInput& c) { c.receipts.clear(); },
         "receipt_missing", Decision::rejected},
        {"第1条3(3): no receipt and an empty reason is no reason", Benefit::taxi,
         [](IncidentFacts&, ClaimInput& c) { c.receipts.clear(); c.no_receipt_reason = ""; },
         "receipt_missing", Decision::rejected},
        {"第1条3(3): no receipt with a reason -> a person decides", Benefit::taxi,
         [](IncidentFacts&, ClaimInput& c) {
             c.receipts.clear();
             c.no_receipt_reason = "流しのタクシーで領収書を受け取り忘れた";
         },
         "", Decision::pending_review},
        {"第1条3(2) B: rental car, no receipt with a reason -> a person decides",
         Benefit::rental_car,
         [](IncidentFacts&, ClaimInput& c) {
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "", Decision::pending_review},
        {"第1条3(2) C: public transport, no receipt with a reason -> a person decides",
         Benefit::public_transport,
         [](IncidentFacts&, ClaimInput& c) {
             c.receipts.clear();
             c.no_receipt_reason = "IC card";
         },
         "", Decision::pending_review},
        {"第1条3(2) ABCのみ: hotel, no receipt even with a reason -> receipt_missing",
         Benefit::hotel,
         [](IncidentFacts&, ClaimInput& c) {
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "receipt_missing", Decision::rejected},
        {"第1条3(2) ABCのみ: post-repair transport, no receipt even with a reason",
         Benefit::post_repair_transport,
         [](IncidentFacts&, ClaimInput& c) {
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "receipt_missing", Decision::rejected},
        {"第1条3(3): hotel, no receipt and no reason", Benefit::hotel,
         [](IncidentFacts&, ClaimInput& c) { c.receipts.clear(); },
         "receipt_missing", Decision::rejected},
        {"第1条3(3): pending_review loses to not_remote (第1条3)", Benefit::taxi,
         [](IncidentFacts& i, ClaimInput& c) {
             i.distance_from_home_m = 80'000;
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "not_remote", Decision::rejected},
        {"第1条3(3): pending_review loses to outside_time_window (第1条3 C)",
         Benefit::public_transport,
         [](IncidentFacts&, ClaimInput& c) {
             c.used_at = at("2026-02-06T08:00:00+09:00");
             c.receipts.clear();
             c.no_receipt_reason = "IC card, no receipt";
         },
         "outside_time_window", Decision::rejected},
        {"第1条3(3): pending_review loses to claim_window_expired", Benefit::taxi,
         [](IncidentFacts&, ClaimInput& c) {
             c.received_at = at("2026-05-06T09:00:00+09:00");
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "claim_window_expired", Decision::rejected},
        {"第1条3 C: pending_review still reports persons_capped", Benefit::public_transport,
         [](IncidentFacts& i, ClaimInput& c) {
             i.occupants = 2;
             c.persons = 3;
             c.receipts.clear();
             c.no_receipt_reason = "lost";
         },
         "persons_capped", Decision::pending_review},
        {"第1条3(3): receipts given, the reason is not needed", Benefit::taxi,
         [](IncidentFacts&, ClaimInput& c) { c.no_receipt_reason = "not needed"; },
         "", Decision::approved},
    };
    // clang-format on
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        ClaimInput claim = base_claim(c.benefit);
        c.change(incident, claim);
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.codes) << c.why;
        EXPECT_EQ(dec.decision, c.decision) << c.why;
        if (c.decision != Decision::approved) {
            EXPECT_EQ(dec.approved_yen, 0) << c.why;
        }
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::receipt_missing)) {
            const bool abc = no_receipt_review_allowed(c.benefit);
            EXPECT_EQ(r->clause, abc ? "ロードサービス規定 第1条3(3)"
                                     : "ロードサービス規定 第1条3(3); 第1条3(2) (ABCのみ)")
                << c.why;
            EXPECT_EQ(detail(*r, "no_receipt_review_allowed"), abc ? "true" : "false") << c.why;
        }
    }
}

// Receipts that do not count: another benefit's kind, the customer's share (第1条3 B, D), or
// issued before the breakdown's date or after the claim arrived.
struct ReceiptCase {
    const char* why;
    Benefit benefit;
    std::vector<Receipt> receipts;
    std::vector<bool> counted;
    std::int64_t counted_yen;
    const char* excluded;  // the excluded_items "indexes" detail, "" when none
    Decision decision;
    std::int64_t approved_yen;
};

TEST(ClaimDecisionReceipts, ExcludedItems) {
    using K = ReceiptKind;
    const Date day = d(2026, 2, 5);  // the breakdown's date; received on 02-10
    // clang-format off
    const ReceiptCase cases[] = {
        {"第1条3 B: rental base + fuel + insurance -> only the base counts", Benefit::rental_car,
         {receipt(K::rental_base, 8'000), receipt(K::rental_fuel, 3'000),
          receipt(K::rental_insurance, 1'500)},
         {true, false, false}, 8'000, "1,2", Decision::partially_approved, 8'000},
        {"第1条3 B: drop-off and equipment are the customer's", Benefit::rental_car,
         {receipt(K::rental_dropoff, 5'000), receipt(K::rental_base, 9'000),
          receipt(K::rental_equipment, 1'000)},
         {false, true, false}, 9'000, "0,2", Decision::partially_approved, 9'000},
        {"第1条3 D: hotel_meal excluded", Benefit::hotel,
         {receipt(K::hotel_room, 12'000), receipt(K::hotel_meal, 3'000)},
         {true, false}, 12'000, "1", Decision::partially_approved, 12'000},
        {"第1条3 D: hotel_other (phone) excluded", Benefit::hotel,
         {receipt(K::hotel_room, 12'000), receipt(K::hotel_other, 500)},
         {true, false}, 12'000, "1", Decision::partially_approved, 12'000},
        {"第1条3 D: a taxi receipt on a hotel claim does not count", Benefit::hotel,
         {receipt(K::hotel_room, 12'000), receipt(K::taxi_fare, 4'000)},
         {true, false}, 12'000, "1", Decision::partially_approved, 12'000},
        {"第1条3 A: a rail receipt on a taxi claim does not count", Benefit::taxi,
         {receipt(K::rail, 4'000), receipt(K::taxi_fare, 6'000)},
         {false, true}, 6'000, "0", Decision::partially_approved, 6'000},
        {"第1条3 C: rail, air, bus and ship all count", Benefit::public_transport,
         {receipt(K::rail, 5'000), receipt(K::air, 9'000), receipt(K::bus, 1'000),
          receipt(K::ship, 2'000)},
         {true, true, true, true}, 17'000, "", Decision::approved, 17'000},
        {"第1条3 A: several taxi receipts are summed", Benefit::taxi,
         {receipt(K::taxi_fare, 4'000), receipt(K::taxi_fare, 5'000)},
         {true, true}, 9'000, "", Decision::approved, 9'000},
        {"第1条3 D: a receipt issued before the breakdown's date is excluded", Benefit::hotel,
         {receipt(K::hotel_room, 9'000, d(2026, 2, 4)), receipt(K::hotel_room, 12'000, day)},
         {false, true}, 12'000, "0", Decision::partially_approved, 12'000},
        {"第1条3 A: issued on the breakdown's date counts (the date, not the hour)", Benefit::taxi,
         {receipt(K::taxi_fare, 8'000, day)},
         {true}, 8'000, "", Decision::approved, 8'000},
        {"第1条3(3): a receipt issued after the claim arrived is excluded", Benefit::taxi,
         {receipt(K::taxi_fare, 8'000, day), receipt(K::taxi_fare, 1'000, d(2026, 2, 11))},
         {true, false}, 8'000, "1", Decision::partially_approved, 8'000},
        {"第1条3(3): issued on the day the claim arrived counts", Benefit::taxi,
         {receipt(K::taxi_fare, 8'000, d(2026, 2, 10))},
         {true}, 8'000, "", Decision::approved, 8'000},
        {"第1条3 B: all receipts excluded -> rejected, nothing countable", Benefit::rental_car,
         {receipt(K::rental_fuel, 3'000), receipt(K::rental_insurance, 1'500)},
         {false, false}, 0, "0,1", Decision::rejected, 0},
        {"第1条3 D: only a receipt from before the breakdown -> rejected", Benefit::hotel,
         {receipt(K::hotel_room, 12'000, d(2026, 1, 20))},
         {false}, 0, "0", Decision::rejected, 0},
    };
    // clang-format on
    for (const auto& c : cases) {
        const IncidentFacts incident = base_incident();
        ClaimInput claim = base_claim(c.benefit);
        claim.receipts = c.receipts;
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(dec.receipt_counted, c.counted) << c.why;
        EXPECT_EQ(dec.counted_yen, c.counted_yen) << c.why;
        EXPECT_EQ(dec.decision, c.decision) << c.why;
        EXPECT_EQ(dec.approved_yen, c.approved_yen) << c.why;
        const ClaimReason* r = find_reason(dec, ClaimReasonCode::excluded_items);
        if (*c.excluded == '\0') {
            EXPECT_EQ(codes(dec), "") << c.why;
        } else {
            // Nothing else fails here: excluded_items alone, kept when everything is excluded.
            EXPECT_EQ(codes(dec), "excluded_items") << c.why;
            ASSERT_NE(r, nullptr) << c.why;
            EXPECT_EQ(detail(*r, "indexes"), c.excluded) << c.why;
        }
    }
}

TEST(ClaimDecisionReceipts, ExcludedItemsDetailsAndClause) {
    const IncidentFacts incident = base_incident();
    ClaimInput claim = base_claim(Benefit::rental_car);
    claim.receipts = {receipt(ReceiptKind::rental_base, 8'000),
                      receipt(ReceiptKind::rental_fuel, 3'000),
                      receipt(ReceiptKind::rental_base, 2'000, d(2026, 2, 1))};
    const ClaimDecision dec = adjudicate(incident, claim);
    const ClaimReason* r = find_reason(dec, ClaimReasonCode::excluded_items);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(detail(*r, "indexes"), "1,2");
    EXPECT_EQ(detail(*r, "excluded_yen"), "5000");
    EXPECT_EQ(detail(*r, "wrong_kind"), "1");
    EXPECT_EQ(detail(*r, "issued_before_breakdown"), "2");
    EXPECT_EQ(detail(*r, "breakdown_on"), "2026-02-05");
    EXPECT_EQ(detail(*r, "issued_after_received"), "<absent>");
    EXPECT_EQ(r->clause, "ロードサービス規定 第1条3 B; ロードサービス規定 第1条3(3)");

    // Only a kind excluded: the benefit's clause alone.
    claim.receipts.pop_back();
    const ClaimDecision kind_only = adjudicate(incident, claim);
    const ClaimReason* k = find_reason(kind_only, ClaimReasonCode::excluded_items);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->clause, "ロードサービス規定 第1条3 B");
    EXPECT_TRUE(std::holds_alternative<std::string>(k->details.front().second));
}

// ---------------------------------------------------------------------------------------------
// 第1条3 C/D: per person, at most the seating capacity (乗車定員) and the occupants of the call.

struct PersonsCase {
    const char* why;
    Benefit benefit;
    int persons;
    int seating_capacity;
    std::optional<int> occupants;
    std::int64_t yen;
    int persons_counted;
    const char* codes;
    Decision decision;
    std::int64_t approved_yen;
};

TEST(ClaimDecisionPersons, CappedAtSeatingCapacityAndOccupants) {
    // clang-format off
    const PersonsCase cases[] = {
        {"第1条3 D: hotel, 5 persons in a 4-seater -> 4", Benefit::hotel, 5, 4, std::nullopt,
         60'000, 4, "persons_capped", Decision::partially_approved, 60'000},
        {"第1条3 C: public transport, 5 persons in a 4-seater -> 4", Benefit::public_transport,
         5, 4, std::nullopt, 80'000, 4, "persons_capped", Decision::partially_approved, 80'000},
        {"第1条3 D: hotel, 5 in a 4-seater, over the cap of 4 persons",
         Benefit::hotel, 5, 4, std::nullopt, 75'000, 4, "persons_capped,capped",
         Decision::partially_approved, 60'000},
        {"第1条3 D: occupants 2 cap persons 3", Benefit::hotel, 3, 5, 2,
         30'000, 2, "persons_capped", Decision::partially_approved, 30'000},
        {"第1条3 C: occupants 2 cap persons 3, and the amount", Benefit::public_transport, 3, 5, 2,
         45'000, 2, "persons_capped,capped", Decision::partially_approved, 40'000},
        {"第1条3 C: capacity below occupants: the smaller wins", Benefit::public_transport, 4, 2, 3,
         40'000, 2, "persons_capped", Decision::partially_approved, 40'000},
        {"第1条3 D: exactly the capacity is not capped", Benefit::hotel, 4, 4, std::nullopt,
         60'000, 4, "", Decision::approved, 60'000},
        {"第1条3 D: fewer persons than occupants is not capped", Benefit::hotel, 2, 5, 3,
         30'000, 2, "", Decision::approved, 30'000},
        {"第1条3 A: taxi is per vehicle: counted, but no reason", Benefit::taxi, 5, 4,
         std::nullopt, 8'000, 4, "", Decision::approved, 8'000},
        {"第1条3 B: rental is per vehicle: occupants 1 counted, no reason", Benefit::rental_car,
         3, 5, 1, 8'000, 1, "", Decision::approved, 8'000},
        {"遠方トラブルサポート E: per vehicle: no reason", Benefit::post_repair_transport, 6, 2,
         std::nullopt, 40'000, 2, "", Decision::approved, 40'000},
    };
    // clang-format on
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        incident.seating_capacity = c.seating_capacity;
        incident.occupants = c.occupants;
        ClaimInput claim = base_claim(c.benefit, c.yen);
        claim.persons = c.persons;
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(dec.persons_counted, c.persons_counted) << c.why;
        EXPECT_EQ(codes(dec), c.codes) << c.why;
        EXPECT_EQ(dec.decision, c.decision) << c.why;
        EXPECT_EQ(dec.approved_yen, c.approved_yen) << c.why;
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::persons_capped)) {
            EXPECT_EQ(r->clause, c.benefit == Benefit::hotel ? "ロードサービス規定 第1条3 D"
                                                             : "ロードサービス規定 第1条3 C")
                << c.why;
            EXPECT_EQ(detail(*r, "persons_requested"), std::to_string(c.persons)) << c.why;
            EXPECT_EQ(detail(*r, "persons_counted"), std::to_string(c.persons_counted)) << c.why;
            EXPECT_EQ(detail(*r, "seating_capacity"), std::to_string(c.seating_capacity))
                << c.why;
            EXPECT_EQ(detail(*r, "occupants"),
                      c.occupants ? std::to_string(*c.occupants) : std::string("<absent>"))
                << c.why;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The caps: taxi ¥10,000, rental ¥10,000, public transport ¥20,000 × persons, hotel ¥15,000 ×
// persons, post-repair ¥50,000. Exactly the cap is approved in full; one yen more is capped.

struct CapCase {
    const char* why;
    Benefit benefit;
    int persons;
    std::int64_t yen;
    bool capped;
    std::int64_t approved_yen;
};

TEST(ClaimDecisionCaps, AtTheCapAndOneYenOver) {
    // clang-format off
    const CapCase cases[] = {
        {"第1条3 A: taxi at ¥10,000", Benefit::taxi, 1, 10'000, false, 10'000},
        {"第1条3 A: taxi at ¥10,001", Benefit::taxi, 1, 10'001, true, 10'000},
        {"第1条3 A: taxi, per vehicle whatever the persons", Benefit::taxi, 3, 10'001, true,
         10'000},
        {"第1条3 B: rental at ¥10,000", Benefit::rental_car, 1, 10'000, false, 10'000},
        {"第1条3 B: rental at ¥10,001", Benefit::rental_car, 1, 10'001, true, 10'000},
        {"第1条3 C: public transport, 1 person at ¥20,000", Benefit::public_transport, 1, 20'000,
         false, 20'000},
        {"第1条3 C: public transport, 2 persons at ¥40,000", Benefit::public_transport, 2, 40'000,
         false, 40'000},
        {"第1条3 C: public transport, 2 persons at ¥40,001", Benefit::public_transport, 2, 40'001,
         true, 40'000},
        {"第1条3 D: hotel, 1 person at ¥15,001", Benefit::hotel, 1, 15'001, true, 15'000},
        {"第1条3 D: hotel, 2 persons at ¥30,000", Benefit::hotel, 2, 30'000, false, 30'000},
        {"第1条3 D: hotel, 2 persons at ¥30,001", Benefit::hotel, 2, 30'001, true, 30'000},
        {"遠方トラブルサポート E: ¥50,000", Benefit::post_repair_transport, 1, 50'000, false,
         50'000},
        {"遠方トラブルサポート E: ¥50,001", Benefit::post_repair_transport, 1, 50'001, true,
         50'000},
        {"第1条3 A: ¥1", Benefit::taxi, 1, 1, false, 1},
    };
    // clang-format on
    for (const auto& c : cases) {
        const IncidentFacts incident = base_incident();
        ClaimInput claim = base_claim(c.benefit, c.yen);
        claim.persons = c.persons;
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, c.why);
        EXPECT_EQ(codes(dec), c.capped ? "capped" : "") << c.why;
        EXPECT_EQ(dec.decision, c.capped ? Decision::partially_approved : Decision::approved)
            << c.why;
        EXPECT_EQ(dec.counted_yen, c.yen) << c.why;
        EXPECT_EQ(dec.approved_yen, c.approved_yen) << c.why;
        if (const ClaimReason* r = find_reason(dec, ClaimReasonCode::capped)) {
            EXPECT_EQ(detail(*r, "counted_yen"), std::to_string(c.yen)) << c.why;
            EXPECT_EQ(detail(*r, "cap_yen"), std::to_string(c.approved_yen)) << c.why;
        }
    }
}

struct BenefitCapCase {
    const char* why;
    Benefit benefit;
    std::int64_t yen;
    bool per_person;
    std::int64_t for_three;
};

TEST(ClaimDecisionCaps, BenefitCapAndMaxApprovable) {
    // clang-format off
    const BenefitCapCase cases[] = {
        {"第1条3 A: ¥10,000 per vehicle", Benefit::taxi, 10'000, false, 10'000},
        {"第1条3 B: ¥10,000 per vehicle", Benefit::rental_car, 10'000, false, 10'000},
        {"第1条3 C: ¥20,000 per person", Benefit::public_transport, 20'000, true, 60'000},
        {"第1条3 D: ¥15,000 per person", Benefit::hotel, 15'000, true, 45'000},
        {"遠方トラブルサポート E: ¥50,000", Benefit::post_repair_transport, 50'000, false, 50'000},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(benefit_cap(c.benefit).yen, c.yen) << c.why;
        EXPECT_EQ(benefit_cap(c.benefit).per_person, c.per_person) << c.why;
        EXPECT_EQ(max_approvable_yen(c.benefit, 3), c.for_three) << c.why;
        EXPECT_EQ(max_approvable_yen(c.benefit, 1), c.yen) << c.why;
    }
}

// ---------------------------------------------------------------------------------------------
// POST /v1/claims/{id}/review: what a reviewer may decide.

struct ReviewCase {
    const char* why;
    Benefit benefit;
    int persons_counted;
    Decision decision;
    std::int64_t approved_yen;
    std::optional<std::string> error;
};

TEST(ClaimReview, CheckReview) {
    const std::optional<std::string> ok;
    const std::optional<std::string> range = "approved_yen_out_of_range";
    const std::optional<std::string> invalid = "invalid_review_decision";
    // clang-format off
    const ReviewCase cases[] = {
        {"rejected with 0", Benefit::taxi, 1, Decision::rejected, 0, ok},
        {"rejected with ¥1 is not 0", Benefit::taxi, 1, Decision::rejected, 1, range},
        {"第1条3 A: approved at the cap", Benefit::taxi, 1, Decision::approved, 10'000, ok},
        {"第1条3 A: approved one yen over the cap", Benefit::taxi, 1, Decision::approved, 10'001,
         range},
        {"approved ¥1", Benefit::taxi, 1, Decision::approved, 1, ok},
        {"approved ¥0 is not an approval", Benefit::taxi, 1, Decision::approved, 0, range},
        {"approved a negative amount", Benefit::taxi, 1, Decision::approved, -5, range},
        {"partially_approved ¥0", Benefit::rental_car, 1, Decision::partially_approved, 0, range},
        {"第1条3 D: hotel, 2 persons at ¥30,000", Benefit::hotel, 2,
         Decision::partially_approved, 30'000, ok},
        {"第1条3 D: hotel, 2 persons at ¥30,001", Benefit::hotel, 2,
         Decision::partially_approved, 30'001, range},
        {"第1条3 C: public transport, 3 persons at ¥60,000", Benefit::public_transport, 3,
         Decision::approved, 60'000, ok},
        {"第1条3 C: public transport, 3 persons at ¥60,001", Benefit::public_transport, 3,
         Decision::approved, 60'001, range},
        {"遠方トラブルサポート E: ¥50,000", Benefit::post_repair_transport, 1, Decision::approved,
         50'000, ok},
        {"遠方トラブルサポート E: ¥50,001", Benefit::post_repair_transport, 1, Decision::approved,
         50'001, range},
        {"pending_review is not a reviewer's decision", Benefit::taxi, 1,
         Decision::pending_review, 0, invalid},
        {"pending_review with an amount is still not one", Benefit::taxi, 1,
         Decision::pending_review, 5'000, invalid},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(check_review(c.benefit, c.persons_counted, c.decision, c.approved_yen), c.error)
            << c.why;
    }
}

// ---------------------------------------------------------------------------------------------
// The API strings (spec/api.md): exactly the enumerator names, both ways.

TEST(ClaimStrings, BenefitRoundTrip) {
    const std::pair<Benefit, const char*> all[] = {
        {Benefit::taxi, "taxi"},
        {Benefit::rental_car, "rental_car"},
        {Benefit::public_transport, "public_transport"},
        {Benefit::hotel, "hotel"},
        {Benefit::post_repair_transport, "post_repair_transport"},
    };
    for (const auto& [value, text] : all) {
        EXPECT_EQ(to_string(value), text);
        EXPECT_EQ(parse_benefit(text), value) << text;
    }
    for (const char* bad : {"", "Taxi", "TAXI", " taxi", "taxi ", "rental", "rental-car",
                            "post_repair", "unknown", "taxi_fare"}) {
        EXPECT_EQ(parse_benefit(bad), std::nullopt) << '"' << bad << '"';
    }
}

TEST(ClaimStrings, ReceiptKindRoundTrip) {
    const std::pair<ReceiptKind, const char*> all[] = {
        {ReceiptKind::taxi_fare, "taxi_fare"},
        {ReceiptKind::rental_base, "rental_base"},
        {ReceiptKind::rental_fuel, "rental_fuel"},
        {ReceiptKind::rental_insurance, "rental_insurance"},
        {ReceiptKind::rental_dropoff, "rental_dropoff"},
        {ReceiptKind::rental_equipment, "rental_equipment"},
        {ReceiptKind::rail, "rail"},
        {ReceiptKind::air, "air"},
        {ReceiptKind::bus, "bus"},
        {ReceiptKind::ship, "ship"},
        {ReceiptKind::hotel_room, "hotel_room"},
        {ReceiptKind::hotel_meal, "hotel_meal"},
        {ReceiptKind::hotel_other, "hotel_other"},
        {ReceiptKind::transport, "transport"},
    };
    for (const auto& [value, text] : all) {
        EXPECT_EQ(to_string(value), text);
        EXPECT_EQ(parse_receipt_kind(text), value) << text;
    }
    for (const char* bad : {"", "Rail", "rail ", "taxi", "hotel", "rental", "rental_drop_off",
                            "fuel", "unknown"}) {
        EXPECT_EQ(parse_receipt_kind(bad), std::nullopt) << '"' << bad << '"';
    }
}

TEST(ClaimStrings, DecisionRoundTrip) {
    const std::pair<Decision, const char*> all[] = {
        {Decision::approved, "approved"},
        {Decision::partially_approved, "partially_approved"},
        {Decision::rejected, "rejected"},
        {Decision::pending_review, "pending_review"},
    };
    for (const auto& [value, text] : all) {
        EXPECT_EQ(to_string(value), text);
        EXPECT_EQ(parse_decision(text), value) << text;
    }
    for (const char* bad : {"", "Approved", "approve", "partially-approved", "pending", "review",
                            "unknown"}) {
        EXPECT_EQ(parse_decision(bad), std::nullopt) << '"' << bad << '"';
    }
}

TEST(ClaimStrings, ReasonCodes) {
    const std::pair<ClaimReasonCode, const char*> all[] = {
        {ClaimReasonCode::incident_not_covered, "incident_not_covered"},
        {ClaimReasonCode::accident_not_breakdown, "accident_not_breakdown"},
        {ClaimReasonCode::not_remote, "not_remote"},
        {ClaimReasonCode::no_qualifying_tow, "no_qualifying_tow"},
        {ClaimReasonCode::benefit_already_used, "benefit_already_used"},
        {ClaimReasonCode::claim_window_expired, "claim_window_expired"},
        {ClaimReasonCode::outside_time_window, "outside_time_window"},
        {ClaimReasonCode::receipt_missing, "receipt_missing"},
        {ClaimReasonCode::excluded_items, "excluded_items"},
        {ClaimReasonCode::persons_capped, "persons_capped"},
        {ClaimReasonCode::capped, "capped"},
    };
    for (const auto& [value, text] : all) EXPECT_EQ(to_string(value), text);
}

// ---------------------------------------------------------------------------------------------
// Which receipt kinds count for which benefit (第1条3 A–D, brochure E): the full matrix.

TEST(ClaimReceiptKinds, CountsForTheFullMatrix) {
    constexpr Benefit benefits[] = {Benefit::taxi, Benefit::rental_car, Benefit::public_transport,
                                    Benefit::hotel, Benefit::post_repair_transport};
    constexpr ReceiptKind kinds[] = {
        ReceiptKind::taxi_fare,      ReceiptKind::rental_base,    ReceiptKind::rental_fuel,
        ReceiptKind::rental_insurance, ReceiptKind::rental_dropoff, ReceiptKind::rental_equipment,
        ReceiptKind::rail,           ReceiptKind::air,            ReceiptKind::bus,
        ReceiptKind::ship,           ReceiptKind::hotel_room,     ReceiptKind::hotel_meal,
        ReceiptKind::hotel_other,    ReceiptKind::transport};
    // Rows: benefits; columns: kinds, in the order above.
    // clang-format off
    constexpr bool counts[5][14] = {
        //      taxi base fuel ins  drop equi rail air  bus  ship room meal oth  trans
        /*A*/  {1,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0},
        /*B*/  {0,   1,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0},
        /*C*/  {0,   0,   0,   0,   0,   0,   1,   1,   1,   1,   0,   0,   0,   0},
        /*D*/  {0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0},
        /*E*/  {0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1},
    };
    // clang-format on
    for (std::size_t b = 0; b < 5; ++b) {
        for (std::size_t k = 0; k < 14; ++k) {
            EXPECT_EQ(receipt_counts_for(benefits[b], kinds[k]), counts[b][k])
                << "第1条3: " << to_string(benefits[b]) << " / " << to_string(kinds[k]);
        }
    }
}

// The distance is the product's (config remote_support_min_km): a plan with 150 km would refuse
// 120 km and accept exactly 150 km.
TEST(ClaimRemote, TheProductsDistanceDecides) {
    struct Case {
        const char* why;
        std::int64_t min_m;
        std::int64_t distance_m;
        bool remote;
    };
    const Case cases[] = {
        {"第1条3 with 150 km: 120 km is not remote", 150'000, 120'000, false},
        {"第1条3 with 150 km: 149.999 km is not remote", 150'000, 149'999, false},
        {"第1条3 with 150 km: exactly 150 km is remote", 150'000, 150'000, true},
        {"第1条3 default 100 km: exactly 100 km is remote", 100'000, 100'000, true},
    };
    for (const auto& c : cases) {
        IncidentFacts incident = base_incident();
        incident.remote_min_m = c.min_m;
        incident.distance_from_home_m = c.distance_m;
        const ClaimDecision dec = adjudicate(incident, base_claim(Benefit::taxi));
        EXPECT_EQ(codes(dec), c.remote ? "" : "not_remote") << c.why;
    }
}

// spec/rules.md §5: per-person tickets are separate receipts — four people on one train hold four
// receipts of the same amount, issuer and day, and all four count. Two lines are the same document
// only with the same receipt number from the same issuer.
TEST(ClaimReceipts, PerPersonTicketsCountADuplicateNeedsTheSameNumber) {
    struct Row {
        const char* why;
        std::vector<std::optional<std::string>> numbers;  // one per rail ticket of 15,000 yen
        std::vector<std::string> issuers;                 // empty: all "JR"
        std::vector<bool> counted;
        std::int64_t approved_yen;
        const char* duplicate;  // the excluded_items "duplicate" detail, "" when none
    };
    const Row rows[] = {
        {"four tickets alike, no numbers: all four count",
         {std::nullopt, std::nullopt, std::nullopt, std::nullopt}, {},
         {true, true, true, true}, 60'000, ""},
        {"four tickets with four numbers: all count", {"A1", "A2", "A3", "A4"}, {},
         {true, true, true, true}, 60'000, ""},
        {"the same number twice from the same issuer: once", {"A1", "A1", "A3", "A4"}, {},
         {true, false, true, true}, 45'000, "1"},
        {"the same number from two issuers: two documents", {"A1", "A1", "A3", "A4"},
         {"JR", "私鉄", "JR", "JR"}, {true, true, true, true}, 60'000, ""},
        {"one with a number, one without: not the same", {"A1", std::nullopt, "A3", "A4"}, {},
         {true, true, true, true}, 60'000, ""},
        {"the same number three times: counted once", {"A1", "A1", "A1", "A4"}, {},
         {true, false, false, true}, 30'000, "1,2"},
    };
    for (const Row& r : rows) {
        SCOPED_TRACE(r.why);
        ClaimInput claim = base_claim(Benefit::public_transport);
        claim.persons = 4;
        claim.receipts.clear();
        for (std::size_t i = 0; i < r.numbers.size(); ++i) {
            Receipt x = receipt(ReceiptKind::rail, 15'000);
            x.issuer = r.issuers.empty() ? "JR" : r.issuers[i];
            x.receipt_no = r.numbers[i];
            claim.receipts.push_back(x);
        }
        IncidentFacts incident = base_incident();
        incident.occupants = 4;
        const ClaimDecision dec = adjudicate(incident, claim);
        expect_well_formed(dec, claim, r.why);
        EXPECT_EQ(dec.receipt_counted, r.counted);
        EXPECT_EQ(dec.approved_yen, r.approved_yen);
        const ClaimReason* x = find_reason(dec, ClaimReasonCode::excluded_items);
        if (*r.duplicate == '\0') {
            EXPECT_EQ(x, nullptr);
            EXPECT_EQ(dec.decision, Decision::approved);
        } else {
            ASSERT_NE(x, nullptr);
            EXPECT_EQ(detail(*x, "duplicate"), r.duplicate);
            EXPECT_EQ(dec.decision, Decision::partially_approved);
        }
    }
}

TEST(ClaimReceipts, SameDocument) {
    Receipt a = receipt(ReceiptKind::taxi_fare, 5'000);
    Receipt b = a;
    EXPECT_FALSE(same_document(a, b)) << "alike, but no numbers: no evidence";
    a.receipt_no = "0042";
    EXPECT_FALSE(same_document(a, b));
    b.receipt_no = "0042";
    EXPECT_TRUE(same_document(a, b));
    b.amount_yen = 6'000;
    EXPECT_TRUE(same_document(a, b)) << "the number and issuer name the document";
    b.issuer = "△△交通";
    EXPECT_FALSE(same_document(a, b));
}

TEST(ClaimReceipts, NoReceiptReviewOnlyForAToC) {
    EXPECT_TRUE(no_receipt_review_allowed(Benefit::taxi));
    EXPECT_TRUE(no_receipt_review_allowed(Benefit::rental_car));
    EXPECT_TRUE(no_receipt_review_allowed(Benefit::public_transport));
    EXPECT_FALSE(no_receipt_review_allowed(Benefit::hotel));
    EXPECT_FALSE(no_receipt_review_allowed(Benefit::post_repair_transport));
}

}  // namespace
}  // namespace roadside::billing
