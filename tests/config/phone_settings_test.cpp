// The settings of issue 14 (config/settings.hpp): one-time codes, the SMS outbox, links, receipt
// images and the lingering close, with their defaults, their edges and the shipped file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "config/products.hpp"
#include "config/settings.hpp"
#include "temp_dir.hpp"

namespace roadside::config {
namespace {

using test_support::TempDir;
using Env = std::map<std::string, std::string>;

EnvLookup env_of(Env vars) {
    vars.emplace("ROADSIDE_DATABASE_URL", "postgresql://roadside@localhost/roadside");
    vars.emplace("ROADSIDE_ADMIN_TOKEN", "0123456789abcdef");
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(PhoneSettings, Defaults) {
    const TempDir dir;
    const ServerSettings s = load_settings(dir.path(), env_of({}));
    EXPECT_EQ(s.signin_code_ttl_s, std::chrono::seconds{600});  // 10 minutes
    EXPECT_EQ(s.signin_code_max_attempts, 5);
    EXPECT_EQ(s.sms_outbox_file, "");                              // off
    EXPECT_EQ(s.location_link_ttl_s, std::chrono::seconds{1800});  // 30 minutes
    EXPECT_EQ(s.receipt_image_max_bytes, 10u * 1024 * 1024);       // 10 MB an image
    EXPECT_EQ(s.body_limit_bytes, 1024u * 1024);                   // every other route
    EXPECT_EQ(s.receipt_images_per_claim, 10);
    EXPECT_EQ(s.location_link_page, "/customer/location.html");
    EXPECT_EQ(s.tracking_link_page, "/customer/track.html");
}

TEST(PhoneSettings, FileAndEnvironment) {
    const TempDir dir;
    dir.write("server.json", R"({"signin_code_ttl_s": 1, "signin_code_max_attempts": 3,
        "sms_outbox_file": "/tmp/x.log", "public_base_url": "https://rs.example.jp/",
        "receipt_image_max_pixels": 1024, "image_workers": 4, "image_queue_max": 0,
        "linger_max_bytes": 0, "location_link_page": "/p/loc"})");
    ServerSettings s = load_settings(dir.path(), env_of({}));
    EXPECT_EQ(s.signin_code_ttl_s, std::chrono::seconds{1});
    EXPECT_EQ(s.signin_code_max_attempts, 3);
    EXPECT_EQ(s.sms_outbox_file, "/tmp/x.log");
    EXPECT_EQ(s.public_base_url, "https://rs.example.jp");  // joined with the page path
    EXPECT_EQ(s.receipt_image_max_pixels, 1024);
    EXPECT_EQ(s.image_workers, 4);
    EXPECT_EQ(s.image_queue_max, 0);
    EXPECT_EQ(s.linger_max_bytes, 0u);
    EXPECT_EQ(s.location_link_page, "/p/loc");
    // The environment names the outbox over the file.
    s = load_settings(dir.path(), env_of({{"ROADSIDE_SMS_OUTBOX", "/tmp/y.log"}}));
    EXPECT_EQ(s.sms_outbox_file, "/tmp/y.log");
}

TEST(PhoneSettings, UnusableValuesAreRefusedByName) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"signin_code_ttl_s": 0})", "signin_code_ttl_s"},
        {R"({"signin_code_max_attempts": 0})", "signin_code_max_attempts"},
        {R"({"receipt_image_max_bytes": 100})", "receipt_image_max_bytes"},
        {R"({"receipt_image_max_bytes": 1073741824})", "receipt_image_max_bytes"},
        {R"({"image_workers": 0})", "image_workers"},
        {R"({"receipt_images_per_claim": 51})", "receipt_images_per_claim"},
        {R"({"location_link_page": "customer.html"})", "location_link_page"},
        {R"({"tracking_link_page": "/t.html#x"})", "tracking_link_page"},
        {R"({"sms_outbox_file": 5})", "sms_outbox_file"},
    };
    for (const auto& [text, field] : cases) {
        const TempDir dir;
        dir.write("server.json", text);
        try {
            load_settings(dir.path(), env_of({}));
            ADD_FAILURE() << text << " was accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("\"" + field + "\""), std::string::npos)
                << e.what();
        }
    }
}

}  // namespace
}  // namespace roadside::config
