#pragma once
// Designated repair shops (保証会社指定の工場). The free tow of ロードサービス規定 第1条2(1) takes
// the car to a shop the warranty company designates (brochure:
// 「故障時、ロードサービスで保証会社指定の 工場まで無料搬送致します」), or to temporary storage
// when no designated shop can take it (第2条2(11)); a tow anywhere else is paid (spec/rules.md
// §4.2). Pure: no I/O, no clock.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"

namespace roadside::dispatch {

// One day's opening, in minutes after 00:00 Japan time: open ≤ t < close, 0 ≤ open < close ≤ 1440.
// Hours that run past midnight are written as two days (…–24:00, 00:00–…).
struct DayHours {
    int open_min = 0;
    int close_min = 0;
};

// A shop's week. `always` means open around the clock; otherwise each day (Monday first) has its
// hours or none (closed). Public holidays are not modelled: a shop closed on one says so on the
// phone.
struct OpeningHours {
    bool always = false;
    std::array<std::optional<DayHours>, 7> days;
};

// The JSON keys of the days, Monday first (ISO weekday order).
inline constexpr std::array<std::string_view, 7> kWeekdayKeys = {"mon", "tue", "wed", "thu",
                                                                 "fri", "sat", "sun"};

// "HH:MM" with 00 ≤ HH ≤ 24, 00 ≤ MM ≤ 59 and nothing past 24:00 → minutes; else nullopt.
std::optional<int> parse_hhmm(std::string_view text);
// 540 → "09:00"; 1440 → "24:00". Precondition: 0 ≤ minutes ≤ 1440.
std::string format_hhmm(int minutes);
// A day's hours from its two texts; nullopt unless both parse and open < close.
std::optional<DayHours> make_day_hours(std::string_view open, std::string_view close);

// Whether the shop is open at `t`, read on the Japan-time clock (0 = Monday).
bool open_at(const OpeningHours& hours, core::Instant t);

struct Shop {
    std::string id;
    std::string name;
    std::string address;
    geo::LatLon position;
    bool night_intake = false;  // takes cars outside its hours (a yard, a key box)
    OpeningHours hours;
};

// Whether the shop can take a towed car at `t`: open, or it takes cars at night. When no shop
// nearby can, the car goes to temporary storage, which is free for 24 h after a free tow.
bool takes_cars_at(const Shop& shop, core::Instant t);

}  // namespace roadside::dispatch
