// The pure parts of static file serving: which URL paths may name a file, and the policy a page
// gets (issue 13 §4).
#include <gtest/gtest.h>

#include "api/static_files.hpp"

namespace roadside::api {
namespace {

TEST(SafeSegments, DecodesOnceAndKeepsOrdinaryNames) {
    using V = std::vector<std::string>;
    EXPECT_EQ(safe_segments("/"), V{});
    EXPECT_EQ(safe_segments("/console/"), V{"console"});
    EXPECT_EQ(safe_segments("/console/intake.js"), (V{"console", "intake.js"}));
    EXPECT_EQ(safe_segments("/a%20b/%E5%8F%97%E4%BB%98.html"), (V{"a b", "受付.html"}));
    EXPECT_EQ(safe_segments("/vendor/preact@11.2.0/dist/preact.mjs"),
              (V{"vendor", "preact@11.2.0", "dist", "preact.mjs"}));
    // Decoded once only: "%252e" is the name "%2e", not "."
    EXPECT_EQ(safe_segments("/%252e%252e/x"), (V{"%2e%2e", "x"}));
}

TEST(SafeSegments, RefusesEverythingThatCouldLeaveTheFolder) {
    for (const char* path : {"", "console", "/..", "/../x", "/a/../b", "/.", "/./a", "/%2e%2e/x",
                             "/%2E%2e/x", "/a/%2e/b", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b",
                             "//x", "/a//b", "/.hidden", "/a/.git/config", "/%00", "/a%00.js",
                             "/a%0d%0a", "/%", "/%2", "/%zz", "/a%7f", "/%ff%fe"}) {
        EXPECT_FALSE(safe_segments(path).has_value()) << path;
    }
}

TEST(ContentSecurityPolicy, DefaultSelfAndOnlyTheImportMapsHashes) {
    const std::string none = content_security_policy("");
    EXPECT_EQ(none,
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
              "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'");
    // sha256("{}") in base64, as `printf '{}' | openssl dgst -sha256 -binary | base64` gives.
    const std::string page =
        "<script type=\"importmap\">{}</script><script>alert(1)</script><script type=\"module\" "
        "src=\"a.js\"></script>";
    const std::string csp = content_security_policy(page);
    EXPECT_NE(csp.find("script-src 'self' 'sha256-RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=';"),
              std::string::npos)
        << csp;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos);
    // An import map never closed allows nothing.
    EXPECT_EQ(content_security_policy("<script type=\"importmap\">{}"), none);
}

}  // namespace
}  // namespace roadside::api
