#include "core/calendar.hpp"

#include <cassert>
#include <cstdio>

namespace roadside::core {

using namespace std::chrono;

Date japan_date(Instant t) {
    return Date{floor<days>(t + kJapanUtcOffset)};
}

Instant japan_start_of_day(Date d) {
    return Instant{sys_days{d}} - kJapanUtcOffset;
}

Date add_days(Date d, int n) {
    return Date{sys_days{d} + days{n}};
}

int days_between(Date from, Date to) {
    return static_cast<int>((sys_days{to} - sys_days{from}).count());
}

Date period_last_day(Date start, int months) {
    assert(start.ok() && months >= 1);
    const year_month target = year_month{start.year(), start.month()} + std::chrono::months{months};
    const Date corresponding{target.year(), target.month(), start.day()};
    if (corresponding.ok()) return add_days(corresponding, -1);
    return Date{target.year() / target.month() / last};
}

namespace {

// Reads exactly `width` ASCII digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > s.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

std::optional<Date> parse_date_prefix(std::string_view s) {
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!read_digits(s, 0, 4, y) || !read_digits(s, 5, 2, m) || !read_digits(s, 8, 2, d)) {
        return std::nullopt;
    }
    if (y < 1900) return std::nullopt;
    const Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return parse_date_prefix(text);
}

std::string format_date(Date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

std::optional<Instant> parse_rfc3339(std::string_view s) {
    const auto date = parse_date_prefix(s);
    if (!date || s.size() < 20) return std::nullopt;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    if (!read_digits(s, 11, 2, hh) || s[13] != ':' || !read_digits(s, 14, 2, mm) || s[16] != ':' ||
        !read_digits(s, 17, 2, ss)) {
        return std::nullopt;
    }
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t digits_start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == digits_start || pos - digits_start > 9) return std::nullopt;
    }
    if (pos >= s.size()) return std::nullopt;  // the offset is mandatory
    seconds offset{0};
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = 0, om = 0;
        if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_digits(s, pos + 4, 2, om)) {
            return std::nullopt;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        offset = hours{oh} + minutes{om};
        if (s[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const Instant local = Instant{sys_days{*date}} + hours{hh} + minutes{mm} + seconds{ss};
    return local - offset;
}

std::string format_japan_time(Instant t) {
    const Instant local = t + kJapanUtcOffset;
    const sys_days day = floor<days>(local);
    const Date d{day};
    const hh_mm_ss<seconds> tod{local - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+09:00",
                  static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()), static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
    return buf;
}

std::string format_japan_time_ms(std::int64_t epoch_ms) {
    const std::int64_t ms = ((epoch_ms % 1000) + 1000) % 1000;
    const Instant whole{seconds{(epoch_ms - ms) / 1000}};
    std::string text = format_japan_time(whole);  // ...ss+09:00
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
    text.insert(text.size() - 6, frac);
    return text;
}

Instant now_seconds() {
    return floor<seconds>(system_clock::now());
}

}  // namespace roadside::core
