// The map's projection (Mercator, in radians; y grows southwards as on screen) and circles on the
// sphere for drawing. No imports: the tests run it under node.

const EARTH_RADIUS_KM = 6371.0088;

export function project(lat, lon) {
  const phi = Math.max(-85, Math.min(85, lat)) * Math.PI / 180;
  return [lon * Math.PI / 180, -Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

export function unproject(x, y) {
  return { lat: (2 * Math.atan(Math.exp(-y)) - Math.PI / 2) * 180 / Math.PI, lon: x * 180 / Math.PI };
}

// Points of the circle `radiusKm` around a centre on the sphere (for drawing only: the distance
// that decides anything is the server's WGS84 geodesic).
export function circlePoints(center, radiusKm, steps = 96) {
  const d = radiusKm / EARTH_RADIUS_KM;
  const lat1 = center.lat * Math.PI / 180, lon1 = center.lon * Math.PI / 180;
  const out = [];
  for (let i = 0; i <= steps; i++) {
    const b = (2 * Math.PI * i) / steps;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
    const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    out.push({ lat: lat2 * 180 / Math.PI, lon: lon2 * 180 / Math.PI });
  }
  return out;
}
