// The console's files through the real server (issue 13 §4): content types, validators and 304s,
// HEAD, the Content-Security-Policy with the import map's hash, the npm allowlist under
// /vendor/<name>@<version>/, and no way out of the folders — "..", encoded slashes, symlinks,
// hidden files and unknown file types all answer 404, and the secret next door never leaks.
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "http_fixture.hpp"

namespace roadside::testing {
namespace {

namespace fs = std::filesystem;

const std::string kImportMap = R"({"imports":{"preact":"/vendor/preact@9.9.9/dist/preact.mjs"}})";
const std::string kSecret = "SECRET-OUTSIDE-THE-WEB-FOLDER";

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// The CSP source for an inline script, computed here independently of the server.
std::string sha256_source(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
    std::string b64(4 * ((n + 2) / 3) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), digest, static_cast<int>(n));
    b64.resize(static_cast<std::size_t>(len));
    return "'sha256-" + b64 + "'";
}

// A site of its own: web/ with a page, a module, files that must stay private, and a fake npm
// package in node_modules/ beside it.
fs::path make_site() {
    char tmpl[] = "/tmp/roadside-web.XXXXXX";
    const fs::path root = mkdtemp(tmpl);
    write(root / "web/console/index.html",
          "<!doctype html><title>t</title><script type=\"importmap\">" + kImportMap +
              "</script><script type=\"module\" src=\"app.js\"></script>");
    write(root / "web/console/app.js", "export const x = 1;\n");
    write(root / "web/console/style.css", "body{}\n");
    write(root / "web/console/notes.md", kSecret);
    write(root / "web/.hidden.js", kSecret);
    write(root / "secret.js", kSecret);
    fs::create_symlink(root / "secret.js", root / "web/link.js");
    fs::create_directory_symlink(root, root / "web/up");
    write(root / "node_modules/preact/package.json", R"({"name":"preact","version":"9.9.9"})");
    write(root / "node_modules/preact/dist/preact.mjs", "export const h = 1;\n");
    write(root / "node_modules/preact/dist/secret.mjs", kSecret);
    write(root / "node_modules/world-atlas/package.json", R"({"version":"2.0.2"})");
    return root;
}

class StaticFilesHttp : public ::testing::Test {
  protected:
    static inline TestDatabase* db = nullptr;
    static inline ServerProcess* server = nullptr;
    static inline fs::path site;

    static void SetUpTestSuite() {
        site = make_site();
        db = new TestDatabase("static");
        ServerOptions o;
        o.database_url = db->url();
        o.extra_env["ROADSIDE_WEB_DIR"] = (site / "web").string();
        server = new ServerProcess(o);
        server->start();
    }
    static void TearDownTestSuite() {
        EXPECT_EQ(server->stop(), 0) << server->log();
        delete server;
        delete db;
        fs::remove_all(site);
    }
    static HttpResult get(const std::string& target, std::map<std::string, std::string> h = {}) {
        return HttpClient(server->port()).request("GET", target, "", std::move(h));
    }
    // The status line and the whole answer of one raw request (the client must not tidy the path).
    static std::string raw(const std::string& method, const std::string& target) {
        return raw_exchange(server->port(), method + " " + target +
                                                " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
};

TEST_F(StaticFilesHttp, APageHasItsTypeValidatorsAndAStrictPolicyWithTheImportMapHash) {
    const HttpResult r = get("/console/");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_FALSE(r.header("etag").empty());
    EXPECT_TRUE(r.header("last-modified").ends_with(" GMT")) << r.header("last-modified");
    const std::string csp = r.header("content-security-policy");
    EXPECT_TRUE(csp.starts_with("default-src 'self'; ")) << csp;
    EXPECT_NE(csp.find("script-src 'self' " + sha256_source(kImportMap) + ";"), std::string::npos)
        << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp.find("http"), std::string::npos) << "no other host, ever: " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST_F(StaticFilesHttp, ContentTypesFollowTheFileKind) {
    EXPECT_EQ(get("/console/app.js").header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(get("/console/style.css").header("content-type"), "text/css; charset=utf-8");
    EXPECT_EQ(get("/vendor/preact@9.9.9/dist/preact.mjs").header("content-type"),
              "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesHttp, FoldersRedirectToTheirSlashAndTheRootToTheConsole) {
    const HttpResult folder = get("/console");
    EXPECT_EQ(folder.status, 301);
    EXPECT_EQ(folder.header("location"), "/console/");
    const HttpResult root = get("/");
    EXPECT_EQ(root.status, 302);
    EXPECT_EQ(root.header("location"), "/console/");
}

TEST_F(StaticFilesHttp, RevalidationAnswers304WithoutABody) {
    const HttpResult first = get("/console/app.js");
    ASSERT_EQ(first.status, 200);
    const std::string etag = first.header("etag");
    struct Case {
        std::map<std::string, std::string> headers;
        int status;
    } cases[] = {
        {{{"If-None-Match", etag}}, 304},
        {{{"If-None-Match", "W/" + etag}}, 304},
        {{{"If-None-Match", "\"other\", " + etag}}, 304},
        {{{"If-None-Match", "*"}}, 304},
        {{{"If-None-Match", "\"other\""}}, 200},
        {{{"If-Modified-Since", first.header("last-modified")}}, 304},
        {{{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}}, 200},
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        {{{"If-None-Match", "\"other\""}, {"If-Modified-Since", first.header("last-modified")}}, 200},
    };
    for (const auto& c : cases) {
        const HttpResult r = get("/console/app.js", c.headers);
        EXPECT_EQ(r.status, c.status) << c.headers.begin()->second;
        if (c.status == 304) {
            EXPECT_TRUE(r.body.empty());
            EXPECT_EQ(r.header("etag"), etag);
        } else {
            EXPECT_EQ(r.body, first.body);
        }
    }
}

TEST_F(StaticFilesHttp, AChangedFileGetsANewValidator) {
    const std::string before = get("/console/style.css").header("etag");
    write(site / "web/console/style.css", "body{color:red}\n");
    fs::last_write_time(site / "web/console/style.css",
                        fs::last_write_time(site / "web/console/style.css") + std::chrono::seconds(2));
    const HttpResult after = get("/console/style.css", {{"If-None-Match", before}});
    EXPECT_EQ(after.status, 200);
    EXPECT_EQ(after.body, "body{color:red}\n");
    EXPECT_NE(after.header("etag"), before);
}

TEST_F(StaticFilesHttp, HeadGivesTheHeadersOfGetAndNoBody) {
    const std::string answer = raw("HEAD", "/console/app.js");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
    EXPECT_NE(answer.find("Content-Length: 20\r\n"), std::string::npos) << answer;
    EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << "no body after the headers: " << answer;
}

TEST_F(StaticFilesHttp, OtherMethodsOnAFileAre405) {
    const HttpResult r = HttpClient(server->port()).post("/console/app.js", "{}");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("allow"), "GET, HEAD");
}

TEST_F(StaticFilesHttp, NothingOutsideTheFoldersCanBeReached) {
    const char* targets[] = {
        "/../secret.js",
        "/console/../../secret.js",
        "/%2e%2e/secret.js",
        "/%2E%2E/%2E%2E/secret.js",
        "/console/%2e%2e/%2e%2e/secret.js",
        "/console/..%2f..%2fsecret.js",
        "/console/..%5c..%5csecret.js",
        "/console\\..\\..\\secret.js",
        "/link.js",                    // a symlink out of the folder
        "/up/secret.js",               // a folder symlink out of it
        "/.hidden.js",                 // hidden files
        "/%2ehidden.js",
        "/console/notes.md",           // not a kind of file the console serves
        "/console//app.js",            // empty segment
        "/console/app.js%00.html",     // NUL
        "/console/app.js/",            // a file is not a folder
        "/console/%zz.js",             // broken escape
        "/console/%",
        "/vendor/preact@9.9.9/dist/secret.mjs",     // in the package, not allowlisted
        "/vendor/preact@9.9.9/package.json",
        "/vendor/preact@1.0.0/dist/preact.mjs",     // another version
        "/vendor/preact/dist/preact.mjs",           // no version
        "/vendor/preact@9.9.9/dist/../dist/secret.mjs",
        "/vendor/preact@9.9.9/dist/%2e%2e/dist/secret.mjs",
        "/vendor/other@1.0.0/index.js",             // not an allowed package
        "/vendor/world-atlas@2.0.2/countries-50m.json",  // allowed, but not installed here
    };
    for (const char* t : targets) {
        const std::string answer = raw("GET", t);
        EXPECT_EQ(answer.find(kSecret), std::string::npos) << t << " leaked:\n" << answer;
        EXPECT_TRUE(answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"))
            << t << ":\n" << answer.substr(0, 200);
    }
    ASSERT_TRUE(server->running());
}

TEST_F(StaticFilesHttp, VendorFilesAreVersionedAndCachedForAYear) {
    const HttpResult r = get("/vendor/preact@9.9.9/dist/preact.mjs");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "export const h = 1;\n");
    EXPECT_EQ(r.header("cache-control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesHttp, TheApiIsUnchanged) {
    EXPECT_EQ(get("/healthz").status, 200);
    const HttpResult missing = get("/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.error_code(), "route_not_found");
    EXPECT_EQ(missing.header("cache-control"), "no-store");
    EXPECT_EQ(get("/console/missing.js").error_code(), "route_not_found");
}

// The repository's own console, served from web/ with the npm packages `npm ci` installed: every
// page's import map names files that exist, and the policy allows exactly that import map.
TEST(ConsoleFilesHttp, EveryPageLoadsItsModulesFromThisServer) {
    TestDatabase db("console");
    ServerOptions o;
    o.database_url = db.url();
    o.extra_env["ROADSIDE_WEB_DIR"] = source_dir() + "/web";
    ServerProcess server(o);
    server.start();
    HttpClient client(server.port());
    int pages = 0;
    for (const auto& entry : fs::recursive_directory_iterator(source_dir() + "/web")) {
        if (entry.path().extension() != ".html") continue;
        ++pages;
        const std::string rel = fs::relative(entry.path(), source_dir() + "/web").string();
        const HttpResult page = client.get("/" + rel);
        ASSERT_EQ(page.status, 200) << rel;
        const std::regex map_re(R"re(<script type="importmap">([\s\S]*?)</script>)re");
        std::smatch m;
        ASSERT_TRUE(std::regex_search(page.body, m, map_re)) << rel << " has no import map";
        EXPECT_NE(page.header("content-security-policy").find(sha256_source(m[1].str())),
                  std::string::npos)
            << rel;
        const auto imports = nlohmann::json::parse(m[1].str())["imports"];
        for (const auto& [name, url] : imports.items()) {
            const HttpResult file = client.get(url.get<std::string>());
            EXPECT_EQ(file.status, 200) << rel << ": " << name << " → " << url
                                        << " (run npm ci; a new version needs the import maps "
                                           "updated)";
        }
    }
    EXPECT_GE(pages, 4);
    EXPECT_EQ(client.get("/vendor/world-atlas@2.0.2/countries-50m.json").status, 200);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
