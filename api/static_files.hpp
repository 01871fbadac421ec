#pragma once
// The console's files, served by `roadside serve` itself (issue 13 §4): the pages in web/ and an
// explicit allowlist of files from npm packages (node_modules/, installed by `npm ci` from the
// committed lockfile) under /vendor/<package>@<version>/…. Nothing else on disk can be reached:
// paths are decoded once, every segment is checked, and the resolved file must still lie inside
// its folder (no "..", no symlink out, no hidden files, only known file types).
//
// Caching: pages and modules revalidate every time (ETag + Last-Modified, 304); vendor files carry
// their version in the URL and are cached for a year. Every answer carries a strict
// Content-Security-Policy (default-src 'self'); a page's inline import map is allowed by its
// SHA-256, computed here from the file so that the hash can never go stale.
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.hpp"

namespace roadside::api {

// An npm package the pages may load, and the files of it they may load: exact paths, or folders
// when the entry ends in '/'.
struct VendorPackage {
    std::string name;
    std::vector<std::string> paths;
};
const std::vector<VendorPackage>& vendor_allowlist();

// A URL path ("/console/a%20b.js") as folder segments, or nullopt when a segment could name
// something outside the folder: "..", ".", an empty segment inside, a leading '.', an encoded
// '/' or '\', a NUL or other control character, or a broken %-escape.
std::optional<std::vector<std::string>> safe_segments(std::string_view path);

// The policy for a file: default-src 'self', and for an HTML page the 'sha256-…' of each of its
// <script type="importmap"> blocks (the only inline scripts allowed).
std::string content_security_policy(std::string_view html);

// The folder of the pages when no setting names one: ./web when it exists, else <source_dir>/web.
std::filesystem::path default_web_dir(const std::filesystem::path& source_dir);

class StaticFiles {
  public:
    static constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;
    static constexpr std::size_t kMaxCachedBytes = 64 * 1024 * 1024;

    // node_modules: where `npm ci` installed the packages (the repository root's node_modules).
    StaticFiles(std::filesystem::path web_dir, std::filesystem::path node_modules);

    // The answer to `req` for `path` (the raw path, without the query), or nullopt when no file
    // has that name (the caller answers its usual 404). GET and HEAD only; other methods on a
    // file get 405.
    std::optional<Reply> serve(const Request& req, std::string_view path);

    const std::filesystem::path& web_dir() const { return web_dir_; }
    // The installed version of each allowlisted package (from its package.json), read at start.
    const std::map<std::string, std::string>& vendor_versions() const { return versions_; }

  private:
    struct File {
        std::string body;
        std::string content_type;
        std::string etag;
        std::string last_modified;
        std::string csp;
        std::filesystem::file_time_type mtime;
        std::uintmax_t size = 0;
    };
    std::optional<std::filesystem::path> locate(const std::vector<std::string>& segments,
                                                bool folder, bool& versioned,
                                                bool& needs_slash) const;
    std::optional<std::filesystem::path> locate_vendor(const std::vector<std::string>& segments) const;
    std::optional<File> load(const std::filesystem::path& file);

    std::filesystem::path web_dir_;
    std::filesystem::path node_modules_;
    std::map<std::string, std::string> versions_;
    std::mutex mutex_;
    std::map<std::filesystem::path, File> cache_;
    std::size_t cached_bytes_ = 0;
};

}  // namespace roadside::api
