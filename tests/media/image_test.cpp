// Receipt images and signatures (issue 14, media/image.hpp): the type read from the bytes only,
// the decompression bomb refused from its header, truncated files refused, and what is kept a
// fresh encoding with no metadata — EXIF GPS included — turned upright.
#include "media/image.hpp"

#include <gtest/gtest.h>

#include "image_samples.hpp"

namespace roadside::media {
namespace {

using testing::has_exif;
using testing::has_metadata;
using testing::image_size;

TEST(Sniff, ReadsTheTypeFromTheBytesOnly) {
    struct Case {
        std::string bytes;
        std::optional<SourceType> type;
    };
    const std::vector<Case> cases = {
        {std::string("\xFF\xD8\xFF\xE0", 4) + "rest", SourceType::jpeg},
        {std::string("\x89PNG\r\n\x1A\n", 8) + "rest", SourceType::png},
        {"%PDF-1.7\n...", SourceType::pdf},
        {std::string("\0\0\0\x18", 4) + "ftypheic" + std::string(12, '\0'), SourceType::heic},
        {std::string("\0\0\0\x18", 4) + "ftypmif1" + std::string(12, '\0'), SourceType::heic},
        // An MP4 video is ISO-BMFF too, but not a HEIF brand.
        {std::string("\0\0\0\x18", 4) + "ftypisom" + std::string(12, '\0'), std::nullopt},
        {"this is a text file named receipt.jpg", std::nullopt},
        {"GIF89a......", std::nullopt},
        {std::string("\xFF\xD8", 2), std::nullopt},  // too short to be a JPEG
        {"", std::nullopt},
        {"<svg xmlns='http://www.w3.org/2000/svg'/>", std::nullopt},
    };
    for (const auto& c : cases) EXPECT_EQ(sniff(c.bytes), c.type) << c.bytes;
}

ImageLimits limits(std::int64_t max_pixels = 40'000'000, int max_side = 4096) {
    ImageLimits l;
    l.max_pixels = max_pixels;
    l.max_side_px = max_side;
    return l;
}

TEST(Reencode, AJpegComesBackAsANewJpegWithoutExifTurnedUpright) {
    // 6 = "turn 90° clockwise to view": the stored picture is upright, so its sides swap.
    const std::string photo = testing::with_exif_gps(testing::sample_jpeg(320, 200), 6);
    ASSERT_TRUE(has_exif(photo));
    ASSERT_TRUE(has_metadata(photo));
    const ImageOutcome out = reencode_receipt(photo, limits());
    ASSERT_TRUE(out.image) << out.detail;
    EXPECT_EQ(out.image->content_type, "image/jpeg");
    EXPECT_EQ(out.image->source, SourceType::jpeg);
    EXPECT_EQ(out.image->width, 200);
    EXPECT_EQ(out.image->height, 320);
    EXPECT_FALSE(has_exif(out.image->bytes));
    EXPECT_FALSE(has_metadata(out.image->bytes));
    EXPECT_EQ(out.image->bytes.find("GPS"), std::string::npos);
    EXPECT_EQ(image_size(out.image->bytes), std::make_pair(200, 320));
}

TEST(Reencode, EachTypeIsKeptAsJpegOrPng) {
    struct Case {
        std::string name;
        std::string bytes;
        SourceType source;
        const char* stored;
    };
    const std::vector<Case> cases = {
        {"jpeg", testing::sample_jpeg(64, 48), SourceType::jpeg, "image/jpeg"},
        {"png", testing::sample_png(64, 48), SourceType::png, "image/png"},
        // Browsers cannot show HEIC: an iPhone photo is kept as JPEG.
        {"heic", testing::sample_heic(64, 48), SourceType::heic, "image/jpeg"},
        // A PDF is kept as a picture of its first page (300 × 200 pt at 150 dpi).
        {"pdf", testing::sample_pdf(300, 200), SourceType::pdf, "image/png"},
    };
    for (const auto& c : cases) {
        const ImageOutcome out = reencode_receipt(c.bytes, limits());
        ASSERT_TRUE(out.image) << c.name << ": " << out.detail;
        EXPECT_EQ(out.image->source, c.source) << c.name;
        EXPECT_EQ(out.image->content_type, c.stored) << c.name;
        EXPECT_FALSE(has_metadata(out.image->bytes)) << c.name;
        EXPECT_EQ(image_size(out.image->bytes), std::make_pair(out.image->width, out.image->height))
            << c.name;
    }
    const ImageOutcome pdf = reencode_receipt(testing::sample_pdf(300, 200), limits());
    ASSERT_TRUE(pdf.image);
    EXPECT_EQ(pdf.image->width, 625);            // 300 pt / 72 × 150
    EXPECT_NEAR(pdf.image->height, 416.7, 0.5);  // 200 pt / 72 × 150, rounded
}

TEST(Reencode, ALargePictureIsScaledDownToTheLongestSide) {
    const ImageOutcome out =
        reencode_receipt(testing::sample_jpeg(1000, 500), limits(40'000'000, 400));
    ASSERT_TRUE(out.image) << out.detail;
    EXPECT_EQ(out.image->width, 400);
    EXPECT_EQ(out.image->height, 200);
}

TEST(Reencode, PixelLimitEdges) {
    // 100 × 100 = 10,000 pixels: at the limit it passes, one pixel under the limit it does not.
    const std::string png = testing::sample_png(100, 100);
    EXPECT_TRUE(reencode_receipt(png, limits(10'000)).image);
    const ImageOutcome over = reencode_receipt(png, limits(9'999));
    EXPECT_EQ(over.refusal, ImageRefusal::too_many_pixels);
    EXPECT_EQ(over.declared_pixels, 10'000);
}

TEST(Reencode, ADecompressionBombIsRefusedFromItsHeader) {
    // 20,000 × 20,000 = 400 megapixels in a few tens of kilobytes.
    const std::string bomb = testing::png_bomb(20'000, 20'000);
    EXPECT_LT(bomb.size(), 200'000u);
    const auto t0 = std::chrono::steady_clock::now();
    const ImageOutcome out = reencode_receipt(bomb, limits());
    EXPECT_EQ(out.refusal, ImageRefusal::too_many_pixels);
    EXPECT_EQ(out.declared_pixels, 400'000'000);
    // Refused before decoding: fast.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds{2});
}

TEST(Reencode, BrokenFilesAreUnreadable) {
    const std::string jpeg = testing::sample_jpeg(200, 150);
    const std::string png = testing::sample_png(200, 150);
    struct Case {
        const char* name;
        std::string bytes;
        ImageRefusal refusal;
    };
    const std::vector<Case> cases = {
        {"truncated jpeg", jpeg.substr(0, jpeg.size() * 6 / 10), ImageRefusal::unreadable},
        {"truncated png", png.substr(0, png.size() / 2), ImageRefusal::unreadable},
        {"jpeg header only", jpeg.substr(0, 20), ImageRefusal::unreadable},
        {"pdf without pages", "%PDF-1.4\n%%EOF\n", ImageRefusal::unreadable},
        {"text named .jpg", "hello, this is not a photo", ImageRefusal::unsupported_type},
        {"empty", "", ImageRefusal::unsupported_type},
    };
    for (const auto& c : cases) {
        const ImageOutcome out = reencode_receipt(c.bytes, limits());
        EXPECT_FALSE(out.image) << c.name;
        EXPECT_EQ(out.refusal, c.refusal) << c.name << ": " << out.detail;
    }
}

TEST(Signature, OnlyACompletePngWithinItsPixelsIsKept) {
    const std::string png = testing::sample_png(300, 100);
    const ImageOutcome ok = reencode_signature(png, 4096 * 4096);
    ASSERT_TRUE(ok.image) << ok.detail;
    EXPECT_EQ(ok.image->content_type, "image/png");
    EXPECT_EQ(ok.image->width, 300);
    EXPECT_EQ(reencode_signature(testing::sample_jpeg(30, 10), 4096 * 4096).refusal,
              ImageRefusal::unsupported_type);
    EXPECT_EQ(reencode_signature(png.substr(0, png.size() / 2), 4096 * 4096).refusal,
              ImageRefusal::unreadable);
    EXPECT_EQ(reencode_signature(testing::png_bomb(5000, 5000), 4096 * 4096).refusal,
              ImageRefusal::too_many_pixels);
}

}  // namespace
}  // namespace roadside::media
