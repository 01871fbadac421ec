// The calendar of a reimbursement claim (billing/claim_calendar.hpp), ロードサービス規定 第1条3(3):
// "遠方トラブルサポートサービス利用日から起算し90日を超えて請求があった場合は、お支払いできません"
// and "所定請求用紙が…到着してから1ヶ月以内に…振り込む" (spec/rules.md §5).
#include "billing/claim_calendar.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace roadside::billing {
namespace {

using core::Date;

Date d(int y, unsigned m, unsigned dd) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

core::Instant instant(const char* rfc3339) {
    const auto t = core::parse_rfc3339(rfc3339);
    if (!t) throw std::logic_error(std::string("bad test time ") + rfc3339);
    return *t;
}

// 利用日から起算し90日: the day of use is day 1, so the 90th day is use + 89.
struct WindowCase {
    const char* why;
    Date used_on;
    Date last_day;
};

TEST(ClaimWindow, LastDayCountsTheDayOfUseAsDayOne) {
    // clang-format off
    const WindowCase cases[] = {
        {"rules.md §5: use 2026-01-01 -> 2026-03-31 (31 + 28 + 31 = 90 days)", d(2026, 1, 1),
         d(2026, 3, 31)},
        {"leap year: use 2028-01-01 -> 2028-03-30 (31 + 29 + 30)", d(2028, 1, 1), d(2028, 3, 30)},
        {"across the year end: 2026-12-15 -> 2027-03-14", d(2026, 12, 15), d(2027, 3, 14)},
        {"summer: 2026-07-01 -> 2026-09-28 (31 + 31 + 28)", d(2026, 7, 1), d(2026, 9, 28)},
        {"month end start: 2026-01-31 -> 2026-04-30", d(2026, 1, 31), d(2026, 4, 30)},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(claim_last_day(c.used_on), c.last_day) << c.why;
        // The window holds exactly 90 calendar days, the day of use included.
        EXPECT_EQ(core::days_between(c.used_on, c.last_day) + 1, kClaimWindowDays) << c.why;
    }
}

struct InWindowCase {
    const char* why;
    Date used_on;
    Date received_on;
    bool in_window;
};

TEST(ClaimWindow, ReceivedOnTheLastDayAndTheDayAfter) {
    // clang-format off
    const InWindowCase cases[] = {
        {"第1条3(3): received on the day of use", d(2026, 1, 1), d(2026, 1, 1), true},
        {"第1条3(3): received on day 90 (03-31)", d(2026, 1, 1), d(2026, 3, 31), true},
        {"第1条3(3): received on day 91 (04-01): 90日を超えて", d(2026, 1, 1), d(2026, 4, 1), false},
        {"第1条3(3): day 89", d(2026, 1, 1), d(2026, 3, 30), true},
        {"第1条3(3): leap year day 90 (03-30)", d(2028, 1, 1), d(2028, 3, 30), true},
        {"第1条3(3): leap year day 91 (03-31)", d(2028, 1, 1), d(2028, 3, 31), false},
        {"第1条3(3): a year later", d(2026, 1, 1), d(2027, 1, 1), false},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(claim_in_window(c.used_on, c.received_on), c.in_window) << c.why;
    }
}

TEST(ClaimWindow, ArrivalJustBeforeAndAfterMidnightJapanTime) {
    // A claim form arriving at 23:59 JST on day 90 is in time; at 00:00 JST on day 91 it is not.
    // The arrival instants are given in UTC (15:00 UTC is midnight in Japan).
    const Date used_on = d(2026, 1, 1);
    EXPECT_TRUE(claim_in_window(used_on, core::japan_date(instant("2026-03-31T14:59:59Z"))));
    EXPECT_FALSE(claim_in_window(used_on, core::japan_date(instant("2026-03-31T15:00:00Z"))));
    // Used late in the evening in Japan: the day of use is the Japan day, not the UTC day.
    const Date used_evening = core::japan_date(instant("2026-01-01T15:30:00Z"));  // 01-02 00:30
    EXPECT_EQ(claim_last_day(used_evening), d(2026, 4, 1));
}

// 到着してから1ヶ月以内: 民法第140条 (the day of arrival is not counted) and 第143条 (a month ends
// the day before the corresponding day; without one, on the month's last day).
struct PayByCase {
    const char* why;
    Date received_on;
    Date pay_by;
};

TEST(PayBy, OneMonthAfterArrival) {
    // clang-format off
    const PayByCase cases[] = {
        {"rules.md §5 / brief: 01-10 -> 02-10", d(2026, 1, 10), d(2026, 2, 10)},
        {"01-31 -> 02-28 (no Feb 31)", d(2026, 1, 31), d(2026, 2, 28)},
        {"01-31 in a leap year -> 02-29", d(2028, 1, 31), d(2028, 2, 29)},
        {"01-30 -> 02-28 (counting from 01-31, no Feb 31)", d(2026, 1, 30), d(2026, 2, 28)},
        {"01-28 -> 02-28", d(2026, 1, 28), d(2026, 2, 28)},
        {"02-27 -> 03-27", d(2026, 2, 27), d(2026, 3, 27)},
        {"02-28 -> 03-31 (counting from 03-01, a whole calendar month)", d(2026, 2, 28),
         d(2026, 3, 31)},
        {"03-31 -> 04-30 (counting from 04-01)", d(2026, 3, 31), d(2026, 4, 30)},
        {"12-31 -> next year 01-31", d(2026, 12, 31), d(2027, 1, 31)},
        {"12-10 -> next year 01-10", d(2026, 12, 10), d(2027, 1, 10)},
        {"05-31 -> 06-30", d(2026, 5, 31), d(2026, 6, 30)},
    };
    // clang-format on
    for (const auto& c : cases) EXPECT_EQ(pay_by(c.received_on), c.pay_by) << c.why;
}

}  // namespace
}  // namespace roadside::billing
