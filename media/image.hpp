#pragma once
// Receipt images and signatures (issue 14), made safe to keep and to show: the type is read from
// the bytes (never from a file name or a header), the declared size is checked before anything
// is decoded (a decompression bomb is refused from its header), and what is kept is always a
// fresh encoding by libvips with no metadata at all (EXIF, GPS, XMP, IPTC, ICC).
//
// Pure functions of their input, no I/O and no clock; safe to call from several threads at once
// (libvips is thread-safe), but CPU-heavy: the server runs them on worker threads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace roadside::media {

// Starts libvips once per process: one thread per operation (the caller bounds concurrency), no
// operation cache (it would keep uploaded buffers alive), untrusted loaders blocked. Throws on
// failure. Later calls do nothing.
void init(const char* argv0);
// Frees what libvips keeps (its threads, caches); at the end of the process.
void shutdown();

enum class SourceType { jpeg, png, heic, pdf };
std::string_view mime_type(SourceType t);
// From the magic bytes: JPEG (FF D8 FF), PNG (89 "PNG" 0D 0A 1A 0A), PDF ("%PDF-"), HEIF/HEIC
// (an ISO-BMFF "ftyp" box of a HEIF brand). Anything else: nullopt.
std::optional<SourceType> sniff(std::string_view bytes);

struct ImageLimits {
    std::int64_t max_pixels = 40'000'000;  // as declared by the header, before decoding
    int max_side_px = 4096;                // the stored image is scaled down to fit
    int pdf_dpi = 150;                     // a PDF's first page is rendered at this resolution
};

struct StoredImage {
    std::string bytes;         // a new JPEG or PNG encoding, no metadata
    std::string content_type;  // image/jpeg | image/png
    SourceType source = SourceType::jpeg;
    int width = 0;
    int height = 0;
};

// Why an upload is refused, in the order they are checked.
enum class ImageRefusal {
    unsupported_type,  // not JPEG, PNG, HEIC or PDF by its bytes
    too_many_pixels,   // the header declares more than max_pixels (a decompression bomb)
    unreadable,        // corrupt or truncated: decoding failed
};
std::string_view to_string(ImageRefusal r);

struct ImageOutcome {
    std::optional<StoredImage> image;
    std::optional<ImageRefusal> refusal;
    std::string detail;  // for the log: what libvips said
    std::int64_t declared_pixels = 0;
};

// Decodes, turns upright (EXIF orientation), converts to sRGB, scales down to max_side_px and
// encodes anew without metadata: JPEG and HEIC photos as JPEG (quality 85), PNG as PNG, a PDF's
// first page as PNG on white.
ImageOutcome reencode_receipt(std::string_view bytes, const ImageLimits& limits);

// A signature drawn on the glass: a PNG that decodes completely, within max_pixels, re-encoded
// as PNG without metadata.
ImageOutcome reencode_signature(std::string_view bytes, std::int64_t max_pixels);

}  // namespace roadside::media
