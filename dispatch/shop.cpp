#include "dispatch/shop.hpp"

#include <cassert>
#include <cstdio>

namespace roadside::dispatch {

namespace {

constexpr int kMinutesPerDay = 24 * 60;

bool two_digits(std::string_view s, int& out) {
    if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
    out = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

}  // namespace

std::optional<int> parse_hhmm(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    int h = 0;
    int m = 0;
    if (!two_digits(text.substr(0, 2), h) || !two_digits(text.substr(3, 2), m)) {
        return std::nullopt;
    }
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

std::string format_hhmm(int minutes) {
    assert(minutes >= 0 && minutes <= kMinutesPerDay);
    char buf[16];  // room for any int, so the compiler can see nothing is cut
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

std::optional<DayHours> make_day_hours(std::string_view open, std::string_view close) {
    const auto o = parse_hhmm(open);
    const auto c = parse_hhmm(close);
    if (!o || !c || *o >= *c) return std::nullopt;
    return DayHours{*o, *c};
}

bool open_at(const OpeningHours& hours, core::Instant t) {
    if (hours.always) return true;
    const std::chrono::sys_days day{core::japan_date(t)};
    // ISO weekday: Monday 1 … Sunday 7.
    const unsigned iso = std::chrono::weekday{day}.iso_encoding();
    const auto& today = hours.days[iso - 1];
    if (!today) return false;
    const auto since_midnight = t - core::japan_start_of_day(core::japan_date(t));
    const auto minute =
        static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
    return today->open_min <= minute && minute < today->close_min;
}

bool takes_cars_at(const Shop& shop, core::Instant t) {
    return shop.night_intake || open_at(shop.hours, t);
}

}  // namespace roadside::dispatch
