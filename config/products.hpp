#pragma once
// Warranty products (plans), loaded from one JSON file per product under config/products/.
// The facts come from the source documents; every file names the passages it was taken from.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace roadside::config {

// Which contracts carry a distance limit, and how large it is
// (Cartender 保証規定 第3条2, 買得典 走行距離制限).
struct MileageRule {
    bool corporate = false;          // 法人名義 vehicles are limited
    // The number classes that are limited (1・4・8ナンバー): classes of the vehicle's kind and use
    // on the 車検証 (dispatch::number_class), not the first digit of its plate.
    std::vector<int> plate_classes;
    std::int64_t km_per_year = 0;          // limit = km_per_year × contract years
    std::optional<std::int64_t> fixed_km;  // a limit for every contract of the plan (買得典 VT)
};

struct Product {
    std::string id;
    std::string provider;  // cartender | kaitokuten | aucnet
    std::string name;      // as the documents write it
    std::string origin;    // domestic | import
    bool road_service = false;
    int deductible_months = 0;            // 免責期間, counted from the start date
    bool zero_deductible_option = false;  // 免責ゼロ特約 can be added
    std::vector<int> term_months;         // the terms the plan is sold with, ascending
    MileageRule mileage;
    int free_tow_km = 0;            // ロードサービス規定 第1条2(1)
    int remote_support_min_km = 0;  // ロードサービス規定 第1条3(1)
    std::vector<std::string> sources;

    int max_term_months() const { return term_months.empty() ? 0 : term_months.back(); }
    bool offers_term(int months) const;
};

// Thrown at start when a configuration file is unusable; the message names the file and field.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ProductCatalog {
  public:
    ProductCatalog() = default;
    explicit ProductCatalog(std::vector<Product> products);

    const Product* find(std::string_view id) const;
    const std::vector<Product>& all() const { return products_; }  // sorted by id

  private:
    std::vector<Product> products_;
    std::map<std::string, std::size_t, std::less<>> index_;
};

// Loads every *.json in `dir`. Each file must hold one product whose id equals the file name.
ProductCatalog load_products(const std::filesystem::path& dir);

// Parses one product file's text; `file` is only used in error messages.
Product parse_product(const std::string& text, const std::string& file);

}  // namespace roadside::config
