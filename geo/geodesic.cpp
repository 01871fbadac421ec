#include "geo/geodesic.hpp"

#include <GeographicLib/Geodesic.hpp>
#include <cassert>
#include <cmath>

namespace roadside::geo {

bool is_valid(LatLon p) {
    return std::isfinite(p.lat_deg) && std::isfinite(p.lon_deg) && p.lat_deg >= -90.0 &&
           p.lat_deg <= 90.0 && p.lon_deg >= -180.0 && p.lon_deg <= 180.0;
}

double distance_m(LatLon a, LatLon b) {
    assert(is_valid(a) && is_valid(b));
    double s12 = 0;
    GeographicLib::Geodesic::WGS84().Inverse(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg, s12);
    return s12;
}

std::int64_t distance_whole_m(LatLon a, LatLon b) {
    return std::llround(distance_m(a, b));
}

}  // namespace roadside::geo
