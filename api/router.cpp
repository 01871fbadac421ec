#include "api/router.hpp"

namespace roadside::api {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        const std::size_t end = path.find('/', i);
        out.emplace_back(path.substr(i, end == std::string_view::npos ? path.npos : end - i));
        if (end == std::string_view::npos) break;
        i = end;
    }
    return out;
}

bool matches(const Route& r, const std::vector<std::string>& parts,
             std::map<std::string, std::string, std::less<>>& params) {
    if (r.segments.size() != parts.size()) return false;
    std::map<std::string, std::string, std::less<>> found;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& seg = r.segments[i];
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            found.emplace(seg.substr(1, seg.size() - 2), parts[i]);
        } else if (seg != parts[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

}  // namespace

void Router::add(http::verb method, std::string pattern, std::initializer_list<Role> roles,
                 Handler handler) {
    Route r{method, pattern, split_path(pattern), false, roles, std::move(handler)};
    routes_.push_back(std::move(r));
}

void Router::add_with_secret(http::verb method, std::string pattern,
                             std::initializer_list<Role> roles, Handler handler) {
    Route r{method, pattern, split_path(pattern), false, roles, std::move(handler), false};
    routes_.push_back(std::move(r));
}

void Router::add_public(http::verb method, std::string pattern, Handler handler) {
    Route r{method, pattern, split_path(pattern), true, {}, std::move(handler)};
    routes_.push_back(std::move(r));
}

void Router::add_upload(http::verb method, std::string pattern, std::initializer_list<Role> roles,
                        Handler handler) {
    add(method, std::move(pattern), roles, std::move(handler));
    routes_.back().upload = true;
}

RouteMatch Router::match(http::verb method, std::string_view path) const {
    RouteMatch m;
    const auto parts = split_path(path);
    for (const Route& r : routes_) {
        std::map<std::string, std::string, std::less<>> params;
        if (!matches(r, parts, params)) continue;
        if (r.method == method) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        m.allowed.push_back(r.method);
    }
    return m;
}

}  // namespace roadside::api
