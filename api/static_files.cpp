#include "api/static_files.hpp"

#include <openssl/evp.h>

#include <boost/beast/http/field.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/auth.hpp"
#include "api/log.hpp"
#include "core/text.hpp"

namespace roadside::api {

namespace fs = std::filesystem;

namespace {

// Pages and modules are checked with the server every time (a deploy shows at once); a 304 costs
// one small round trip on the call centre's LAN.
constexpr std::string_view kRevalidate = "no-cache";
// /vendor/<name>@<version>/… never changes under one URL.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kImportMapOpen = "<script type=\"importmap\">";
constexpr std::string_view kScriptClose = "</script>";

// Only these kinds of file are served; anything else in the folder (notes, backups, sources of
// other tools) is not a page and stays private.
std::optional<std::string_view> content_type_of(const fs::path& file) {
    static const std::map<std::string, std::string_view, std::less<>> types = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".webmanifest", "application/manifest+json"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const auto it = types.find(file.extension().string());
    if (it == types.end()) return std::nullopt;
    return it->second;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode_segment(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            out.push_back(raw[i]);
            continue;
        }
        if (i + 2 >= raw.size()) return std::nullopt;  // a cut-off escape
        const int hi = hex_digit(raw[i + 1]);
        const int lo = hex_digit(raw[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    for (const char c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '/' || c == '\\') return std::nullopt;
    }
    if (out.empty() || out.front() == '.' || !core::is_valid_utf8(out)) return std::nullopt;
    return out;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string http_date(fs::file_time_type t) {
    const auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(t));
    const std::time_t tt = std::chrono::system_clock::to_time_t(sys);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 §13.1.2).
bool etag_matches(std::string_view header, std::string_view etag) {
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
        const std::size_t end = std::min(header.find(',', i), header.size());
        std::string_view tag = header.substr(i, end - i);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        if (tag == "*") return true;
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (!tag.empty() && tag == etag) return true;
        i = end + 1;
    }
    return false;
}

// True when `inner` (canonical) lies inside `outer` (canonical).
bool inside(const fs::path& outer, const fs::path& inner) {
    auto o = outer.begin();
    auto i = inner.begin();
    for (; o != outer.end(); ++o, ++i) {
        if (i == inner.end() || *o != *i) return false;
    }
    return i != inner.end();
}

// The regular file `candidate` names once every link is followed, when that lies inside `root`.
std::optional<fs::path> contained_file(const fs::path& root, const fs::path& candidate) {
    std::error_code ec;
    const fs::path real_root = fs::canonical(root, ec);
    if (ec) return std::nullopt;
    const fs::path real = fs::canonical(candidate, ec);
    if (ec || !inside(real_root, real) || !fs::is_regular_file(real, ec)) return std::nullopt;
    if (!content_type_of(real)) return std::nullopt;
    return real;
}

std::string read_version(const fs::path& package_json) {
    std::ifstream in(package_json);
    if (!in) return "";
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("version") ||
        !doc["version"].is_string()) {
        return "";
    }
    return doc["version"].get<std::string>();
}

Reply header_only(int status, std::string_view cache_control) {
    Reply r;
    r.status = status;
    r.content_type.clear();
    r.headers.emplace_back("Cache-Control", std::string(cache_control));
    return r;
}

}  // namespace

const std::vector<VendorPackage>& vendor_allowlist() {
    // The few browser libraries the pages load (issue 13 §4: "keep them few"): Preact and htm
    // for the pages, topojson-client and the Natural Earth outlines of world-atlas for the map,
    // uqr for the QR codes of the location and tracking links (issue 14).
    static const std::vector<VendorPackage> list = {
        {"preact", {"dist/preact.mjs", "hooks/dist/hooks.mjs"}},
        {"htm", {"dist/htm.mjs"}},
        {"topojson-client", {"src/"}},
        {"world-atlas", {"countries-50m.json", "countries-10m.json"}},
        {"uqr", {"dist/index.mjs"}},
    };
    return list;
}

std::optional<std::vector<std::string>> safe_segments(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    std::vector<std::string> out;
    std::size_t i = 1;
    while (i < path.size()) {
        const std::size_t end = std::min(path.find('/', i), path.size());
        const auto segment = decode_segment(path.substr(i, end - i));
        if (!segment) return std::nullopt;  // also "//": an empty segment
        out.push_back(*segment);
        i = end + 1;
    }
    return out;
}

std::string content_security_policy(std::string_view html) {
    std::string scripts = "'self'";
    std::size_t at = 0;
    while ((at = html.find(kImportMapOpen, at)) != std::string_view::npos) {
        const std::size_t begin = at + kImportMapOpen.size();
        const std::size_t end = html.find(kScriptClose, begin);
        if (end == std::string_view::npos) break;
        scripts += " 'sha256-" + base64(sha256_raw(html.substr(begin, end - begin))) + "'";
        at = end;
    }
    return "default-src 'self'; script-src " + scripts +
           "; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

fs::path default_web_dir(const fs::path& source_dir) {
    std::error_code ec;
    if (fs::is_directory("web", ec)) return fs::absolute("web", ec);
    return source_dir / "web";
}

StaticFiles::StaticFiles(fs::path web_dir, fs::path node_modules)
    : web_dir_(std::move(web_dir)), node_modules_(std::move(node_modules)) {
    for (const VendorPackage& p : vendor_allowlist()) {
        const std::string version = read_version(node_modules_ / p.name / "package.json");
        if (version.empty()) {
            log_warn("static files: npm package " + p.name + " is not installed in " +
                     node_modules_.string() + " (run npm ci)");
            continue;
        }
        versions_[p.name] = version;
    }
}

std::optional<fs::path> StaticFiles::locate_vendor(const std::vector<std::string>& segments) const {
    if (segments.size() < 3) return std::nullopt;
    const auto at = segments[1].rfind('@');
    if (at == std::string::npos || at == 0) return std::nullopt;
    const std::string name = segments[1].substr(0, at);
    const auto version = versions_.find(name);
    if (version == versions_.end() || version->second != segments[1].substr(at + 1)) {
        return std::nullopt;
    }
    std::string rest;
    for (std::size_t i = 2; i < segments.size(); ++i) rest += (i > 2 ? "/" : "") + segments[i];
    for (const VendorPackage& p : vendor_allowlist()) {
        if (p.name != name) continue;
        for (const std::string& allowed : p.paths) {
            const bool ok = allowed.ends_with('/') ? rest.starts_with(allowed) : rest == allowed;
            if (ok) return contained_file(node_modules_ / name, node_modules_ / name / rest);
        }
    }
    return std::nullopt;
}

std::optional<fs::path> StaticFiles::locate(const std::vector<std::string>& segments, bool folder,
                                            bool& versioned, bool& needs_slash) const {
    if (!segments.empty() && segments[0] == "vendor") {
        versioned = true;
        return folder ? std::nullopt : locate_vendor(segments);
    }
    fs::path candidate = web_dir_;
    for (const std::string& s : segments) candidate /= s;
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) {
        // A folder is its index.html; "/console" first goes to "/console/" so that the page's
        // relative links resolve inside the folder.
        auto index = contained_file(web_dir_, candidate / "index.html");
        needs_slash = index && !folder;
        return index;
    }
    if (folder) return std::nullopt;
    return contained_file(web_dir_, candidate);
}

std::optional<StaticFiles::File> StaticFiles::load(const fs::path& file) {
    std::error_code ec;
    const auto mtime = fs::last_write_time(file, ec);
    const auto size = ec ? 0 : fs::file_size(file, ec);
    if (ec || size > kMaxFileBytes) return std::nullopt;
    {
        std::lock_guard lock(mutex_);
        const auto it = cache_.find(file);
        if (it != cache_.end() && it->second.mtime == mtime && it->second.size == size) {
            return it->second;
        }
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    File f;
    f.content_type = std::string(*content_type_of(file));
    f.etag = "\"" + sha256_hex(body).substr(0, 32) + "\"";
    f.last_modified = http_date(mtime);
    f.csp = content_security_policy(file.extension() == ".html" ? std::string_view(body) : "");
    f.mtime = mtime;
    f.size = body.size();
    f.body = std::move(body);
    std::lock_guard lock(mutex_);
    // Bounded: a full cache starts over (the console is a few hundred kilobytes; only a folder
    // far bigger than that would ever churn).
    if (cached_bytes_ + f.body.size() > kMaxCachedBytes) {
        cache_.clear();
        cached_bytes_ = 0;
    }
    if (f.body.size() <= kMaxCachedBytes) {
        const auto old = cache_.find(file);
        if (old != cache_.end()) cached_bytes_ -= old->second.body.size();
        cached_bytes_ += f.body.size();
        cache_[file] = f;
    }
    return f;
}

std::optional<Reply> StaticFiles::serve(const Request& req, std::string_view path) {
    const auto segments = safe_segments(path);
    if (!segments) return std::nullopt;
    if (segments->empty()) {
        Reply r = header_only(302, kRevalidate);
        r.headers.emplace_back("Location", "/console/");
        return r;
    }
    bool versioned = false;
    bool needs_slash = false;
    const auto file = locate(*segments, path.ends_with('/'), versioned, needs_slash);
    if (!file) return std::nullopt;
    if (needs_slash) {
        Reply r = header_only(301, kRevalidate);
        r.headers.emplace_back("Location", std::string(path) + "/");
        return r;
    }
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        Reply r = header_only(405, kRevalidate);
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    auto f = load(*file);
    if (!f) return std::nullopt;
    const std::string_view cache = versioned ? kImmutable : kRevalidate;
    const auto if_none_match = req[http::field::if_none_match];
    const bool not_modified =
        !if_none_match.empty()
            ? etag_matches(if_none_match, f->etag)
            : req[http::field::if_modified_since] == f->last_modified;  // exact, as sent
    Reply r = not_modified ? header_only(304, cache) : header_only(200, cache);
    r.headers.emplace_back("ETag", f->etag);
    r.headers.emplace_back("Last-Modified", f->last_modified);
    r.headers.emplace_back("Content-Security-Policy", f->csp);
    r.headers.emplace_back("Referrer-Policy", "same-origin");
    r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
    if (!not_modified) {
        r.content_type = f->content_type;
        r.body = std::move(f->body);
    }
    return r;
}

}  // namespace roadside::api
