// Designated shops (dispatch/shop.hpp): opening hours in Japan time, and whether a shop can take a
// towed car now (第1条2(1) 保証会社指定の工場; otherwise temporary storage, 第2条2(11)).
#include "dispatch/shop.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace roadside::dispatch {
namespace {

core::Instant instant(const char* rfc3339) {
    const auto t = core::parse_rfc3339(rfc3339);
    if (!t) throw std::logic_error(std::string("bad test time ") + rfc3339);
    return *t;
}

TEST(ShopHours, ParseHhmm) {
    struct Row {
        const char* text;
        std::optional<int> minutes;
    };
    const Row rows[] = {
        {"00:00", 0},          {"09:00", 540},         {"17:30", 1050},
        {"23:59", 1439},       {"24:00", 1440},        {"24:01", std::nullopt},
        {"25:00", std::nullopt}, {"12:60", std::nullopt}, {"9:00", std::nullopt},
        {"09:0", std::nullopt}, {"0900", std::nullopt}, {"09-00", std::nullopt},
        {"", std::nullopt},    {"ab:cd", std::nullopt}, {"09:00 ", std::nullopt},
        {"-1:00", std::nullopt}, {"０９:００", std::nullopt},
    };
    for (const Row& r : rows) EXPECT_EQ(parse_hhmm(r.text), r.minutes) << r.text;
    EXPECT_EQ(format_hhmm(0), "00:00");
    EXPECT_EQ(format_hhmm(540), "09:00");
    EXPECT_EQ(format_hhmm(1440), "24:00");
}

TEST(ShopHours, DayHoursNeedOpenBeforeClose) {
    EXPECT_TRUE(make_day_hours("09:00", "18:00"));
    EXPECT_TRUE(make_day_hours("00:00", "24:00"));
    EXPECT_TRUE(make_day_hours("09:00", "09:01"));
    EXPECT_FALSE(make_day_hours("09:00", "09:00")) << "empty day";
    EXPECT_FALSE(make_day_hours("18:00", "09:00")) << "past midnight is two days";
    EXPECT_FALSE(make_day_hours("09:00", "25:00"));
    EXPECT_FALSE(make_day_hours("x", "18:00"));
}

// 2026-03-09 is a Monday. Times in UTC on purpose: 09:00 JST is 00:00 UTC, and 00:30 JST on
// Tuesday is still Monday in UTC.
TEST(ShopHours, OpenAtInJapanTime) {
    OpeningHours h;
    h.days[0] = make_day_hours("09:00", "18:00");  // Monday
    h.days[1] = make_day_hours("00:00", "02:00");  // Tuesday, early hours
    h.days[5] = make_day_hours("10:00", "15:00");  // Saturday; Sunday closed
    struct Row {
        const char* at;
        bool open;
        const char* why;
    };
    const Row rows[] = {
        {"2026-03-08T23:59:59Z", false, "Monday 08:59:59 JST: not yet"},
        {"2026-03-09T00:00:00Z", true, "Monday 09:00 JST: opening is inclusive"},
        {"2026-03-09T08:59:59Z", true, "Monday 17:59:59 JST"},
        {"2026-03-09T09:00:00Z", false, "Monday 18:00 JST: closing is exclusive"},
        {"2026-03-09T15:30:00Z", true, "Tuesday 00:30 JST (Monday in UTC): Tuesday's hours"},
        {"2026-03-09T17:00:00Z", false, "Tuesday 02:00 JST"},
        {"2026-03-14T01:00:00Z", true, "Saturday 10:00 JST"},
        {"2026-03-15T03:00:00Z", false, "Sunday noon JST: closed all day"},
    };
    for (const Row& r : rows) EXPECT_EQ(open_at(h, instant(r.at)), r.open) << r.why;

    OpeningHours always;
    always.always = true;
    EXPECT_TRUE(open_at(always, instant("2026-03-15T18:00:00Z")));
    EXPECT_FALSE(open_at(OpeningHours{}, instant("2026-03-09T03:00:00Z"))) << "no day given";
}

TEST(ShopHours, NightIntakeTakesCarsWhenClosed) {
    Shop shop;
    shop.hours.days[0] = make_day_hours("09:00", "18:00");
    const core::Instant monday_night = instant("2026-03-09T13:00:00Z");  // 22:00 JST
    const core::Instant monday_noon = instant("2026-03-09T03:00:00Z");
    EXPECT_TRUE(takes_cars_at(shop, monday_noon));
    EXPECT_FALSE(takes_cars_at(shop, monday_night)) << "closed, no night intake: storage";
    shop.night_intake = true;
    EXPECT_TRUE(takes_cars_at(shop, monday_night));
}

}  // namespace
}  // namespace roadside::dispatch
