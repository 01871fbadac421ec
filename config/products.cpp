#include "config/products.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/json_reader.hpp"

namespace roadside::config {

using nlohmann::json;

bool Product::offers_term(int months) const {
    return std::find(term_months.begin(), term_months.end(), months) != term_months.end();
}

ProductCatalog::ProductCatalog(std::vector<Product> products) : products_(std::move(products)) {
    std::sort(products_.begin(), products_.end(),
              [](const Product& a, const Product& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < products_.size(); ++i) index_.emplace(products_[i].id, i);
}

const Product* ProductCatalog::find(std::string_view id) const {
    const auto it = index_.find(id);
    return it == index_.end() ? nullptr : &products_[it->second];
}

namespace {

using Reader = detail::JsonReader;

MileageRule parse_mileage(const json& obj, const std::string& file) {
    const Reader r(obj, file, "mileage_limit.");
    MileageRule rule;
    rule.corporate = r.boolean("corporate");
    for (const json& c : r.array("plate_classes")) {
        if (!c.is_number_integer() || c.get<int>() < 0 || c.get<int>() > 9) {
            r.fail("plate_classes", "must hold digits 0..9");
        }
        rule.plate_classes.push_back(c.get<int>());
    }
    rule.km_per_year = r.integer("km_per_year", 0, 1'000'000);
    const json& fixed = r.get("fixed_km");
    if (!fixed.is_null()) rule.fixed_km = r.integer("fixed_km", 1, 10'000'000);
    return rule;
}

}  // namespace

Product parse_product(const std::string& text, const std::string& file) {
    const json doc = detail::parse_config_object(text, file);
    const Reader r(doc, file);
    Product p;
    p.id = r.string("id");
    p.provider = r.one_of("provider", {"cartender", "kaitokuten", "aucnet"});
    p.name = r.string("name");
    p.origin = r.one_of("origin", {"domestic", "import"});
    p.road_service = r.boolean("road_service");
    p.deductible_months = static_cast<int>(r.integer("deductible_months", 0, 12));
    p.zero_deductible_option = r.boolean("zero_deductible_option");
    for (const json& t : r.array("term_months")) {
        if (!t.is_number_integer() || t.get<int>() < 1 || t.get<int>() > 120) {
            r.fail("term_months", "must hold month counts between 1 and 120");
        }
        p.term_months.push_back(t.get<int>());
    }
    if (p.term_months.empty()) r.fail("term_months", "must not be empty");
    if (!std::is_sorted(p.term_months.begin(), p.term_months.end()) ||
        std::adjacent_find(p.term_months.begin(), p.term_months.end()) != p.term_months.end()) {
        r.fail("term_months", "must be strictly ascending");
    }
    if (p.deductible_months >= p.term_months.front()) {
        r.fail("deductible_months", "must be shorter than the shortest term");
    }
    p.mileage = parse_mileage(r.object("mileage_limit"), file);
    p.free_tow_km = static_cast<int>(r.integer("free_tow_km", 0, 1000));
    p.remote_support_min_km = static_cast<int>(r.integer("remote_support_min_km", 0, 10000));
    for (const json& s : r.array("sources")) {
        if (!s.is_string()) r.fail("sources", "must hold strings");
        p.sources.push_back(s.get<std::string>());
    }
    return p;
}

ProductCatalog load_products(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw ConfigError(dir.string() + ": product directory not found");
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<Product> products;
    std::map<std::string, std::string> seen;
    for (const auto& path : files) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) throw ConfigError(path.string() + ": cannot be read");
        Product p = parse_product(text.str(), path.string());
        if (p.id != path.stem().string()) {
            throw ConfigError(path.string() + ": field \"id\": must equal the file name (\"" +
                              path.stem().string() + "\")");
        }
        products.push_back(std::move(p));
    }
    if (products.empty()) throw ConfigError(dir.string() + ": no product files (*.json)");
    return ProductCatalog(std::move(products));
}

}  // namespace roadside::config
