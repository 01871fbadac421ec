#include "api/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace roadside::api {

std::string_view to_string(Role r) {
    switch (r) {
        case Role::admin:
            return "admin";
        case Role::agent:
            return "agent";
        case Role::partner:
            return "partner";
        case Role::customer:
            return "customer";
        case Role::reviewer:
            return "reviewer";
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view s) {
    for (Role r : {Role::admin, Role::agent, Role::partner, Role::customer, Role::reviewer}) {
        if (to_string(r) == s) return r;
    }
    return std::nullopt;
}

std::string Principal::actor() const {
    if (user) return "user:" + user->login;
    return std::string(to_string(role)) + ":" + token_id;
}

std::string Principal::key() const {
    if (user) return "user:" + user->user_id;
    return token_id;
}

namespace {
std::string base64url(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned bits = 0;
    int nbits = 0;
    for (const char c : bytes) {
        bits = (bits << 8) | static_cast<unsigned char>(c);
        nbits += 8;
        while (nbits >= 6) {
            out.push_back(kAlphabet[(bits >> (nbits - 6)) & 0x3F]);
            nbits -= 6;
        }
    }
    if (nbits > 0) out.push_back(kAlphabet[(bits << (6 - nbits)) & 0x3F]);
    return out;
}
}  // namespace

std::string generate_token() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("the system random number generator failed");
    }
    return "rs_" +
           base64url(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string csrf_token_for(std::string_view session_secret) {
    std::string input = "roadside csrf\n";
    input.append(session_secret);
    return base64url(sha256_raw(input));
}

bool same_origin(std::string_view origin, std::string_view host, bool behind_tls) {
    if (host.empty()) return false;
    const std::string expected =
        std::string(behind_tls ? "https://" : "http://") + std::string(host);
    if (origin.size() != expected.size()) return false;
    for (std::size_t i = 0; i < origin.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(origin[i])) !=
            std::tolower(static_cast<unsigned char>(expected[i]))) {
            return false;
        }
    }
    return true;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view pair = header.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
        if (semi == std::string_view::npos) break;
        header.remove_prefix(semi + 1);
    }
    return "";
}

std::string sha256_raw(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return std::string(reinterpret_cast<const char*>(md.data()), len);
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("the system random number generator failed");
    }
    return out;
}

std::string random_digits(int n) {
    std::string out;
    while (static_cast<int>(out.size()) < n) {
        // Bytes of 250 and above are dropped so that every digit is equally likely.
        for (const char c : random_bytes(static_cast<std::size_t>(n))) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 250 && static_cast<int>(out.size()) < n) {
                out.push_back(static_cast<char>('0' + b % 10));
            }
        }
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(),
             &len) == nullptr) {
        throw std::runtime_error("HMAC-SHA-256 failed");
    }
    return std::string(reinterpret_cast<const char*>(md.data()), len);
}

std::optional<std::string> decode_base64(std::string_view text) {
    constexpr std::string_view kDataUrl = "data:image/png;base64,";
    if (text.starts_with(kDataUrl)) text.remove_prefix(kDataUrl.size());
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned bits = 0;
    int nbits = 0;
    for (const char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
        }
    }
    return out;
}

std::string hash_token(std::string_view token) {
    return sha256_raw(token);
}

std::string sha256_hex(std::string_view data) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char c : sha256_raw(data)) {
        out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
        out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Compare digests so that neither the content nor the length leaks through timing.
    const std::string da = sha256_raw(a);
    const std::string db = sha256_raw(b);
    return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::optional<Principal> TokenCache::find(const std::string& hash) {
    std::lock_guard lock(mutex_);
    if (!trusted_ || (healthy_ && !healthy_())) return std::nullopt;
    const auto it = entries_.find(hash);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires < std::chrono::steady_clock::now()) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.principal;
}

void TokenCache::put(const std::string& hash, const Principal& p) {
    if (max_entries_ == 0) return;
    std::lock_guard lock(mutex_);
    if (!trusted_) return;
    const auto now = std::chrono::steady_clock::now();
    if (entries_.size() >= max_entries_) {
        std::erase_if(entries_, [&](const auto& e) { return e.second.expires < now; });
        if (entries_.size() >= max_entries_) entries_.clear();  // bounded, whatever happens
    }
    // Kept no longer than the TTL, nor past the token's own end.
    auto expires = now + ttl_;
    if (p.token_expires_at) {
        const auto left = *p.token_expires_at - std::chrono::time_point_cast<std::chrono::seconds>(
                                                    std::chrono::system_clock::now());
        expires = std::min(expires, now + left);
    }
    entries_[hash] = Entry{p, expires};
}

void TokenCache::set_trusted(bool trusted) {
    std::lock_guard lock(mutex_);
    trusted_ = trusted;
    entries_.clear();  // whatever was missed meanwhile is forgotten
}

void TokenCache::forget_token(std::string_view token_id) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const auto& e) { return e.second.principal.token_id == token_id; });
}

}  // namespace roadside::api
