#include "media/image.hpp"

#include <vips/vips.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace roadside::media {

namespace {

constexpr int kJpegQuality = 85;
constexpr int kPngCompression = 6;

struct ImageUnref {
    void operator()(VipsImage* i) const {
        if (i != nullptr) g_object_unref(i);
    }
};
using Image = std::unique_ptr<VipsImage, ImageUnref>;

struct GFree {
    void operator()(void* p) const { g_free(p); }
};

// libvips reports errors in a per-thread buffer; take and clear it.
std::string vips_error_text() {
    std::string text = vips_error_buffer();
    vips_error_clear();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

ImageOutcome refuse(ImageRefusal r, std::string detail = "") {
    ImageOutcome out;
    out.refusal = r;
    out.detail = std::move(detail);
    return out;
}

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.substr(0, magic.size()) == magic;
}

// The brands of HEIF still images (ISO/IEC 23008-12), HEVC-coded or generic.
bool heif_brand(std::string_view brand) {
    static constexpr std::array<std::string_view, 8> kBrands = {"heic", "heix", "hevc", "hevx",
                                                                "heim", "heis", "mif1", "msf1"};
    return std::find(kBrands.begin(), kBrands.end(), brand) != kBrands.end();
}

// Loads only the header (libvips decodes lazily); pixels come when the image is written.
// Truncated data is an error, not a grey tail.
Image load(std::string_view bytes, SourceType type, const ImageLimits& limits) {
    VipsImage* raw = nullptr;
    void* buf = const_cast<char*>(bytes.data());
    const std::size_t len = bytes.size();
    int rc = -1;
    switch (type) {
        case SourceType::jpeg:
            rc = vips_jpegload_buffer(buf, len, &raw, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case SourceType::png:
            rc = vips_pngload_buffer(buf, len, &raw, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                     VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case SourceType::heic:
            rc = vips_heifload_buffer(buf, len, &raw, "page", 0, "n", 1, "thumbnail", FALSE,
                                      "fail_on", VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case SourceType::pdf:
            rc = vips_pdfload_buffer(buf, len, &raw, "page", 0, "n", 1, "dpi",
                                     static_cast<double>(limits.pdf_dpi), "fail_on",
                                     VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
    }
    if (rc != 0) return Image{};
    return Image{raw};
}

// Applies one libvips operation that makes a new image from `in`; false (error left in the
// buffer) when it fails.
template <class Op>
bool step(Image& img, Op op) {
    VipsImage* out = nullptr;
    if (op(img.get(), &out) != 0) return false;
    img.reset(out);
    return true;
}

// Upright, sRGB (or grey), without a colour profile's dependence, at most max_side_px.
bool normalise(Image& img, SourceType type, int max_side_px) {
    if (!step(img, [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); })) {
        return false;
    }
    // A photo tagged with a profile (Display P3, Adobe RGB) is converted, so that dropping the
    // profile with the metadata does not shift its colours. A profile libvips cannot use is
    // ignored rather than refused.
    if (vips_image_get_typeof(img.get(), VIPS_META_ICC_NAME) != 0) {
        VipsImage* out = nullptr;
        if (vips_icc_transform(img.get(), &out, "srgb", "embedded", TRUE, nullptr) == 0) {
            img.reset(out);
        } else {
            vips_error_clear();
        }
    }
    const bool grey = img->Bands <= 2 && img->Type != VIPS_INTERPRETATION_CMYK;
    const VipsInterpretation target = grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (!step(img, [&](VipsImage* in, VipsImage** out) {
            return vips_colourspace(in, out, target, nullptr);
        })) {
        return false;
    }
    if (type == SourceType::pdf && vips_image_hasalpha(img.get())) {
        // A page is drawn on paper: transparent means white.
        VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
        const bool ok = step(img, [&](VipsImage* in, VipsImage** out) {
            return vips_flatten(in, out, "background", white, nullptr);
        });
        vips_area_unref(VIPS_AREA(white));
        if (!ok) return false;
    }
    const int side = std::max(img->Xsize, img->Ysize);
    if (side > max_side_px) {
        const double scale = static_cast<double>(max_side_px) / side;
        if (!step(img, [&](VipsImage* in, VipsImage** out) {
                return vips_resize(in, out, scale, nullptr);
            })) {
            return false;
        }
    }
    // 16-bit PNGs and the like: 8 bits per sample is plenty for a receipt.
    if (img->BandFmt != VIPS_FORMAT_UCHAR) {
        return step(img, [](VipsImage* in, VipsImage** out) {
            return vips_cast(in, out, VIPS_FORMAT_UCHAR, nullptr);
        });
    }
    return true;
}

// Encodes without any metadata ("strip"); this is where the pixels are actually decoded, so a
// truncated or corrupt input fails here.
bool encode(VipsImage* img, bool as_jpeg, std::string& out) {
    void* buf = nullptr;
    std::size_t len = 0;
    const int rc = as_jpeg ? vips_jpegsave_buffer(img, &buf, &len, "Q", kJpegQuality, "strip", TRUE,
                                                  "optimize_coding", TRUE, nullptr)
                           : vips_pngsave_buffer(img, &buf, &len, "strip", TRUE, "compression",
                                                 kPngCompression, nullptr);
    if (rc != 0) return false;
    std::unique_ptr<void, GFree> owned(buf);
    out.assign(static_cast<const char*>(buf), len);
    return true;
}

}  // namespace

void init(const char* argv0) {
    static std::once_flag once;
    std::call_once(once, [argv0] {
        if (VIPS_INIT(argv0 != nullptr ? argv0 : "roadside") != 0) {
            throw std::runtime_error("libvips failed to start: " + vips_error_text());
        }
        vips_concurrency_set(1);
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        vips_cache_set_max_files(0);
        vips_block_untrusted_set(TRUE);
        // libvips counts poppler among the untrusted loaders. A receipt may be a PDF, so its buffer
        // loader alone is allowed again, and is only ever called explicitly, on bytes that start
        // with "%PDF-", within the upload's size and the page's pixel limits (README: decisions).
        vips_operation_block_set("VipsForeignLoadPdfBuffer", FALSE);
    });
}

void shutdown() {
    vips_shutdown();
}

std::string_view mime_type(SourceType t) {
    switch (t) {
        case SourceType::jpeg:
            return "image/jpeg";
        case SourceType::png:
            return "image/png";
        case SourceType::heic:
            return "image/heic";
        case SourceType::pdf:
            return "application/pdf";
    }
    return "application/octet-stream";
}

std::string_view to_string(ImageRefusal r) {
    switch (r) {
        case ImageRefusal::unsupported_type:
            return "unsupported_type";
        case ImageRefusal::too_many_pixels:
            return "too_many_pixels";
        case ImageRefusal::unreadable:
            return "unreadable";
    }
    return "unreadable";
}

std::optional<SourceType> sniff(std::string_view bytes) {
    if (starts_with(bytes, "\xFF\xD8\xFF")) return SourceType::jpeg;
    if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return SourceType::png;
    if (starts_with(bytes, "%PDF-")) return SourceType::pdf;
    if (bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp" && heif_brand(bytes.substr(8, 4))) {
        return SourceType::heic;
    }
    return std::nullopt;
}

ImageOutcome reencode_receipt(std::string_view bytes, const ImageLimits& limits) {
    const auto type = sniff(bytes);
    if (!type) return refuse(ImageRefusal::unsupported_type);
    Image img = load(bytes, *type, limits);
    if (!img) return refuse(ImageRefusal::unreadable, vips_error_text());
    const std::int64_t pixels = std::int64_t{img->Xsize} * img->Ysize;
    if (pixels > limits.max_pixels) {
        ImageOutcome out = refuse(ImageRefusal::too_many_pixels,
                                  std::to_string(img->Xsize) + "x" + std::to_string(img->Ysize));
        out.declared_pixels = pixels;
        return out;
    }
    if (!normalise(img, *type, limits.max_side_px)) {
        return refuse(ImageRefusal::unreadable, vips_error_text());
    }
    const bool as_jpeg = *type == SourceType::jpeg || *type == SourceType::heic;
    StoredImage stored;
    if (!encode(img.get(), as_jpeg, stored.bytes)) {
        return refuse(ImageRefusal::unreadable, vips_error_text());
    }
    stored.content_type = as_jpeg ? "image/jpeg" : "image/png";
    stored.source = *type;
    stored.width = img->Xsize;
    stored.height = img->Ysize;
    ImageOutcome out;
    out.image = std::move(stored);
    out.declared_pixels = pixels;
    return out;
}

ImageOutcome reencode_signature(std::string_view bytes, std::int64_t max_pixels) {
    if (sniff(bytes) != SourceType::png) return refuse(ImageRefusal::unsupported_type);
    ImageLimits limits;
    limits.max_pixels = max_pixels;
    Image img = load(bytes, SourceType::png, limits);
    if (!img) return refuse(ImageRefusal::unreadable, vips_error_text());
    const std::int64_t pixels = std::int64_t{img->Xsize} * img->Ysize;
    if (pixels > max_pixels) {
        return refuse(ImageRefusal::too_many_pixels,
                      std::to_string(img->Xsize) + "x" + std::to_string(img->Ysize));
    }
    StoredImage stored;
    if (!encode(img.get(), false, stored.bytes)) {
        return refuse(ImageRefusal::unreadable, vips_error_text());
    }
    stored.content_type = "image/png";
    stored.source = SourceType::png;
    stored.width = img->Xsize;
    stored.height = img->Ysize;
    ImageOutcome out;
    out.image = std::move(stored);
    out.declared_pixels = pixels;
    return out;
}

}  // namespace roadside::media
