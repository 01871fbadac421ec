#include "simulator/day_svg.hpp"

#include "simulator/xml.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <iterator>
#include <map>
#include <numeric>
#include <type_traits>
#include <variant>
#include <vector>

namespace roadside::sim {

namespace {

// Page layout, in SVG user units (pixels at 100 %).
constexpr int kWidth = 1240;
constexpr int kHeight = 960;

struct Box {
    double x, y, w, h;  // the plotting area, axes excluded
};
constexpr Box kHourly{80, 140, 540, 300};
constexpr Box kArrival{80, 580, 540, 290};
constexpr Box kMap{800, 140, 400, 620};

// Arrival histogram: 5-minute bins up to 3 hours, then one bin for everything later.
constexpr int kBinMinutes = 5;
constexpr int kBins = 36;

const char* cause_colour(Cause c) {
    switch (c) {
        case Cause::battery:
            return "#e9c46a";
        case Cause::flat_tire:
            return "#f4a261";
        case Cause::lockout:
            return "#2a9d8f";
        case Cause::wheel_drop:
            return "#8ab17d";
        case Cause::fuel:
            return "#e76f51";
        case Cause::breakdown:
            return "#264653";
        case Cause::accident:
            return "#9b2226";
    }
    return "#888888";
}

const char* outcome_colour(CallOutcome o) {
    switch (o) {
        case CallOutcome::served:
            return "#2a9d8f";
        case CallOutcome::cancelled:
            return "#8d99ae";
        case CallOutcome::unassigned:
            return "#d62828";
        case CallOutcome::declined:
            return "#e9a23b";
    }
    return "#000000";
}

std::string label_of(CallOutcome o) {
    switch (o) {
        case CallOutcome::served:
            return "served";
        case CallOutcome::cancelled:
            return "cancelled by the customer";
        case CallOutcome::unassigned:
            return "no partner found";
        case CallOutcome::declined:
            return "not covered, declined the fee";
    }
    return "";
}

class Svg {
  public:
    // printf-style append; every caller passes literals it controls, and xml_escape() for text.
    [[gnu::format(printf, 2, 3)]] void add(const char* format, ...) {
        char buf[1024];
        va_list ap;
        va_start(ap, format);
        const int n = std::vsnprintf(buf, sizeof buf, format, ap);
        va_end(ap);
        if (n > 0)
            out_.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
    }
    void raw(const std::string& s) { out_ += s; }
    void text(double x, double y, const char* anchor, const char* style, const std::string& s) {
        add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>", x, y, anchor, style);
        raw(xml_escape(s));
        raw("</text>\n");
    }
    std::string take() { return std::move(out_); }


  private:
    std::string out_;
};

constexpr const char* kTitleStyle = "font-size=\"15\" font-weight=\"bold\" fill=\"#222\"";
constexpr const char* kAxisStyle = "font-size=\"12\" fill=\"#444\"";
constexpr const char* kTickStyle = "font-size=\"11\" fill=\"#666\"";

// A round step for about `ticks` gridlines up to `max`.
double nice_step(double max, int ticks) {
    const double raw = std::max(max, 1.0) / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (raw <= m * magnitude) return m * magnitude;
    }
    return 10 * magnitude;
}

std::string grouped(std::int64_t v) {
    std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// Horizontal gridlines with labels on the left, for values 0..top.
void y_grid(Svg& svg, const Box& b, double top, double step) {
    for (double v = 0; v <= top + 1e-9; v += step) {
        const double y = b.y + b.h - v / top * b.h;
        svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n", b.x,
                y, b.x + b.w, y);
        svg.text(b.x - 6, y + 4, "end", kTickStyle, grouped(std::llround(v)));
    }
    svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", b.x,
            b.y + b.h, b.x + b.w, b.y + b.h);
    svg.add("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", b.x, b.y,
            b.x, b.y + b.h);
}

void y_label(Svg& svg, const Box& b, const std::string& label) {
    svg.add(
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" %s transform=\"rotate(-90 %.1f "
        "%.1f)\">",
        b.x - 48, b.y + b.h / 2, kAxisStyle, b.x - 48, b.y + b.h / 2);
    svg.raw(xml_escape(label));
    svg.raw("</text>\n");
}

// --- calls per hour ----------------------------------------------------------------------------

// Calls per hour of the day (Japan time) and cause.
struct HourlyCounts {
    std::array<std::array<int, std::size(kAllCauses)>, 24> counts{};
    int total = 0;
};

HourlyCounts count_by_hour(const DayLog& log, core::Instant day_start) {
    HourlyCounts h;
    for (const LogEntry& e : log.entries) {
        if (const auto* c = std::get_if<CallReceived>(&e.what)) {
            const auto hour = std::clamp<std::int64_t>((e.at - day_start).count() / 3600, 0, 23);
            ++h.counts[static_cast<std::size_t>(hour)][static_cast<std::size_t>(c->cause)];
            ++h.total;
        }
    }
    return h;
}

// A stacked bar per hour, causes stacked in the order of kAllCauses, and the hour axis.
void hourly_bars(Svg& svg, const Box& b, const HourlyCounts& h, double top) {
    const double slot = b.w / 24.0;
    const double bar = slot * 0.78;
    for (int hour = 0; hour < 24; ++hour) {
        double y = b.y + b.h;
        const double x = b.x + hour * slot + (slot - bar) / 2;
        for (const Cause c : kAllCauses) {
            const int n = h.counts[static_cast<std::size_t>(hour)][static_cast<std::size_t>(c)];
            if (n == 0) continue;
            const double height = n / top * b.h;
            y -= height;
            svg.add(
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                "<title>%02d:00 %s: %d</title></rect>\n",
                x, y, bar, height, cause_colour(c), hour, std::string(problem_code(c)).c_str(), n);
        }
        if (hour % 3 == 0) {
            char hh[8];
            std::snprintf(hh, sizeof hh, "%02d:00", hour);
            svg.text(b.x + hour * slot, b.y + b.h + 16, "middle", kTickStyle, hh);
        }
    }
    svg.text(b.x + b.w, b.y + b.h + 16, "middle", kTickStyle, "24:00");
    svg.text(b.x + b.w / 2, b.y + b.h + 36, "middle", kAxisStyle,
             "hour of the day, Japan time (JST, UTC+9)");
}

// The workload's daily curve, as calls per hour for `total` calls.
std::array<double, 24> expected_per_hour(int total) {
    const auto& profile = hourly_call_profile();
    const double profile_sum = std::accumulate(profile.begin(), profile.end(), 0.0);
    std::array<double, 24> out{};
    for (std::size_t h = 0; h < out.size(); ++h) out[h] = profile[h] / profile_sum * total;
    return out;
}

// The expected curve: a dashed step line through the middle of each hour.
void expected_curve(Svg& svg, const Box& b, const std::array<double, 24>& expected, double top) {
    const double slot = b.w / 24.0;
    std::string points;
    for (int h = 0; h < 24; ++h) {
        const double v = expected[static_cast<std::size_t>(h)];
        char pt[48];
        std::snprintf(pt, sizeof pt, "%.1f,%.1f ", b.x + (h + 0.5) * slot,
                      b.y + b.h - v / top * b.h);
        points += pt;
    }
    svg.raw(
        "<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 4\" points=\"" +
        points + "\"/>\n");
}

// The causes and their shares to the right of the plot, top to bottom as the bars stack from
// the top, and the expected curve's dash.
void cause_legend(Svg& svg, const Box& b, const HourlyCounts& h) {
    double ly = b.y + 4;
    const double lx = b.x + b.w + 16;
    svg.text(lx, ly + 10, "start", kAxisStyle, "cause (share)");
    ly += 20;
    for (auto it = std::rbegin(kAllCauses); it != std::rend(kAllCauses); ++it) {
        const Cause c = *it;
        int n = 0;
        for (const auto& hour : h.counts) n += hour[static_cast<std::size_t>(c)];
        svg.add("<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" fill=\"%s\"/>\n", lx, ly,
                cause_colour(c));
        std::string label(problem_code(c));
        label += " ";
        label += fixed1(h.total > 0 ? 100.0 * n / h.total : 0.0);
        label += " %";
        svg.text(lx + 16, ly + 10, "start", kTickStyle, label);
        ly += 16;
    }
    ly += 6;
    svg.add(
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
        "stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n",
        lx, ly + 6, lx + 11, ly + 6);
    svg.text(lx + 16, ly + 10, "start", kTickStyle, "expected");
}

void hourly_panel(Svg& svg, const DayLog& log, core::Instant day_start) {
    const HourlyCounts h = count_by_hour(log, day_start);
    int peak = 0;
    for (const auto& hour : h.counts)
        peak = std::max(peak, std::accumulate(hour.begin(), hour.end(), 0));
    const std::array<double, 24> expected = expected_per_hour(h.total);
    double expected_peak = 0;
    for (const double v : expected) expected_peak = std::max(expected_peak, v);

    const double step = nice_step(std::max<double>(peak, expected_peak), 5);
    const double top =
        std::ceil(std::max({static_cast<double>(peak), expected_peak, 1.0}) / step) * step;
    const Box& b = kHourly;
    svg.text(b.x, b.y - 30, "start", kTitleStyle, "Calls per hour, by cause");
    y_grid(svg, b, top, step);
    y_label(svg, b, "calls per hour");
    hourly_bars(svg, b, h, top);
    expected_curve(svg, b, expected, top);
    cause_legend(svg, b, h);
}

// --- time to arrival ---------------------------------------------------------------------------

void arrival_panel(Svg& svg, const DayReport& report) {
    std::array<int, kBins + 1> bins{};
    for (const double m : report.arrival_minutes) {
        const int i = std::min(kBins, static_cast<int>(std::max(0.0, m) / kBinMinutes));
        ++bins[static_cast<std::size_t>(i)];
    }
    const int peak = *std::max_element(bins.begin(), bins.end());
    const double step = nice_step(peak, 5);
    const double top = std::ceil(std::max(peak, 1) / step) * step;
    const Box& b = kArrival;
    svg.text(b.x, b.y - 30, "start", kTitleStyle, "Time from call to partner on scene");
    y_grid(svg, b, top, step);
    y_label(svg, b, "calls");

    const double slot = b.w / (kBins + 1);
    for (int i = 0; i <= kBins; ++i) {
        const int n = bins[static_cast<std::size_t>(i)];
        const double height = n / top * b.h;
        const bool overflow = i == kBins;
        svg.add(
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
            "<title>%d%s min: %d calls</title></rect>\n",
            b.x + i * slot + 1, b.y + b.h - height, slot - 2, height,
            overflow ? "#9b2226" : "#457b9d", i * kBinMinutes, overflow ? "+" : "", n);
        if (i % 6 == 0 && !overflow) {
            svg.text(b.x + i * slot, b.y + b.h + 16, "middle", kTickStyle,
                     std::to_string(i * kBinMinutes));
        }
    }
    svg.text(b.x + kBins * slot + slot / 2, b.y + b.h + 16, "middle", kTickStyle,
             std::to_string(kBins * kBinMinutes) + "+");
    svg.text(b.x + b.w / 2, b.y + b.h + 36, "middle", kAxisStyle,
             "minutes from the call to the partner on scene (first job of each call)");

    // Mean and p90 as vertical markers, named in a legend to the right of the plot.
    const double lx = b.x + b.w + 16;
    svg.text(lx, b.y + 14, "start", kAxisStyle, "marked");
    const auto marker = [&](double minutes, const char* colour, const char* dash,
                            const std::string& label, double legend_y) {
        const double x = b.x + std::min(minutes, double{kBins * kBinMinutes}) / kBinMinutes * slot;
        svg.add(
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2\" stroke-dasharray=\"%s\"/>\n",
            x, b.y, x, b.y + b.h, colour, dash);
        svg.add(
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2\" stroke-dasharray=\"%s\"/>\n",
            lx, legend_y - 4, lx + 14, legend_y - 4, colour, dash);
        svg.text(lx + 20, legend_y, "start", "font-size=\"12\" font-weight=\"bold\" fill=\"#222\"",
                 label);
    };
    const Summary& s = report.to_arrival_min;
    marker(s.mean, "#1d3557", "none", "mean " + fixed1(s.mean) + " min", b.y + 36);
    marker(s.p90, "#e63946", "6 3", "p90 " + fixed1(s.p90) + " min", b.y + 56);
    svg.text(lx, b.y + 86, "start", kTickStyle,
             grouped(static_cast<std::int64_t>(s.count)) + " calls");
    svg.text(lx, b.y + 102, "start", kTickStyle, "p50 " + fixed1(s.p50) + " min");
    svg.text(lx, b.y + 118, "start", kTickStyle, "max " + fixed1(s.max) + " min");
}

// --- map ---------------------------------------------------------------------------------------

// Japan from Okinawa to Hokkaido, equirectangular with longitudes shrunk by cos(36°) so that
// shapes look right in the middle of the country.
constexpr double kLonMin = 127.0, kLonMax = 146.2, kLatMin = 26.0, kLatMax = 45.8;

// Where a point falls in the map's box; a point beyond the frame (a ferry, the far north) is
// pinned to its edge.
class MapProjection {
  public:
    std::pair<double, double> operator()(geo::LatLon p) const {
        const Box& b = kMap;
        return {std::clamp(b.x + (p.lon_deg - kLonMin) * shrink_ * scale_, b.x, b.x + b.w),
                std::clamp(b.y + (kLatMax - p.lat_deg) * scale_, b.y, b.y + b.h)};
    }

  private:
    double shrink_ = std::cos(36.0 * 3.14159265358979 / 180.0);
    double scale_ =
        std::min(kMap.w / ((kLonMax - kLonMin) * shrink_), kMap.h / (kLatMax - kLatMin));
};

// Every call as a dot coloured by its outcome; how many calls had each outcome, and how many
// had none.
struct DotCounts {
    std::map<CallOutcome, int> by_outcome;
    int lost = 0;
};

DotCounts call_dots(Svg& svg, const DayLog& log, const MapProjection& px) {
    std::map<Id, geo::LatLon> where;
    std::map<Id, CallOutcome> outcome;
    for (const LogEntry& e : log.entries) {
        if (const auto* c = std::get_if<CallReceived>(&e.what)) where[c->call] = c->location;
        if (const auto* c = std::get_if<CallClosed>(&e.what)) outcome[c->call] = c->outcome;
    }
    // Served calls first, so that the rarer outcomes are drawn on top and stay visible; the
    // calls nobody served are the largest dots.
    DotCounts counts;
    for (const CallOutcome o : {CallOutcome::served, CallOutcome::declined, CallOutcome::cancelled,
                                CallOutcome::unassigned}) {
        const bool alarm = o == CallOutcome::unassigned;
        svg.add("<g fill=\"%s\" fill-opacity=\"%s\"%s>\n", outcome_colour(o), alarm ? "1" : "0.55",
                alarm ? " stroke=\"#000\" stroke-width=\"0.6\"" : "");
        for (const auto& [id, p] : where) {
            const auto it = outcome.find(id);
            if (it == outcome.end() || it->second != o) continue;
            ++counts.by_outcome[o];
            const auto [x, y] = px(p);
            svg.add("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"/>\n", x, y, alarm ? "3.5" : "1.5");
        }
        svg.raw("</g>\n");
    }
    // Calls that never got an outcome (an engine bug the auditor reports) in black.
    svg.raw("<g fill=\"#000\">\n");
    for (const auto& [id, p] : where) {
        if (outcome.contains(id)) continue;
        ++counts.lost;
        const auto [x, y] = px(p);
        svg.add("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n", x, y);
    }
    svg.raw("</g>\n");
    return counts;
}

// A latitude scale on the left edge: 30°, 35°, 40°, 45° N.
void latitude_scale(Svg& svg, const MapProjection& px) {
    const Box& b = kMap;
    for (int lat = 30; lat <= 45; lat += 5) {
        const auto [x, y] = px({static_cast<double>(lat), kLonMin});
        svg.add(
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b8c4d0\" "
            "stroke-dasharray=\"2 4\"/>\n",
            x, y, b.x + b.w, y);
        svg.text(x + 4, y - 3, "start", kTickStyle, std::to_string(lat) + "°N");
    }
}

// The outcomes and their counts under the map.
void outcome_legend(Svg& svg, const DotCounts& counts) {
    const Box& b = kMap;
    double ly = b.y + b.h + 22;
    for (const CallOutcome o : kAllCallOutcomes) {
        svg.add("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", b.x + 6, ly - 4,
                outcome_colour(o));
        const auto n = counts.by_outcome.find(o);
        svg.text(b.x + 18, ly, "start", kAxisStyle,
                 label_of(o) + ": " + grouped(n == counts.by_outcome.end() ? 0 : n->second));
        ly += 18;
    }
    if (counts.lost > 0) {
        svg.add("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#000\"/>\n", b.x + 6, ly - 4);
        svg.text(b.x + 18, ly, "start", kAxisStyle,
                 "no outcome (audit violation): " + grouped(counts.lost));
    }
}

void map_panel(Svg& svg, const DayLog& log) {
    const Box& b = kMap;
    svg.text(b.x, b.y - 30, "start", kTitleStyle, "Where the calls came from");
    svg.add(
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eef4f8\" "
        "stroke=\"#ccd\"/>\n",
        b.x, b.y, b.w, b.h);
    const MapProjection px;
    const DotCounts counts = call_dots(svg, log, px);
    latitude_scale(svg, px);
    outcome_legend(svg, counts);
}

}  // namespace

std::string day_svg(const DayOptions& options, const DayLog& log, const DayReport& report,
                    const AuditReport& audit) {
    Svg svg;
    svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.add(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\">\n",
        kWidth, kHeight, kWidth, kHeight);
    svg.add("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", kWidth, kHeight);

    std::string title = "A day of road service across Japan: ";
    title += core::format_date(options.date);
    title += " (JST), seed ";
    title += std::to_string(options.seed);
    svg.text(40, 38, "start", "font-size=\"22\" font-weight=\"bold\" fill=\"#111\"", title);

    std::size_t unassigned = 0;
    for (const auto& [reason, n] : report.unassigned_final) unassigned += n;
    std::string sub = grouped(static_cast<std::int64_t>(report.calls));
    sub += " calls, ";
    sub += grouped(static_cast<std::int64_t>(report.tows));
    sub += " tows, partner on scene in ";
    sub += fixed1(report.to_arrival_min.mean);
    sub += " min on average (p90 ";
    sub += fixed1(report.to_arrival_min.p90);
    sub += "), ";
    sub += grouped(static_cast<std::int64_t>(unassigned));
    sub += " jobs without a partner";
    svg.text(40, 62, "start", "font-size=\"13\" fill=\"#444\"", sub);
    sub = "Warranty ";
    sub += grouped(report.warranty_yen);
    sub += " yen, customers ";
    sub += grouped(report.customer_yen);
    sub += " yen; audit: ";
    sub += grouped(static_cast<std::int64_t>(audit.checks()));
    sub += " checks, ";
    sub += grouped(static_cast<std::int64_t>(audit.violations.size()));
    sub += audit.violations.size() == 1 ? " violation" : " violations";
    svg.text(40, 80, "start", "font-size=\"13\" fill=\"#444\"", sub);

    const core::Instant day_start = core::japan_start_of_day(log.date);
    hourly_panel(svg, log, day_start);
    arrival_panel(svg, report);
    map_panel(svg, log);
    svg.raw("</svg>\n");
    return svg.take();
}

}  // namespace roadside::sim
