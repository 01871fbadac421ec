#pragma once
// Calendar rules of the terms, in Japan time.
//
// Every date in the terms is a calendar day in Japan (Asia/Tokyo). Japan has had a fixed offset of
// UTC+9 with no daylight saving time since 1951, so a constant offset is exact for every date this
// system handles; no time-zone database is needed.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roadside::core {

using Date = std::chrono::year_month_day;
using Instant = std::chrono::sys_seconds;  // a point in time, UTC-based

inline constexpr std::chrono::seconds kJapanUtcOffset = std::chrono::hours{9};

// The Japan-time calendar day that contains `t`. A call at 15:30 UTC is already the next day.
Date japan_date(Instant t);

// 00:00 Japan time at the start of `d`, as an instant.
Instant japan_start_of_day(Date d);

Date add_days(Date d, int days);
int days_between(Date from, Date to);  // to - from, in days

// The last day of a period of `months` months that starts on (and counts) `start`.
// Civil Code art. 143: the period ends on the day before the day of the last month that corresponds
// to the start day; where that month has no such day, it ends on the last day of that month.
//   2026-01-05 + 12 months -> 2027-01-04;  2026-01-31 + 1 month -> 2026-02-28;
//   2026-03-31 + 6 months  -> 2026-09-30.
// Precondition: start.ok(), months >= 1.
Date period_last_day(Date start, int months);

// Strict "YYYY-MM-DD" (years 1900..9999, a day that exists).
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date d);

// RFC 3339 date-time with an explicit offset ("Z" or "+hh:mm"); fractional seconds are accepted and
// truncated to whole seconds.
std::optional<Instant> parse_rfc3339(std::string_view text);
// "YYYY-MM-DDThh:mm:ss+09:00".
std::string format_japan_time(Instant t);
// "YYYY-MM-DDThh:mm:ss.mmm+09:00" from milliseconds since the epoch (deadlines a countdown shows).
std::string format_japan_time_ms(std::int64_t epoch_ms);

Instant now_seconds();  // the only clock read; pure modules never call it

}  // namespace roadside::core
