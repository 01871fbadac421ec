// Partner statements (billing/statement.hpp): the Japan-time month, totals in integer yen, CSV.
#include "billing/statement.hpp"

#include <gtest/gtest.h>

namespace roadside::billing {
namespace {

using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month;

core::Instant at(const char* rfc3339) { return *core::parse_rfc3339(rfc3339); }

TEST(StatementMonth, ParsesOnlyYyyyMm) {
    EXPECT_EQ(parse_month("2026-01"), (year_month{year{2026}, month{1}}));
    EXPECT_EQ(parse_month("2026-12"), (year_month{year{2026}, month{12}}));
    for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-01", "2026/01", "2026-01-01",
                            "", "abcd-ef", "1899-12", "２０２６-01"}) {
        EXPECT_FALSE(parse_month(bad)) << bad;
    }
    EXPECT_EQ(format_month(year_month{year{2026}, month{3}}), "2026-03");
}

TEST(StatementMonth, BoundsAreMidnightJapanTime) {
    // A job completed at 2026-01-31T23:59:59+09:00 belongs to January; at 2026-02-01T00:00 JST
    // (= 2026-01-31T15:00Z, still January in UTC) to February.
    const auto [from, to] = month_bounds(year_month{year{2026}, month{1}});
    EXPECT_EQ(from, at("2025-12-31T15:00:00Z"));
    EXPECT_EQ(to, at("2026-01-31T15:00:00Z"));
    EXPECT_LT(at("2026-01-31T23:59:59+09:00"), to);
    EXPECT_GE(at("2026-02-01T00:00:00+09:00"), to);
    // December rolls into the next year; February of a leap year has 29 days.
    EXPECT_EQ(month_bounds(year_month{year{2026}, month{12}}).second,
              at("2027-01-01T00:00:00+09:00"));
    EXPECT_EQ(month_bounds(year_month{year{2028}, month{2}}).second,
              at("2028-03-01T00:00:00+09:00"));
}

TEST(Statement, TotalsAddUpInOrderOfCompletion) {
    std::vector<StatementJob> jobs = {
        {"j2", "i2", "tow", "towed_to_shop", at("2026-01-20T10:00:00+09:00"), 62'400, 51'500, 9'490},
        {"j1", "i1", "jump_start", "fixed_on_site", at("2026-01-02T08:00:00+09:00"), std::nullopt,
         8'000, 0},
    };
    const Statement s = make_statement("p", "Partner", year_month{year{2026}, month{1}}, jobs);
    ASSERT_EQ(s.jobs.size(), 2u);
    EXPECT_EQ(s.jobs[0].job_id, "j1");
    EXPECT_EQ(s.warranty_total_yen, 59'500);
    EXPECT_EQ(s.customer_total_yen, 9'490);
    EXPECT_EQ(s.total_yen, 68'990);
    const Statement empty = make_statement("p", "Partner", year_month{year{2026}, month{2}}, {});
    EXPECT_EQ(empty.total_yen, 0);
}

TEST(Statement, CsvQuotesWhatNeedsQuotingAndEndsLinesWithCrLf) {
    std::vector<StatementJob> jobs = {
        {"j1", "i1", "tow", "towed_to_shop", at("2026-01-20T01:00:00Z"), 62'400, 51'500, 9'490}};
    const Statement s =
        make_statement("p", "Tow \"Fast\", Ltd.", year_month{year{2026}, month{1}}, jobs);
    const std::string csv = statement_csv(s);
    EXPECT_EQ(csv,
              "month,partner_id,partner_name,job_id,incident_id,service,outcome,completed_at,"
              "tow_km,warranty_yen,customer_yen\r\n"
              "2026-01,p,\"Tow \"\"Fast\"\", Ltd.\",j1,i1,tow,towed_to_shop,"
              "2026-01-20T10:00:00+09:00,62.400,51500,9490\r\n"
              "2026-01,p,\"Tow \"\"Fast\"\", Ltd.\",total,1,,,,,51500,9490\r\n");
}

}  // namespace
}  // namespace roadside::billing
