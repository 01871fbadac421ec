#include "api/demo.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <random>

#include "api/shops.hpp"
#include "dispatch/plate.hpp"

namespace roadside::api {

using boost::asio::awaitable;

const std::vector<DemoCity>& demo_cities() {
    // Prefectural capitals (approximate city-hall coordinates) and the plate region of each.
    static const std::vector<DemoCity> cities = {
        {"札幌", "札幌", 43.0642, 141.3469},     {"青森", "青森", 40.8244, 140.7400},
        {"盛岡", "岩手", 39.7036, 141.1527},     {"仙台", "宮城", 38.2688, 140.8721},
        {"秋田", "秋田", 39.7186, 140.1024},     {"山形", "山形", 38.2404, 140.3633},
        {"福島", "福島", 37.7500, 140.4678},     {"水戸", "水戸", 36.3418, 140.4468},
        {"宇都宮", "宇都宮", 36.5657, 139.8836}, {"前橋", "群馬", 36.3911, 139.0608},
        {"さいたま", "大宮", 35.8569, 139.6489}, {"千葉", "千葉", 35.6050, 140.1233},
        {"東京", "品川", 35.6895, 139.6917},     {"横浜", "横浜", 35.4478, 139.6425},
        {"新潟", "新潟", 37.9026, 139.0232},     {"富山", "富山", 36.6953, 137.2113},
        {"金沢", "金沢", 36.5946, 136.6256},     {"福井", "福井", 36.0652, 136.2216},
        {"甲府", "山梨", 35.6642, 138.5684},     {"長野", "長野", 36.6513, 138.1810},
        {"岐阜", "岐阜", 35.3912, 136.7223},     {"静岡", "静岡", 34.9769, 138.3831},
        {"名古屋", "名古屋", 35.1802, 136.9066}, {"津", "三重", 34.7303, 136.5086},
        {"大津", "滋賀", 35.0045, 135.8686},     {"京都", "京都", 35.0214, 135.7556},
        {"大阪", "大阪", 34.6863, 135.5200},     {"神戸", "神戸", 34.6913, 135.1830},
        {"奈良", "奈良", 34.6851, 135.8048},     {"和歌山", "和歌山", 34.2260, 135.1675},
        {"鳥取", "鳥取", 35.5036, 134.2383},     {"松江", "島根", 35.4723, 133.0505},
        {"岡山", "岡山", 34.6618, 133.9344},     {"広島", "広島", 34.3966, 132.4596},
        {"山口", "山口", 34.1859, 131.4714},     {"徳島", "徳島", 34.0658, 134.5593},
        {"高松", "香川", 34.3401, 134.0434},     {"松山", "愛媛", 33.8416, 132.7657},
        {"高知", "高知", 33.5597, 133.5311},     {"福岡", "福岡", 33.6064, 130.4181},
        {"佐賀", "佐賀", 33.2494, 130.2988},     {"長崎", "長崎", 32.7448, 129.8737},
        {"熊本", "熊本", 32.7898, 130.7417},     {"大分", "大分", 33.2382, 131.6126},
        {"宮崎", "宮崎", 31.9111, 131.4239},     {"鹿児島", "鹿児島", 31.5602, 130.5581},
        {"那覇", "沖縄", 26.2124, 127.6809},
    };
    return cities;
}

namespace {

constexpr const char* kSurnames[] = {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺",
                                     "山本", "中村", "小林", "加藤", "吉田", "山田"};
constexpr const char* kSurnamesKana[] = {"サトウ",   "スズキ",   "タカハシ", "タナカ",
                                         "イトウ",   "ワタナベ", "ヤマモト", "ナカムラ",
                                         "コバヤシ", "カトウ",   "ヨシダ",   "ヤマダ"};
constexpr const char* kGiven[] = {"太郎", "花子", "一郎", "美咲", "健", "陽子", "大輔", "愛"};
constexpr const char* kGivenKana[] = {"タロウ", "ハナコ", "イチロウ", "ミサキ",
                                      "ケン",   "ヨウコ", "ダイスケ", "アイ"};
constexpr const char* kKana[] = {"あ", "い", "う", "か", "き", "さ", "た",
                                 "な", "は", "ま", "や", "ら", "わ"};

struct VehicleTemplate {
    dispatch::VehicleKind kind;
    dispatch::VehicleUse use;
    bool private_use;
    const char* body;
    int length_mm, width_mm, height_mm, weight_kg, seats;
    int plate_class;  // 分類番号
    int weight;       // how often it appears
};

// Mostly ordinary cars that are covered, with the exceptions a call centre meets.
constexpr VehicleTemplate kVehicles[] = {
    {dispatch::VehicleKind::kei, dispatch::VehicleUse::passenger, true, "箱型", 3395, 1475, 1650,
     1050, 4, 580, 30},
    {dispatch::VehicleKind::small, dispatch::VehicleUse::passenger, true, "箱型", 4300, 1695, 1500,
     1500, 5, 500, 25},
    {dispatch::VehicleKind::ordinary, dispatch::VehicleUse::passenger, true, "ステーションワゴン",
     4690, 1800, 1700, 2100, 7, 300, 20},
    {dispatch::VehicleKind::kei, dispatch::VehicleUse::cargo, true, "バン", 3395, 1475, 1890, 1200,
     2, 480, 6},
    {dispatch::VehicleKind::small, dispatch::VehicleUse::cargo, true, "キャブオーバ", 4690, 1690,
     1990, 3775, 3, 400, 4},
    {dispatch::VehicleKind::ordinary, dispatch::VehicleUse::passenger, false, "箱型", 4900, 1850,
     1500, 2100, 5, 300, 3},
    {dispatch::VehicleKind::ordinary, dispatch::VehicleUse::special, true, "キャンピング車", 4990,
     1880, 2600, 2900, 6, 800, 3},
    {dispatch::VehicleKind::ordinary, dispatch::VehicleUse::passenger, true, "箱型", 5650, 1990,
     1900, 3200, 7, 300, 2},
    {dispatch::VehicleKind::two_wheel, dispatch::VehicleUse::passenger, true, "オートバイ", 2210,
     830, 1280, 320, 2, 0, 2},
};

}  // namespace

std::vector<store::NewContract> demo_contracts(const config::ProductCatalog& products,
                                               core::Date today, int count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    auto uniform = [&](double a, double b) {
        return std::uniform_real_distribution<double>(a, b)(rng);
    };
    int total_weight = 0;
    for (const auto& v : kVehicles) total_weight += v.weight;
    const auto& cities = demo_cities();
    const auto& all = products.all();

    std::vector<store::NewContract> out;
    for (int i = 0; i < count; ++i) {
        store::NewContract nc;
        dispatch::Contract& c = nc.contract;
        const config::Product& p = all[static_cast<std::size_t>(i) % all.size()];
        c.product_id = p.id;
        char no[32];
        std::snprintf(no, sizeof no, "DEMO-%05d", i + 1);
        c.contract_no = no;
        c.term_months =
            p.term_months[static_cast<std::size_t>(pick(static_cast<int>(p.term_months.size())))];
        // Mostly active contracts, with the cases a call centre meets every day: in the 免責
        // waiting period, expired, not started yet.
        const int term_days = c.term_months * 30;
        const int kind_of_start = pick(100);
        if (kind_of_start < 70) {
            c.start_date = core::add_days(today, -(40 + pick(std::max(1, term_days - 50))));
        } else if (kind_of_start < 82) {
            c.start_date = core::add_days(today, -pick(28));  // waiting period
        } else if (kind_of_start < 94) {
            c.start_date = core::add_days(today, -(term_days + 10 + pick(400)));  // expired
        } else {
            c.start_date = core::add_days(today, 1 + pick(14));  // starts soon
        }
        c.zero_deductible = p.zero_deductible_option && pick(4) == 0;
        c.corporate = pick(10) == 0;
        c.odometer_at_start_km = 5'000 + pick(120'000);
        const DemoCity& city =
            cities[static_cast<std::size_t>(pick(static_cast<int>(cities.size())))];
        // Homes within about 15 km of the city centre.
        c.home = {city.lat + uniform(-0.12, 0.12), city.lon + uniform(-0.15, 0.15)};
        const int s = pick(12);
        const int g = pick(8);
        c.holder.name = std::string(kSurnames[s]) + " " + kGiven[g];
        c.holder.name_kana = std::string(kSurnamesKana[s]) + " " + kGivenKana[g];
        c.holder.birth_date = core::Date{std::chrono::year{1950 + pick(55)},
                                         std::chrono::month{static_cast<unsigned>(1 + pick(12))},
                                         std::chrono::day{static_cast<unsigned>(1 + pick(28))}};
        char phone[20];
        std::snprintf(phone, sizeof phone, "090-%04d-%04d", pick(10000), pick(10000));
        c.holder.phone = phone;
        c.holder.address = std::string(city.name) + "市";

        int w = pick(total_weight);
        const VehicleTemplate* t = &kVehicles[0];
        for (const auto& v : kVehicles) {
            if (w < v.weight) {
                t = &v;
                break;
            }
            w -= v.weight;
        }
        dispatch::Vehicle& v = c.vehicle;
        char plate[96];
        if (t->plate_class > 0) {
            std::snprintf(plate, sizeof plate, "%s %d %s %d", city.plate_region,
                          t->plate_class + pick(20), kKana[pick(13)], 1 + pick(9998));
        } else {
            std::snprintf(plate, sizeof plate, "%s %s %d", city.plate_region, kKana[pick(13)],
                          1 + pick(9998));
        }
        v.plate = plate;
        char chassis[32];
        std::snprintf(chassis, sizeof chassis, "DEMO%02d-%07d", i % 100, pick(10'000'000));
        v.chassis_no = chassis;
        v.kind = t->kind;
        v.use = t->use;
        v.private_use = t->private_use;
        v.body_shape = t->body;
        v.length_mm = t->length_mm;
        v.width_mm = t->width_mm;
        v.height_mm = t->height_mm;
        v.gross_weight_kg = t->weight_kg;
        v.seating_capacity = t->seats;
        // Inspections every two years; about one in twenty has lapsed.
        v.inspection_expiry =
            core::add_days(today, pick(20) == 0 ? -pick(200) - 1 : 30 + pick(700));
        nc.created_by = "demo-data";
        out.push_back(std::move(nc));
    }
    return out;
}

namespace {

// Prefecture populations, in units of 10,000 (2020 census, rounded), in demo_cities() order.
constexpr int kPopulation10k[] = {
    522, 124, 121, 230, 96,  107, 183, 287, 193, 194, 734, 628, 1405, 924, 220, 103,
    113, 77,  81,  205, 198, 363, 754, 177, 141, 258, 884, 547, 133,  92,  55,  67,
    189, 280, 134, 72,  95,  133, 69,  513, 81,  131, 174, 113, 107,  159, 147};

constexpr const char* kPartnerKinds[] = {"レッカー", "ロードサービス", "自動車整備", "モータース"};

}  // namespace

std::vector<store::NewPartner> demo_partners(int count, std::uint64_t seed) {
    const auto& cities = demo_cities();
    if (cities.size() != std::size(kPopulation10k)) return {};
    std::mt19937_64 rng(seed);
    int total = 0;
    for (const int p : kPopulation10k) total += p;
    std::normal_distribution<double> spread(0.0, 1.0);
    std::vector<store::NewPartner> out;
    for (int i = 0; i < count; ++i) {
        int w = static_cast<int>(rng() % static_cast<std::uint64_t>(total));
        std::size_t c = 0;
        while (w >= kPopulation10k[c]) w -= kPopulation10k[c++];
        const DemoCity& city = cities[c];
        // About 20 km around the capital; 60 km in Hokkaido (index 0), which is large and sparse.
        const double sigma_km = c == 0 ? 60.0 : 20.0;
        const double dlat = spread(rng) * sigma_km / 111.0;
        const double dlon = spread(rng) * sigma_km / (111.0 * std::cos(city.lat * M_PI / 180.0));
        store::NewPartner p;
        p.base = {city.lat + dlat, city.lon + dlon};
        char name[128];
        std::snprintf(name, sizeof name, "%s%s %d号店", city.name,
                      kPartnerKinds[rng() % std::size(kPartnerKinds)], i + 1);
        p.name = name;
        char phone[24];
        std::snprintf(phone, sizeof phone, "0120-%03d-%03d", static_cast<int>(rng() % 1000),
                      i % 1000);
        p.phone = phone;
        const int kind = static_cast<int>(rng() % 10);
        if (kind < 5) {
            p.capabilities = {"on_site"};
        } else if (kind < 8) {
            p.capabilities = {"on_site", "wrecker"};
        } else {
            p.capabilities = {"on_site", "wrecker", "carrier"};
        }
        p.created_by = "demo-data";
        out.push_back(std::move(p));
    }
    return out;
}

namespace {

constexpr const char* kShopKinds[] = {"自動車整備", "モータース", "オートサービス", "車検センター"};

// Opening hours as the API writes them (api/shops.hpp): around the clock, every day, or Monday to
// Saturday (Saturday until 17:00).
std::string demo_hours(int kind) {
    dispatch::OpeningHours h;
    h.always = kind == 0;
    if (!h.always) {
        const std::size_t days = kind == 1 ? 7 : 6;
        for (std::size_t d = 0; d < days; ++d) {
            h.days[d] = dispatch::DayHours{9 * 60, (d == 5 ? 17 : 18) * 60};
        }
    }
    return hours_json(h).dump();
}

}  // namespace

std::vector<store::NewShop> demo_shops(int count, std::uint64_t seed) {
    const auto& cities = demo_cities();
    if (cities.size() != std::size(kPopulation10k)) return {};
    std::mt19937_64 rng(seed ^ 0x5107u);
    int total = 0;
    for (const int p : kPopulation10k) total += p;
    std::normal_distribution<double> spread(0.0, 1.0);
    std::vector<store::NewShop> out;
    for (int i = 0; i < count; ++i) {
        int w = static_cast<int>(rng() % static_cast<std::uint64_t>(total));
        std::size_t c = 0;
        while (w >= kPopulation10k[c]) w -= kPopulation10k[c++];
        const DemoCity& city = cities[c];
        // As the partners: about 20 km around the capital, 60 km in Hokkaido.
        const double sigma_km = c == 0 ? 60.0 : 20.0;
        store::NewShop s;
        s.position = {
            city.lat + spread(rng) * sigma_km / 111.0,
            city.lon + spread(rng) * sigma_km / (111.0 * std::cos(city.lat * M_PI / 180.0))};
        char name[128];
        std::snprintf(name, sizeof name, "指定工場 %s%s %d", city.name,
                      kShopKinds[rng() % std::size(kShopKinds)], i + 1);
        s.name = name;
        s.address = std::string(city.name) + "市";
        const int kind = static_cast<int>(rng() % 20);
        s.hours_json = demo_hours(kind == 0 ? 0 : kind < 6 ? 1 : 2);
        s.night_intake = kind == 0 || rng() % 6 == 0;
        s.created_by = "demo-data";
        out.push_back(std::move(s));
    }
    return out;
}

namespace {
constexpr store::Statement kCountDemo{
    "demo_count", "SELECT count(*) FROM contracts WHERE contract_no LIKE 'DEMO-%'"};
}  // namespace

awaitable<DemoLoaded> load_demo_data(store::Connection& db, const config::ProductCatalog& products,
                                     core::Date today, int count, std::uint64_t seed) {
    // Contracts, partners and shops are loaded each when there are none yet, so that a database
    // made by an earlier version (contracts, no partners or shops) gets them too.
    DemoLoaded loaded;
    co_await db.execute("BEGIN");
    const store::Result existing = co_await db.query(kCountDemo, store::Params{});
    if (existing.int64(0, 0) == 0) {
        for (const auto& c : demo_contracts(products, today, count, seed)) {
            if (co_await store::insert_contract(db, c)) ++loaded.contracts;
        }
    }
    if (co_await store::count_partners(db) == 0) {
        for (const auto& p : demo_partners(kDemoPartnerCount, seed)) {
            co_await store::insert_partner(db, p);
            ++loaded.partners;
        }
    }
    if (co_await store::count_shops(db) == 0) {
        for (const auto& s : demo_shops(kDemoShopCount, seed)) {
            co_await store::insert_shop(db, s);
            ++loaded.shops;
        }
    }
    co_await db.execute("COMMIT");
    co_return loaded;
}

}  // namespace roadside::api
