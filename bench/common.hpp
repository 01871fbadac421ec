#pragma once
// What the benchmark programs share: reading numeric options, and the Japan-like population of
// partners and breakdown points that bench-select and bench-postgis both measure (the same seed
// gives the same partners, draw for draw, in both).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "geo/partner_index.hpp"

namespace roadside::bench {

using Rng = std::mt19937_64;

// Mirrors dispatch::Capability; the selection benchmarks link geo only.
inline constexpr unsigned kOnSite = 1u;
inline constexpr unsigned kWrecker = 2u;
inline constexpr unsigned kCarrier = 4u;

// The whole of `text` as a number of type T.
template <typename T>
bool parse_number(std::string_view text, T& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

inline double wrap_lon(double lon_deg) {
    while (lon_deg > 180.0) lon_deg -= 360.0;
    while (lon_deg < -180.0) lon_deg += 360.0;
    return lon_deg;
}

inline geo::LatLon around(Rng& rng, geo::LatLon centre, double sigma_deg) {
    std::normal_distribution<double> jitter(0.0, sigma_deg);
    return {std::clamp(centre.lat_deg + jitter(rng), -90.0, 90.0),
            wrap_lon(centre.lon_deg + jitter(rng))};
}

// Where partners are and where cars break down: mostly around the big metropolitan areas
// (weights roughly by population), the rest spread over Japan's bounding box.
inline geo::LatLon japan_point(Rng& rng) {
    struct Cluster {
        double cumulative;
        geo::LatLon centre;
        double sigma_deg;
    };
    static constexpr Cluster clusters[] = {
        {0.30, {35.68, 139.77}, 0.35},  // Tokyo
        {0.45, {34.69, 135.50}, 0.30},  // Osaka
        {0.53, {35.18, 136.91}, 0.25},  // Nagoya
        {0.57, {43.06, 141.35}, 0.20},  // Sapporo
        {0.62, {33.59, 130.40}, 0.20},  // Fukuoka
    };
    const double pick = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    for (const auto& c : clusters) {
        if (pick < c.cumulative) return around(rng, c.centre, c.sigma_deg);
    }
    return {std::uniform_real_distribution<double>(24.0, 46.0)(rng),
            std::uniform_real_distribution<double>(123.0, 146.0)(rng)};
}

inline std::vector<geo::IndexedPartner> make_partners(Rng& rng, std::size_t n) {
    std::bernoulli_distribution on_site(0.8), wrecker(0.35), carrier(0.3), available(0.85);
    std::vector<geo::IndexedPartner> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        geo::IndexedPartner p;
        p.id = "partner-" + std::to_string(i);
        p.position = japan_point(rng);
        p.capabilities = (on_site(rng) ? kOnSite : 0u) | (wrecker(rng) ? kWrecker : 0u) |
                         (carrier(rng) ? kCarrier : 0u);
        if (p.capabilities == 0) p.capabilities = kOnSite;
        p.available = available(rng);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace roadside::bench
