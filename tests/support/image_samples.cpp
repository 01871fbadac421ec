#include "image_samples.hpp"

#include <vips/vips.h>
#include <zlib.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "media/image.hpp"

namespace roadside::testing {

namespace {

struct ImageUnref {
    void operator()(VipsImage* i) const {
        if (i != nullptr) g_object_unref(i);
    }
};
using Image = std::unique_ptr<VipsImage, ImageUnref>;

void check(int rc, const char* what) {
    if (rc != 0) {
        const std::string e = vips_error_buffer();
        vips_error_clear();
        throw std::runtime_error(std::string(what) + ": " + e);
    }
}

Image noise(int width, int height) {
    media::init("roadside-test");
    VipsImage* n = nullptr;
    check(vips_gaussnoise(&n, width, height, "mean", 128.0, "sigma", 50.0, nullptr), "gaussnoise");
    Image grey{n};
    VipsImage* bands[3] = {grey.get(), grey.get(), grey.get()};
    VipsImage* rgb = nullptr;
    check(vips_bandjoin(bands, &rgb, 3, nullptr), "bandjoin");
    Image joined{rgb};
    VipsImage* out = nullptr;
    check(vips_cast(joined.get(), &out, VIPS_FORMAT_UCHAR, nullptr), "cast");
    Image cast{out};
    VipsImage* srgb = nullptr;
    check(vips_copy(cast.get(), &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr),
          "copy");
    return Image{srgb};
}

std::string take(void* buf, std::size_t len) {
    std::string out(static_cast<const char*>(buf), len);
    g_free(buf);
    return out;
}

void put16(std::string& s, unsigned v) {  // big-endian (TIFF "MM")
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
    s.push_back(static_cast<char>(v & 0xFF));
}

void put32(std::string& s, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        s.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// One IFD entry: tag, type, count, value-or-offset (4 bytes, left-justified).
void entry(std::string& s, unsigned tag, unsigned type, std::uint32_t count, std::uint32_t value,
           bool short_value = false) {
    put16(s, tag);
    put16(s, type);
    put32(s, count);
    if (short_value) {
        put16(s, value);
        put16(s, 0);
    } else {
        put32(s, value);
    }
}

void png_chunk(std::string& out, const char* type, const std::string& data) {
    put32(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    put32(out, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

}  // namespace

std::string sample_jpeg(int width, int height, int quality) {
    Image img = noise(width, height);
    void* buf = nullptr;
    std::size_t len = 0;
    check(vips_jpegsave_buffer(img.get(), &buf, &len, "Q", quality, nullptr), "jpegsave");
    return take(buf, len);
}

std::string sample_png(int width, int height) {
    Image img = noise(width, height);
    void* buf = nullptr;
    std::size_t len = 0;
    check(vips_pngsave_buffer(img.get(), &buf, &len, "compression", 1, nullptr), "pngsave");
    return take(buf, len);
}

std::string sample_heic(int width, int height) {
    Image img = noise(width, height);
    void* buf = nullptr;
    std::size_t len = 0;
    check(vips_heifsave_buffer(img.get(), &buf, &len, "compression",
                               VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, "Q", 50, nullptr),
          "heifsave");
    return take(buf, len);
}

std::string sample_pdf(int width_pt, int height_pt) {
    const std::string stream =
        "BT /F1 24 Tf 20 " + std::to_string(height_pt / 2) + " Td (RECEIPT 12000 YEN) Tj ET";
    const std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(width_pt) + " " +
            std::to_string(height_pt) +
            "] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t off : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

std::string with_exif_gps(const std::string& jpeg, int orientation) {
    // TIFF header, IFD0 (Make, Orientation, GPS IFD pointer), the GPS IFD (latitude and
    // longitude with their references), then the values that do not fit in an entry.
    std::string tiff = "MM";
    put16(tiff, 42);
    put32(tiff, 8);
    const std::uint32_t ifd0 = 8;
    const std::uint32_t ifd0_size = 2 + 3 * 12 + 4;
    const std::uint32_t gps_ifd = ifd0 + ifd0_size;
    const std::uint32_t gps_size = 2 + 4 * 12 + 4;
    const std::uint32_t make_at = gps_ifd + gps_size;
    const std::string make = "RoadsideCam";  // 11 chars + NUL = 12
    const std::uint32_t lat_at = make_at + 12;
    const std::uint32_t lon_at = lat_at + 24;
    put16(tiff, 3);
    entry(tiff, 0x010F, 2, 12, make_at);                                       // Make
    entry(tiff, 0x0112, 3, 1, static_cast<std::uint32_t>(orientation), true);  // Orientation
    entry(tiff, 0x8825, 4, 1, gps_ifd);                                        // GPS IFD
    put32(tiff, 0);
    put16(tiff, 4);
    entry(tiff, 0x0001, 2, 2, 0x4E000000);  // GPSLatitudeRef "N"
    entry(tiff, 0x0002, 5, 3, lat_at);      // GPSLatitude
    entry(tiff, 0x0003, 2, 2, 0x45000000);  // GPSLongitudeRef "E"
    entry(tiff, 0x0004, 5, 3, lon_at);      // GPSLongitude
    put32(tiff, 0);
    tiff += make;
    tiff.push_back('\0');
    for (const std::uint32_t v : {35u, 1u, 40u, 1u, 0u, 1u}) put32(tiff, v);
    for (const std::uint32_t v : {139u, 1u, 45u, 1u, 0u, 1u}) put32(tiff, v);
    std::string app1 = "\xFF\xE1";
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    put16(app1, static_cast<unsigned>(payload.size() + 2));
    app1 += payload;
    return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

bool has_exif(const std::string& jpeg) {
    return jpeg.find(std::string("Exif\0\0", 6)) != std::string::npos ||
           jpeg.find("RoadsideCam") != std::string::npos;
}

std::string png_bomb(int width, int height) {
    std::string png = "\x89PNG\r\n\x1A\n";
    std::string ihdr;
    put32(ihdr, static_cast<std::uint32_t>(width));
    put32(ihdr, static_cast<std::uint32_t>(height));
    ihdr += std::string("\x01\x00\x00\x00\x00",
                        5);  // 1 bit, greyscale, deflate, filter 0, no interlace
    png_chunk(png, "IHDR", ihdr);
    // Every row: filter byte 0 then width/8 zero bytes, deflated as one stream.
    const std::size_t row = 1 + (static_cast<std::size_t>(width) + 7) / 8;
    const std::string zeros(row, '\0');
    z_stream z{};
    deflateInit(&z, 9);
    std::string compressed;
    std::vector<unsigned char> out(64 * 1024);
    for (int y = 0; y <= height; ++y) {
        const bool last = y == height;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        z.avail_in = last ? 0 : static_cast<uInt>(row);
        do {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            compressed.append(reinterpret_cast<const char*>(out.data()), out.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    png_chunk(png, "IDAT", compressed);
    png_chunk(png, "IEND", "");
    return png;
}

std::pair<int, int> image_size(const std::string& bytes) {
    media::init("roadside-test");
    VipsImage* raw = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
    if (raw == nullptr) {
        vips_error_clear();
        return {0, 0};
    }
    Image img{raw};
    return {img->Xsize, img->Ysize};
}

bool has_metadata(const std::string& bytes) {
    media::init("roadside-test");
    VipsImage* raw = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
    if (raw == nullptr) {
        vips_error_clear();
        return false;
    }
    Image img{raw};
    gchar** fields = vips_image_get_fields(img.get());
    bool found = false;
    for (gchar** f = fields; *f != nullptr; ++f) {
        const std::string name = *f;
        if (name.rfind("exif-", 0) == 0 || name.rfind("xmp-", 0) == 0 ||
            name.rfind("iptc-", 0) == 0 || name == VIPS_META_ICC_NAME) {
            found = true;
        }
    }
    g_strfreev(fields);
    return found;
}

}  // namespace roadside::testing
