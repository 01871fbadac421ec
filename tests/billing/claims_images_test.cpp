// Receipts with images (issue 14) in the adjudication of a claim (billing/claims.hpp): the same
// image twice is the same receipt and counts once, whatever the two lines say — 第1条3(3)
// "領収書を添付": one receipt proves one payment. Receipts without images are judged as before.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "billing/claims.hpp"
#include "core/calendar.hpp"

namespace roadside::billing {
namespace {

core::Instant at(const char* rfc3339) {
    return core::parse_rfc3339(rfc3339).value();
}

IncidentFacts incident() {
    IncidentFacts i;
    i.covered = true;
    i.distance_from_home_m = 150'000;
    i.breakdown_at = at("2026-02-05T15:00:00+09:00");
    i.seating_capacity = 5;
    i.qualifying_tow = true;
    return i;
}

Receipt taxi(std::int64_t yen, std::optional<std::string> image, const char* issuer = "○○交通") {
    Receipt r;
    r.amount_yen = yen;
    r.issued_on = core::parse_date("2026-02-05").value();
    r.issuer = issuer;
    r.kind = ReceiptKind::taxi_fare;
    r.image = std::move(image);
    return r;
}

ClaimInput claim(std::vector<Receipt> receipts) {
    ClaimInput c;
    c.benefit = Benefit::taxi;
    c.persons = 1;
    c.used_at = at("2026-02-05T18:00:00+09:00");
    c.received_at = at("2026-02-06T10:00:00+09:00");
    c.receipts = std::move(receipts);
    return c;
}

std::string duplicates(const ClaimDecision& d) {
    for (const auto& r : d.reasons) {
        if (r.code != ClaimReasonCode::excluded_items) continue;
        for (const auto& [key, value] : r.details) {
            if (key == "duplicate") return std::get<std::string>(value);
        }
    }
    return "";
}

TEST(ClaimImages, TheSameImageTwiceCountsOnce) {
    struct Case {
        const char* name;
        std::vector<Receipt> receipts;
        std::vector<bool> counted;
        std::int64_t counted_yen;
        const char* duplicate;
    };
    const std::vector<Case> cases = {
        {"one image, two different lines", {taxi(3000, "a"), taxi(4000, "a", "△△タクシー")},
         {true, false}, 3000, "1"},
        {"the image of the first, third time", {taxi(3000, "a"), taxi(2000, "b"), taxi(1000, "a")},
         {true, true, false}, 5000, "2"},
        {"two images, two different lines", {taxi(3000, "a"), taxi(4000, "b")}, {true, true}, 7000,
         ""},
        {"no images at all", {taxi(3000, std::nullopt), taxi(4000, std::nullopt)}, {true, true},
         7000, ""},
        {"an image on one line only", {taxi(3000, "a"), taxi(4000, std::nullopt)}, {true, true},
         7000, ""},
    };
    for (const auto& c : cases) {
        const ClaimDecision d = adjudicate(incident(), claim(c.receipts));
        EXPECT_EQ(d.receipt_counted, c.counted) << c.name;
        EXPECT_EQ(d.counted_yen, c.counted_yen) << c.name;
        EXPECT_EQ(duplicates(d), c.duplicate) << c.name;
    }
}

}  // namespace
}  // namespace roadside::billing
