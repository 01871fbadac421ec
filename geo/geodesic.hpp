#pragma once
// Distances on the WGS84 ellipsoid.
//
// The 100 km remote-support rule (ロードサービス規定 第1条3(1)) is decided close to its edge, where
// a spherical (haversine) distance is off by up to 0.5 % — half a kilometre at 100 km. Distances
// are therefore geodesics on WGS84, computed with GeographicLib (Karney's algorithm, accurate to
// nanometres).
#include <cstdint>

namespace roadside::geo {

struct LatLon {
    double lat_deg = 0;
    double lon_deg = 0;
};

// Finite, latitude in [-90, 90], longitude in [-180, 180].
bool is_valid(LatLon p);

// Geodesic distance in metres. Precondition: both points valid.
double distance_m(LatLon a, LatLon b);

// The distance rounded to whole metres: the figure that is shown and that every rule is decided
// on, so that what the agent reads and what the rule decided never disagree.
std::int64_t distance_whole_m(LatLon a, LatLon b);

}  // namespace roadside::geo
