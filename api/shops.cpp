#include "api/shops.hpp"

#include <limits>

#include "api/errors.hpp"
#include "api/json_out.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

// A full re-read now and then, on top of the incremental refreshes (as for partners).
constexpr std::chrono::seconds kFullRefreshInterval{60};
// The index is asked for every shop "however far": any shop is a designated one.
constexpr double kAnyDistance = std::numeric_limits<double>::infinity();
constexpr unsigned kShopBit = 1u;

std::string day_key(std::size_t i) {
    return std::string(dispatch::kWeekdayKeys[i]);
}

dispatch::DayHours read_day(const Fields& day, const std::string& where) {
    const std::string open = day.string("open", 5);
    const std::string close = day.string("close", 5);
    if (!dispatch::parse_hhmm(open)) invalid_field(where + ".open", "a time \"HH:MM\"");
    if (!dispatch::parse_hhmm(close)) invalid_field(where + ".close", "a time \"HH:MM\"");
    const auto hours = dispatch::make_day_hours(open, close);
    if (!hours) invalid_field(where + ".close", "later than open (at most \"24:00\")");
    for (const auto& [key, value] : day.node().items()) {
        if (key != "open" && key != "close") invalid_field(where + "." + key, "no such field");
    }
    return *hours;
}

}  // namespace

dispatch::OpeningHours read_hours(const Fields& f) {
    const Fields h = f.object("hours");
    const std::string prefix = f.path("hours");
    dispatch::OpeningHours out;
    for (const auto& [key, value] : h.node().items()) {
        bool known = key == "always";
        for (const auto day : dispatch::kWeekdayKeys) known = known || key == day;
        if (!known) invalid_field(prefix + "." + key, "always or mon|tue|wed|thu|fri|sat|sun");
    }
    out.always = h.opt_boolean("always").value_or(false);
    bool any_day = false;
    for (std::size_t i = 0; i < dispatch::kWeekdayKeys.size(); ++i) {
        const std::string key = day_key(i);
        const auto day = h.opt_object(key.c_str());
        if (!day) continue;
        if (out.always) {
            throw ApiError(400, "conflicting_fields", "give \"always\": true or weekday hours",
                           {{"fields", {prefix + ".always", prefix + "." + key}}});
        }
        out.days[i] = read_day(*day, prefix + "." + key);
        any_day = true;
    }
    if (!out.always && !any_day) {
        invalid_field(prefix, "{\"always\": true} or the hours of at least one weekday");
    }
    return out;
}

json hours_json(const dispatch::OpeningHours& h) {
    if (h.always) return {{"always", true}};
    json out = json::object();
    for (std::size_t i = 0; i < h.days.size(); ++i) {
        if (!h.days[i]) continue;
        out[day_key(i)] = {{"open", dispatch::format_hhmm(h.days[i]->open_min)},
                           {"close", dispatch::format_hhmm(h.days[i]->close_min)}};
    }
    return out;
}

json shop_json(const store::ShopRow& row, const dispatch::OpeningHours& hours, core::Instant now) {
    dispatch::Shop shop;
    shop.night_intake = row.night_intake;
    shop.hours = hours;
    return {{"id", row.id},
            {"name", row.name},
            {"address", row.address},
            {"location", latlon_json(row.position)},
            {"night_intake", row.night_intake},
            {"hours", hours_json(hours)},
            {"open_now", dispatch::open_at(hours, now)},
            {"takes_cars_now", dispatch::takes_cars_at(shop, now)},
            {"created_at", core::format_japan_time(row.created_at)},
            {"created_by", row.created_by}};
}

ShopDirectory::ShopDirectory(std::chrono::milliseconds refresh_interval)
    : refresh_interval_(refresh_interval) {}

void ShopDirectory::apply(const store::ShopRow& row) {
    // Stored hours were validated on the way in; a row that does not read is skipped rather than
    // taking the directory down.
    const json doc = json::parse(row.hours_json, nullptr, false);
    if (doc.is_discarded()) return;
    const json wrapped = {{"hours", doc}};
    dispatch::Shop shop;
    try {
        shop.hours = read_hours(Fields(wrapped));
    } catch (const ApiError&) {
        return;
    }
    shop.id = row.id;
    shop.name = row.name;
    shop.address = row.address;
    shop.position = row.position;
    shop.night_intake = row.night_intake;
    std::lock_guard lock(mutex_);
    index_.upsert({row.id, row.position, kShopBit, true});
    shops_.insert_or_assign(row.id, std::move(shop));
}

std::size_t ShopDirectory::size() const {
    std::lock_guard lock(mutex_);
    return shops_.size();
}

awaitable<void> ShopDirectory::refresh(store::Connection& db, bool force) {
    const auto now = std::chrono::steady_clock::now();
    std::optional<std::string> since;
    {
        std::lock_guard lock(mutex_);
        if (!force && now < next_refresh_) co_return;
        if (now >= next_full_refresh_) {
            watermark_.reset();
            next_full_refresh_ = now + kFullRefreshInterval;
        }
        since = watermark_;
    }
    if (refreshing_.exchange(true)) co_return;  // someone else is at it
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag = false; }
    } done{refreshing_};
    const store::ShopChanges changes = co_await store::shops_changed_since(db, since);
    for (const auto& s : changes.shops) apply(s);
    std::lock_guard lock(mutex_);
    watermark_ = changes.watermark;
    next_refresh_ = std::chrono::steady_clock::now() + refresh_interval_;
}

std::vector<ShopDirectory::Nearby> ShopDirectory::nearest(geo::LatLon from, std::size_t k) const {
    geo::NearestQuery q;
    q.from = from;
    q.any_of_capabilities = kShopBit;
    q.radius_m = kAnyDistance;
    q.k = k;
    std::vector<Nearby> out;
    std::lock_guard lock(mutex_);
    for (const geo::Candidate& c : index_.nearest(q)) {
        const auto it = shops_.find(c.id);
        if (it != shops_.end()) out.push_back({it->second, c.distance_m});
    }
    return out;
}

}  // namespace roadside::api
