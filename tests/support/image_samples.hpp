#pragma once
// Files to upload, made in the test (issue 14): real photos with libvips, and the hostile ones by
// hand — a JPEG carrying EXIF GPS, a PNG decompression bomb, a truncated JPEG, a PDF.
#include <cstdint>
#include <string>

namespace roadside::testing {

// A noisy picture (noise does not compress, like a photo) as JPEG, PNG or HEIC.
std::string sample_jpeg(int width, int height, int quality = 90);
std::string sample_png(int width, int height);
std::string sample_heic(int width, int height);
// A one-page PDF of `width_pt` × `height_pt` points with a line of text.
std::string sample_pdf(int width_pt = 300, int height_pt = 200);

// `jpeg` with an EXIF APP1 segment inserted after SOI: camera make, orientation (6: the picture
// must be turned 90° clockwise) and a GPS position (35°40'N 139°45'E).
std::string with_exif_gps(const std::string& jpeg, int orientation = 6);
// True when the bytes hold an EXIF APP1 segment, or the GPS tags' marker.
bool has_exif(const std::string& jpeg);

// A PNG whose IDAT really inflates to width × height one-bit pixels: tens of kilobytes that
// decode to hundreds of megapixels.
std::string png_bomb(int width, int height);

// The image's width and height as libvips reads them (0, 0 when it cannot).
std::pair<int, int> image_size(const std::string& bytes);
// Whether libvips finds any metadata field named exif-*, xmp-*, iptc-* or an ICC profile.
bool has_metadata(const std::string& bytes);

}  // namespace roadside::testing
