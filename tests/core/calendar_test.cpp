// Calendar rules in Japan time (spec/rules.md §1 "All calendar rules use Japan time").
#include "core/calendar.hpp"

#include <gtest/gtest.h>

namespace roadside::core {
namespace {

using namespace std::chrono;

Date d(int y, unsigned m, unsigned dd) {
    return Date{year{y}, month{m}, day{dd}};
}
Instant utc(const char* s) {
    return parse_rfc3339(s).value();
}

// 民法第143条: a month period ends the day before the corresponding day, or on the last day of
// the month that has none (spec/rules.md §1 "Term", "免責期間").
struct PeriodCase {
    Date start;
    int months;
    Date last_day;
    const char* why;
};

TEST(CivilCodeMonthPeriod, Table) {
    const PeriodCase cases[] = {
        {d(2026, 1, 5), 12, d(2027, 1, 4), "rules.md §1 example: 12 months"},
        {d(2026, 1, 5), 1, d(2026, 2, 4), "rules.md §1 免責 example"},
        {d(2026, 1, 31), 1, d(2026, 2, 28), "Jan 31 + 1 month: February has no 31st"},
        {d(2028, 1, 31), 1, d(2028, 2, 29), "leap year: February 29 is the last day"},
        {d(2026, 1, 30), 1, d(2026, 2, 28), "Jan 30 + 1 month: no Feb 30"},
        {d(2026, 1, 29), 1, d(2026, 2, 28), "Jan 29 + 1 month in a common year: no Feb 29"},
        {d(2028, 1, 29), 1, d(2028, 2, 28), "Jan 29 + 1 month in a leap year: Feb 29 exists"},
        {d(2026, 3, 31), 6, d(2026, 9, 30), "Mar 31 + 6 months: no Sep 31"},
        {d(2026, 3, 30), 6, d(2026, 9, 29), "Mar 30 + 6 months: Sep 30 exists"},
        {d(2026, 1, 1), 12, d(2026, 12, 31), "a calendar year"},
        {d(2026, 12, 31), 2, d(2027, 2, 28), "across the year end into February"},
        {d(2026, 11, 30), 3, d(2027, 2, 28), "Nov 30 + 3 months"},
        {d(2026, 5, 31), 1, d(2026, 6, 30), "May 31 + 1 month: no Jun 31"},
        {d(2026, 2, 28), 1, d(2026, 3, 27), "Feb 28 + 1 month: Mar 28 exists"},
        {d(2026, 1, 5), 60, d(2031, 1, 4), "買得典 basic: 60 months"},
        {d(2026, 1, 5), 2, d(2026, 3, 4), "買得典 import plan: 2-month 免責"},
        {d(2025, 12, 31), 2, d(2026, 2, 28), "Dec 31 + 2 months"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(period_last_day(c.start, c.months), c.last_day) << c.why;
    }
}

TEST(JapanDate, MidnightInJapanGivenInUtc) {
    // 23:59 Japan time is 14:59 UTC the same day; 00:00 Japan time is 15:00 UTC the day before.
    EXPECT_EQ(japan_date(utc("2026-02-04T14:59:59Z")), d(2026, 2, 4));
    EXPECT_EQ(japan_date(utc("2026-02-04T15:00:00Z")), d(2026, 2, 5));
    EXPECT_EQ(japan_date(utc("2026-02-04T15:30:00Z")), d(2026, 2, 5)) << "15:30 UTC = 00:30 JST";
    EXPECT_EQ(japan_date(utc("2026-02-04T23:59:00+09:00")), d(2026, 2, 4));
    EXPECT_EQ(japan_date(utc("2026-02-05T00:00:00+09:00")), d(2026, 2, 5));
    EXPECT_EQ(japan_date(utc("2026-12-31T15:00:00Z")), d(2027, 1, 1)) << "new year in Japan first";
    EXPECT_EQ(japan_date(utc("2026-02-04T10:00:00-05:00")), d(2026, 2, 5)) << "15:00 UTC";
}

TEST(JapanDate, StartOfDay) {
    EXPECT_EQ(japan_start_of_day(d(2026, 2, 5)), utc("2026-02-04T15:00:00Z"));
    EXPECT_EQ(japan_date(japan_start_of_day(d(2026, 2, 5))), d(2026, 2, 5));
    EXPECT_EQ(japan_date(japan_start_of_day(d(2026, 2, 5)) - seconds{1}), d(2026, 2, 4));
}

TEST(Rfc3339, AcceptsOffsetsAndFractions) {
    EXPECT_EQ(utc("2026-02-05T10:30:00+09:00"), utc("2026-02-05T01:30:00Z"));
    EXPECT_EQ(utc("2026-02-05T01:30:00.123456Z"), utc("2026-02-05T01:30:00Z"));
    EXPECT_EQ(utc("2026-02-05t01:30:00z"), utc("2026-02-05T01:30:00Z"));
    EXPECT_EQ(utc("2026-02-05T01:30:00-00:30"), utc("2026-02-05T02:00:00Z"));
}

TEST(Rfc3339, RejectsMalformed) {
    for (const char* bad :
         {"", "2026-02-05", "2026-02-05T10:30:00", "2026-02-05T10:30+09:00", "2026-02-30T10:00:00Z",
          "2026-13-01T10:00:00Z", "2026-02-05T24:00:00Z", "2026-02-05T10:60:00Z",
          "2026-02-05T10:30:00+9:00", "2026-02-05T10:30:00+09:00 ", "2026-02-05T10:30:00.Z",
          "２０２６-02-05T10:30:00Z", "1899-12-31T00:00:00Z", "2026-02-05T10:30:00+24:00"}) {
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
    }
}

TEST(Rfc3339, FormatsInJapanTime) {
    EXPECT_EQ(format_japan_time(utc("2026-02-05T01:30:00Z")), "2026-02-05T10:30:00+09:00");
    EXPECT_EQ(format_japan_time(utc("2026-02-04T15:00:00Z")), "2026-02-05T00:00:00+09:00");
}

TEST(DateText, ParseAndFormat) {
    EXPECT_EQ(parse_date("2026-02-28"), d(2026, 2, 28));
    EXPECT_EQ(parse_date("2028-02-29"), d(2028, 2, 29));
    for (const char* bad : {"2026-02-29", "2026-2-28", "2026/02/28", "20260228", "2026-02-28T00",
                            "abcd-ef-gh", "2026-00-10", "2026-01-00", ""}) {
        EXPECT_FALSE(parse_date(bad).has_value()) << bad;
    }
    EXPECT_EQ(format_date(d(2026, 3, 1)), "2026-03-01");
    EXPECT_EQ(add_days(d(2026, 2, 28), 1), d(2026, 3, 1));
    EXPECT_EQ(days_between(d(2026, 1, 1), d(2026, 3, 31)), 89);
}

}  // namespace
}  // namespace roadside::core
