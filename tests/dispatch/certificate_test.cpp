// The 車検証閲覧アプリ export (車検証情報取込ファイル) as the source of the vehicle that
// ロードサービス規定 第5条 is checked against: sizes in cm, full-width text, era dates, both the
// 登録車 (RegistCarLightCar 01) and the 軽自動車 (02) layouts. The official 国土交通省 samples are
// read from tests/data/shakensho (copies of shared/data/shakensho); variants are those samples with one field changed.
#include "dispatch/certificate.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dispatch/plate.hpp"

namespace roadside::dispatch {
namespace {

using RC = ReasonCode;
using K = VehicleKind;
using U = VehicleUse;

// ---------------------------------------------------------------------------------------------
// Loading the official samples

// Unchanged copies of the official samples live in tests/data/shakensho (see its README).
std::filesystem::path samples_dir() {
    const char* source = std::getenv("ROADSIDE_SOURCE_DIR");
    if (source == nullptr) throw std::runtime_error("ROADSIDE_SOURCE_DIR is not set: run with ctest");
    return std::filesystem::path(source) / "tests" / "data" / "shakensho";
}

// The api layer's job in production: CertInfo as a flat map of strings.
CertificateFields read_sample(const std::string& file) {
    std::ifstream in(samples_dir() / file);
    if (!in) {
        ADD_FAILURE() << "cannot open sample " << (samples_dir() / file);
        return {};
    }
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("CertInfo") || !doc["CertInfo"].is_object()) {
        ADD_FAILURE() << file << " is not a 車検証 export";
        return {};
    }
    CertificateFields fields;
    for (const auto& [key, value] : doc["CertInfo"].items()) {
        if (!value.is_string()) {
            ADD_FAILURE() << file << ": " << key << " is not a string";
            continue;
        }
        fields.emplace(key, value.get<std::string>());
    }
    return fields;
}

const CertificateFields& sample(const std::string& file) {
    static std::map<std::string, CertificateFields> cache;
    auto it = cache.find(file);
    if (it == cache.end()) it = cache.emplace(file, read_sample(file)).first;
    return it->second;
}

const std::vector<std::string> kSampleFiles = {"sample01.json", "sample03.json", "sample04.json",
                                               "K_sample01.json", "K_sample02.json"};

// One change to a sample: a new value, or std::nullopt to remove the key.
using Edits = std::vector<std::pair<std::string, std::optional<std::string>>>;

CertificateFields edited(const std::string& file, const Edits& edits) {
    CertificateFields fields = sample(file);
    for (const auto& [key, value] : edits) {
        if (value) {
            fields[key] = *value;
        } else {
            fields.erase(key);
        }
    }
    return fields;
}

// ---------------------------------------------------------------------------------------------
// Readable failures

std::string describe(const CertificateResult& result) {
    if (const auto* e = std::get_if<CertificateError>(&result)) {
        return "CertificateError{" + e->key + ": " + e->problem + "}";
    }
    return "ImportedCertificate";
}

std::string date_text(const std::optional<core::Date>& d) {
    return d ? core::format_date(*d) : std::string("none");
}

std::vector<std::string> reason_names(const Vehicle& v) {
    std::vector<std::string> out;
    for (const Reason& r : check_vehicle(v)) out.emplace_back(to_string(r.code));
    return out;
}

std::vector<std::string> names(const std::vector<RC>& codes) {
    std::vector<std::string> out;
    for (const RC c : codes) out.emplace_back(to_string(c));
    return out;
}

#define ASSERT_IMPORTED(result) \
    ASSERT_TRUE(std::holds_alternative<ImportedCertificate>(result)) << describe(result)
#define ASSERT_CERT_ERROR(result) \
    ASSERT_TRUE(std::holds_alternative<CertificateError>(result)) << describe(result)

// ---------------------------------------------------------------------------------------------
// Era dates: 昭和 1926-12-25..1989-01-07, 平成 1989-01-08..2019-04-30, 令和 from 2019-05-01.

struct EraCase {
    const char* era;
    const char* year;
    const char* month;
    const char* day;
    const char* expected;  // YYYY-MM-DD, or nullptr when the date must be refused
};

TEST(EraDate, ValidDatesAsTheCertificateWritesThem) {
    const EraCase cases[] = {
        {"令和", " 8", " 1", " 3", "2026-01-03"},        // sample01 有効期間の満了する日
        {"令和", " 5", " 7", "26", "2023-07-26"},        // K_sample01 交付年月日
        {"令和", "８", "１", "３", "2026-01-03"},        // full-width digits
        {"令和", "　８", "　１", "　３", "2026-01-03"},  // full-width padding
        {"　令和　", "8", "1", "3", "2026-01-03"},
        {"令和", "08", "01", "03", "2026-01-03"},
        {"令和", " 1", " 5", " 1", "2019-05-01"},  // first day of 令和
        {"令和", "元", " 5", " 1", "2019-05-01"},  // 元年
        {"令和", " 元 ", "12", "31", "2019-12-31"},
        {"令和", " 6", " 2", "29", "2024-02-29"},  // leap year
        {"平成", "31", " 4", "30", "2019-04-30"},  // last day of 平成
        {"平成", " 1", " 1", " 8", "1989-01-08"},  // first day of 平成
        {"平成", "元", " 1", " 8", "1989-01-08"},
        {"平成", "12", " 2", "29", "2000-02-29"},  // 2000 is a leap year
        {"昭和", "64", " 1", " 7", "1989-01-07"},  // last day of 昭和
        {"昭和", " 1", "12", "25", "1926-12-25"},  // first day of 昭和
        {"昭和", "63", "12", "31", "1988-12-31"},
        {"令和", "99", "12", "31", "2117-12-31"},  // the current era has no end
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.era) + "/" + c.year + "/" + c.month + "/" + c.day);
        const auto date = parse_era_date(c.era, c.year, c.month, c.day);
        EXPECT_EQ(date_text(date), c.expected);
    }
}

TEST(EraDate, RefusesDatesOutsideTheirEraAndGarbage) {
    const EraCase cases[] = {
        {"平成", "31", " 5", " 1", nullptr},  // that day is 令和元年5月1日
        {"平成", "32", " 1", " 1", nullptr},
        {"令和", " 1", " 4", "30", nullptr},  // still 平成31年
        {"令和", "元", " 1", " 1", nullptr},
        {"平成", " 1", " 1", " 7", nullptr},  // still 昭和64年
        {"昭和", "64", " 1", " 8", nullptr},  // already 平成元年
        {"昭和", " 1", "12", "24", nullptr},  // still 大正
        {"令和", " 8", " 2", "30", nullptr},  // no such day
        {"令和", " 7", " 2", "29", nullptr},  // 2025 is not a leap year
        {"平成", "11", " 2", "29", nullptr},  // 1999 is not a leap year
        {"令和", " 8", " 4", "31", nullptr},
        {"令和", " 8", "13", " 1", nullptr},
        {"令和", " 8", " 0", " 1", nullptr},
        {"令和", " 8", " 1", " 0", nullptr},
        {"令和", " 8", " 1", "32", nullptr},
        {"令和", " 0", " 1", " 1", nullptr},
        {"令和", "100", " 1", " 1", nullptr},
        {"令和", "99999999999999999999", " 1", " 1", nullptr},
        {"令和", "-1", " 1", " 1", nullptr},
        {"令和", "+8", " 1", " 1", nullptr},
        {"令和", "8.0", " 1", " 1", nullptr},
        {"令和", "8 1", " 1", " 1", nullptr},
        {"令和", "八", " 1", " 1", nullptr},
        {"令和", " 8", "元", " 1", nullptr},  // 元 is a year, never a month
        {"令和", "-", "-", "-", nullptr},
        {"大正", "15", " 1", " 1", nullptr},
        {"明治", " 1", " 1", " 1", nullptr},
        {"R", " 8", " 1", " 3", nullptr},
        {"", " 8", " 1", " 3", nullptr},
        {"令和", "", " 1", " 3", nullptr},
        {"令和", " 8", "", " 3", nullptr},
        {"令和", " 8", " 1", "", nullptr},
        {"令和", "  ", " 1", " 3", nullptr},
        {"令和", " 8", " 1", "　", nullptr},
        {"令和", "ＸＸ", " 1", " 3", nullptr},
        {"令和", " 8", " 1", "3日", nullptr},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.era) + "/" + c.year + "/" + c.month + "/" + c.day);
        EXPECT_EQ(date_text(parse_era_date(c.era, c.year, c.month, c.day)), "none");
    }
}

// ---------------------------------------------------------------------------------------------
// The official samples

TEST(CertificateSamples, AllFiveAreFlatStringMaps) {
    for (const auto& file : kSampleFiles) {
        SCOPED_TRACE(file);
        EXPECT_FALSE(sample(file).empty());
        EXPECT_TRUE(sample(file).count("RegistCarLightCar"));
    }
}

// ロードサービス規定 第5条: a motorcycle is a 小型 on its certificate, but two-wheelers are
// excluded.
TEST(CertificateSamples, Sample01MotorcycleIsATwoWheeler) {
    const auto result = import_certificate(sample("sample01.json"));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.layout, CertificateLayout::registered);
    EXPECT_EQ(c.vehicle.kind, K::two_wheel);
    EXPECT_EQ(c.vehicle.use, U::passenger);
    EXPECT_TRUE(c.vehicle.private_use);
    EXPECT_EQ(c.vehicle.body_shape, "オートバイ");
    EXPECT_EQ(c.vehicle.plate, "札幌 お 2994");
    EXPECT_EQ(c.vehicle.chassis_no, "RC63-IT233010");
    EXPECT_EQ(c.vehicle.length_mm, 2210);
    EXPECT_EQ(c.vehicle.width_mm, 830);
    EXPECT_EQ(c.vehicle.height_mm, 1280);
    EXPECT_EQ(c.vehicle.gross_weight_kg, 320);
    EXPECT_EQ(c.vehicle.seating_capacity, 2);
    EXPECT_EQ(c.max_load_kg, std::nullopt);
    EXPECT_EQ(core::format_date(c.vehicle.inspection_expiry), "2026-01-03");
    EXPECT_EQ(date_text(c.registration_date), "2023-01-04");
    EXPECT_EQ(c.car_name, "ホンダ");
    EXPECT_EQ(c.model, "EBL-RC63");
    EXPECT_EQ(c.user_address, "北海道札幌市中央区北1条西1丁目1234");
    EXPECT_EQ(c.use_base_address, c.user_address) << "＊＊＊: same as the user's address";
    EXPECT_EQ(reason_names(c.vehicle), names({RC::vehicle_type_not_covered}));
}

// ロードサービス規定 第5条: 車両総重量 3,775 kg is over 3,000 kg; everything else is within limits.
TEST(CertificateSamples, Sample03SmallTruckIsTooHeavyOnly) {
    const auto result = import_certificate(sample("sample03.json"));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.layout, CertificateLayout::registered);
    EXPECT_EQ(c.vehicle.kind, K::small);
    EXPECT_EQ(c.vehicle.use, U::cargo);
    EXPECT_TRUE(c.vehicle.private_use);
    EXPECT_EQ(c.vehicle.body_shape, "キャブオーバ");
    EXPECT_EQ(c.vehicle.plate, "横浜 411 お 9008");
    EXPECT_EQ(c.vehicle.chassis_no, "TEST9008");
    EXPECT_EQ(c.vehicle.length_mm, 4690);
    EXPECT_EQ(c.vehicle.width_mm, 1690);
    EXPECT_EQ(c.vehicle.height_mm, 1990);
    EXPECT_EQ(c.vehicle.gross_weight_kg, 3775);
    EXPECT_EQ(c.vehicle.seating_capacity, 3);
    EXPECT_EQ(c.max_load_kg, 2000);
    EXPECT_EQ(core::format_date(c.vehicle.inspection_expiry), "2025-01-03");
    EXPECT_EQ(date_text(c.registration_date), "2023-01-04");
    EXPECT_EQ(c.car_name, "トヨタ");
    EXPECT_EQ(c.model, "RK170");
    // The user fields are ＊＊＊: the user is the owner printed above them.
    EXPECT_EQ(c.user_address, "神奈川県横浜市西区浅間町11丁目1");
    EXPECT_EQ(c.use_base_address, "神奈川県横浜市西区浅間町11丁目1");
    EXPECT_EQ(reason_names(c.vehicle), names({RC::vehicle_too_heavy}));
}

// Form B moves the owner into NoteInfo and leaves the owner fields empty; the vehicle is unchanged.
TEST(CertificateSamples, Sample04FormBIsTheSameTruck) {
    const auto result = import_certificate(sample("sample04.json"));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.layout, CertificateLayout::registered);
    EXPECT_EQ(c.vehicle.kind, K::small);
    EXPECT_EQ(c.vehicle.use, U::cargo);
    EXPECT_EQ(c.vehicle.plate, "横浜 411 お 9010");
    EXPECT_EQ(c.vehicle.chassis_no, "TEST9010");
    EXPECT_EQ(c.vehicle.length_mm, 4690);
    EXPECT_EQ(c.vehicle.width_mm, 1690);
    EXPECT_EQ(c.vehicle.gross_weight_kg, 3775);
    EXPECT_EQ(c.vehicle.seating_capacity, 3);
    EXPECT_EQ(core::format_date(c.vehicle.inspection_expiry), "2025-01-03");
    EXPECT_EQ(date_text(c.registration_date), "2023-01-04");
    EXPECT_EQ(c.user_address, "神奈川県横浜市西区浅間町");
    EXPECT_EQ(c.use_base_address, "神奈川県横浜市西区浅間町");
    EXPECT_EQ(reason_names(c.vehicle), names({RC::vehicle_too_heavy}));
}

// ロードサービス規定 第5条: a private kei passenger car (軽四輪乗用) within every limit.
TEST(CertificateSamples, KSample01KeiPassengerCarIsEligible) {
    const auto result = import_certificate(sample("K_sample01.json"));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.layout, CertificateLayout::kei);
    EXPECT_EQ(c.vehicle.kind, K::kei);
    EXPECT_EQ(c.vehicle.use, U::passenger);
    EXPECT_TRUE(c.vehicle.private_use);
    EXPECT_EQ(c.vehicle.body_shape, "箱型");
    EXPECT_EQ(c.vehicle.plate, "室蘭 580 お 225");
    EXPECT_EQ(c.vehicle.chassis_no, "LA100S-0044108883");
    EXPECT_EQ(c.vehicle.length_mm, 3390);
    EXPECT_EQ(c.vehicle.width_mm, 1470);
    EXPECT_EQ(c.vehicle.height_mm, 1630);
    EXPECT_EQ(c.vehicle.gross_weight_kg, 1030);
    EXPECT_EQ(c.vehicle.seating_capacity, 4);
    EXPECT_EQ(c.max_load_kg, std::nullopt) << "Maxloadage \"-\" = not applicable";
    EXPECT_EQ(core::format_date(c.vehicle.inspection_expiry), "2026-07-25");
    EXPECT_EQ(date_text(c.registration_date), "2023-07-26") << "交付年月日 of a 軽";
    EXPECT_EQ(c.car_name, "ダイハツ");
    EXPECT_EQ(c.model, "DBA-LA100S");
    EXPECT_EQ(c.user_address, "北海道室蘭市中島町");
    EXPECT_EQ(c.use_base_address, "北海道室蘭市中島町") << "使用者住所に同じ";
    EXPECT_EQ(reason_names(c.vehicle), names({}));
}

TEST(CertificateSamples, KSample02PlateWithoutClassNumber) {
    const auto result = import_certificate(sample("K_sample02.json"));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.layout, CertificateLayout::kei);
    EXPECT_EQ(c.vehicle.kind, K::kei);
    EXPECT_EQ(c.vehicle.plate, "室蘭 お 1");
    EXPECT_EQ(plate_class_digit(c.vehicle.plate), std::nullopt);
    EXPECT_EQ(c.vehicle.chassis_no, "0044108887");
    EXPECT_EQ(c.vehicle.seating_capacity, 2);
    EXPECT_EQ(c.vehicle.gross_weight_kg, 930);
    EXPECT_EQ(c.vehicle.length_mm, 3390);
    EXPECT_EQ(c.vehicle.width_mm, 1470);
    EXPECT_EQ(c.vehicle.height_mm, 1770);
    EXPECT_EQ(core::format_date(c.vehicle.inspection_expiry), "2026-07-25");
    EXPECT_EQ(c.use_base_address, "北海道室蘭市中島町");
    EXPECT_EQ(reason_names(c.vehicle), names({}));
}

// The readable plate and the raw certificate text must give the same matching key.
TEST(CertificateSamples, PlateMatchesTheCertificateAfterNormalisation) {
    for (const auto& file : kSampleFiles) {
        SCOPED_TRACE(file);
        const auto result = import_certificate(sample(file));
        ASSERT_IMPORTED(result);
        const auto& plate = std::get<ImportedCertificate>(result).vehicle.plate;
        EXPECT_EQ(normalize_plate(plate), normalize_plate(sample(file).at("EntryNoCarNo")));
        EXPECT_EQ(plate.find("  "), std::string::npos) << "single-spaced";
        EXPECT_EQ(plate.find("\xE3\x80\x80"), std::string::npos) << "no U+3000 left";
    }
}

// ---------------------------------------------------------------------------------------------
// Variants: one sample with a field or two changed, judged by ロードサービス規定 第5条.

struct VariantCase {
    const char* name;
    const char* file;
    Edits edits;
    K kind;
    U use;
    std::vector<RC> reasons;
};

void PrintTo(const VariantCase& c, std::ostream* os) {
    *os << c.name;
}

class CertificateVariants : public testing::TestWithParam<VariantCase> {};

TEST_P(CertificateVariants, Article5Verdict) {
    const VariantCase& c = GetParam();
    const auto result = import_certificate(edited(c.file, c.edits));
    ASSERT_IMPORTED(result);
    const Vehicle& v = std::get<ImportedCertificate>(result).vehicle;
    EXPECT_EQ(v.kind, c.kind);
    EXPECT_EQ(v.use, c.use);
    EXPECT_EQ(reason_names(v), names(c.reasons));
}

// ロードサービス規定 第5条: ≤ 5,500 mm long, ≤ 1,950 mm wide, ≤ 3,000 kg gross, all inclusive;
// 自家用 普通/小型/軽 × 乗用/貨物, and 特種用途 only as キャンピング車.
INSTANTIATE_TEST_SUITE_P(
    Article5, CertificateVariants,
    testing::Values(
        VariantCase{"KeiAsIs", "K_sample01.json", {}, K::kei, U::passenger, {}},
        VariantCase{"BusinessUse",
                    "K_sample01.json",
                    {{"PrivateBusiness", "事業用"}},
                    K::kei,
                    U::passenger,
                    {RC::vehicle_not_private_use}},
        VariantCase{"PrivateBusinessWithSpaces",
                    "K_sample01.json",
                    {{"PrivateBusiness", "自　家　用"}},
                    K::kei,
                    U::passenger,
                    {}},
        VariantCase{"SpecialCamper",
                    "K_sample01.json",
                    {{"Use", "特種"}, {"CarShape", "キャンピング車"}},
                    K::kei,
                    U::special,
                    {}},
        VariantCase{"SpecialPurposeCamper",
                    "sample03.json",
                    {{"Use", "特種用途"}, {"CarShape", "キャンピング車"}, {"CarTotalWgt", "2990"}},
                    K::small,
                    U::special,
                    {}},
        VariantCase{"SpecialRefrigeratorBody",
                    "K_sample01.json",
                    {{"Use", "特種"}, {"CarShape", "冷蔵冷凍車"}},
                    K::kei,
                    U::special,
                    {RC::vehicle_type_not_covered}},
        VariantCase{
            "BusinessCamper",
            "K_sample01.json",
            {{"Use", "特種"}, {"CarShape", "キャンピング車"}, {"PrivateBusiness", "事業用"}},
            K::kei,
            U::special,
            {RC::vehicle_not_private_use}},
        VariantCase{"OrdinaryFullWidthSpace",
                    "K_sample01.json",
                    {{"CarKind", "普　通"}, {"Length", "469"}, {"Width", "169"}},
                    K::ordinary,
                    U::passenger,
                    {}},
        VariantCase{"OrdinaryNoSpace",
                    "K_sample01.json",
                    {{"CarKind", "普通"}},
                    K::ordinary,
                    U::passenger,
                    {}},
        VariantCase{"SmallHalfWidthSpace",
                    "K_sample01.json",
                    {{"CarKind", "小 型"}},
                    K::small,
                    U::passenger,
                    {}},
        VariantCase{
            "SmallCargo3000kg", "sample03.json", {{"CarTotalWgt", "3000"}}, K::small, U::cargo, {}},
        VariantCase{"SmallCargo3001kg",
                    "sample03.json",
                    {{"CarTotalWgt", "3001"}},
                    K::small,
                    U::cargo,
                    {RC::vehicle_too_heavy}},
        VariantCase{"Width195cm",
                    "sample03.json",
                    {{"CarTotalWgt", "2500"}, {"Width", "195"}},
                    K::small,
                    U::cargo,
                    {}},
        VariantCase{"Width196cm",
                    "sample03.json",
                    {{"CarTotalWgt", "2500"}, {"Width", "196"}},
                    K::small,
                    U::cargo,
                    {RC::vehicle_too_wide}},
        VariantCase{"Length550cm",
                    "sample03.json",
                    {{"CarTotalWgt", "2500"}, {"Length", "550"}},
                    K::small,
                    U::cargo,
                    {}},
        VariantCase{"Length551cm",
                    "sample03.json",
                    {{"CarTotalWgt", "2500"}, {"Length", "551"}},
                    K::small,
                    U::cargo,
                    {RC::vehicle_too_long}},
        VariantCase{"FullWidthLimits",
                    "sample03.json",
                    {{"CarTotalWgt", "３０００"}, {"Length", "５５０"}, {"Width", "１９５"}},
                    K::small,
                    U::cargo,
                    {}},
        VariantCase{"EverySizeAndBusiness",
                    "sample03.json",
                    {{"PrivateBusiness", "事業用"},
                     {"Length", "551"},
                     {"Width", "196"},
                     {"CarTotalWgt", "3001"}},
                    K::small,
                    U::cargo,
                    {RC::vehicle_not_private_use, RC::vehicle_too_long, RC::vehicle_too_wide,
                     RC::vehicle_too_heavy}},
        VariantCase{"LargeSpecial",
                    "sample03.json",
                    {{"CarKind", "大型特殊"}, {"CarTotalWgt", "2500"}},
                    K::large_special,
                    U::cargo,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"SmallSpecial",
                    "K_sample01.json",
                    {{"CarKind", "小型特殊"}},
                    K::small_special,
                    U::passenger,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"Bus",
                    "sample03.json",
                    {{"Use", "乗合"}, {"CarTotalWgt", "2500"}},
                    K::small,
                    U::bus,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"SidecarMotorcycle",
                    "sample01.json",
                    {{"CarShape", "側車付オートバイ"}},
                    K::two_wheel,
                    U::passenger,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"MotorcycleAsOrdinary",
                    "sample01.json",
                    {{"CarKind", "普　通"}},
                    K::two_wheel,
                    U::passenger,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"MotorcycleFullWidthShape",
                    "sample01.json",
                    {{"CarShape", "　オートバイ　"}},
                    K::two_wheel,
                    U::passenger,
                    {RC::vehicle_type_not_covered}},
        VariantCase{"KeiCargo",
                    "K_sample02.json",
                    {{"Use", "貨物"}, {"CarShape", "バン"}, {"Maxloadage", "350"}},
                    K::kei,
                    U::cargo,
                    {}}),
    [](const testing::TestParamInfo<VariantCase>& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------------------------
// Numbers: full-width digits, padding, cm -> mm.

struct NumberCase {
    const char* key;
    const char* value;
    int expected;
    int (*field)(const ImportedCertificate&);
};

int length_mm(const ImportedCertificate& c) {
    return c.vehicle.length_mm;
}
int width_mm(const ImportedCertificate& c) {
    return c.vehicle.width_mm;
}
int height_mm(const ImportedCertificate& c) {
    return c.vehicle.height_mm.value_or(-1);
}
int gross_kg(const ImportedCertificate& c) {
    return c.vehicle.gross_weight_kg;
}
int seats(const ImportedCertificate& c) {
    return c.vehicle.seating_capacity;
}
int max_load(const ImportedCertificate& c) {
    return c.max_load_kg.value_or(-1);
}

TEST(CertificateNumbers, FullWidthPaddedAndInCentimetres) {
    const NumberCase cases[] = {
        {"Cap", "４", 4, seats},
        {"Cap", " 4 ", 4, seats},
        {"Cap", "　４　", 4, seats},
        {"Cap", "04", 4, seats},
        {"Cap", "999", 999, seats},
        {"Length", "３３９", 3390, length_mm},
        {"Length", "1", 10, length_mm},
        {"Length", "10000", 100000, length_mm},
        {"Width", "１４７", 1470, width_mm},
        {"Height", "１６３", 1630, height_mm},
        {"Height", "-", -1, height_mm},
        {"Height", "－", -1, height_mm},  // full-width dash
        {"Height", "", -1, height_mm},
        {"Height", " ", -1, height_mm},
        {"CarTotalWgt", "１０３０", 1030, gross_kg},
        {"CarTotalWgt", "200000", 200000, gross_kg},
        {"Maxloadage", "350", 350, max_load},
        {"Maxloadage", "0", 0, max_load},
        {"Maxloadage", "-  ", -1, max_load},
        {"Maxloadage", "", -1, max_load},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.key) + "=\"" + c.value + "\"");
        const auto result = import_certificate(edited("K_sample01.json", {{c.key, c.value}}));
        ASSERT_IMPORTED(result);
        EXPECT_EQ(c.field(std::get<ImportedCertificate>(result)), c.expected);
    }
}

TEST(CertificateNumbers, OptionalKeysMayBeAbsent) {
    const auto result = import_certificate(
        edited("K_sample01.json", {{"Height", std::nullopt}, {"Maxloadage", std::nullopt}}));
    ASSERT_IMPORTED(result);
    const auto& c = std::get<ImportedCertificate>(result);
    EXPECT_EQ(c.vehicle.height_mm, std::nullopt);
    EXPECT_EQ(c.max_load_kg, std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Errors: the 400 names the key.

struct ErrorCase {
    const char* name;
    const char* file;
    Edits edits;
    const char* key;
    const char* problem;  // exact text, or nullptr when only the key matters
};

void PrintTo(const ErrorCase& c, std::ostream* os) {
    *os << c.name;
}

class CertificateErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(CertificateErrors, NameTheKey) {
    const ErrorCase& c = GetParam();
    const auto result = import_certificate(edited(c.file, c.edits));
    ASSERT_CERT_ERROR(result);
    const auto& e = std::get<CertificateError>(result);
    EXPECT_EQ(e.key, c.key);
    EXPECT_FALSE(e.problem.empty());
    if (c.problem != nullptr) {
        EXPECT_EQ(e.problem, c.problem);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Unreadable, CertificateErrors,
    testing::Values(
        ErrorCase{
            "LengthMissing", "sample03.json", {{"Length", std::nullopt}}, "Length", "is missing"},
        ErrorCase{"LengthEmpty", "sample03.json", {{"Length", ""}}, "Length", "must not be empty"},
        ErrorCase{
            "LengthBlank", "sample03.json", {{"Length", "　 "}}, "Length", "must not be empty"},
        ErrorCase{"LengthText",
                  "sample03.json",
                  {{"Length", "abc"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthNotApplicable",
                  "sample03.json",
                  {{"Length", "-"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthDecimal",
                  "sample03.json",
                  {{"Length", "46.9"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthNegative",
                  "sample03.json",
                  {{"Length", "-469"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthInnerSpace",
                  "sample03.json",
                  {{"Length", "4 69"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthWithUnit",
                  "sample03.json",
                  {{"Length", "469cm"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthHuge",
                  "sample03.json",
                  {{"Length", "99999999999999999999"}},
                  "Length",
                  "must be a number of centimetres"},
        ErrorCase{"LengthZero",
                  "sample03.json",
                  {{"Length", "0"}},
                  "Length",
                  "must be between 1 and 10000 centimetres"},
        ErrorCase{"LengthTooBig",
                  "sample03.json",
                  {{"Length", "10001"}},
                  "Length",
                  "must be between 1 and 10000 centimetres"},
        ErrorCase{"WidthTooBig",
                  "sample03.json",
                  {{"Width", "1001"}},
                  "Width",
                  "must be between 1 and 1000 centimetres"},
        ErrorCase{"WidthText",
                  "K_sample01.json",
                  {{"Width", "広い"}},
                  "Width",
                  "must be a number of centimetres"},
        ErrorCase{"HeightText",
                  "K_sample01.json",
                  {{"Height", "abc"}},
                  "Height",
                  "must be a number of centimetres"},
        ErrorCase{"HeightZero", "K_sample01.json", {{"Height", "0"}}, "Height", nullptr},
        ErrorCase{"GrossWeightText",
                  "K_sample01.json",
                  {{"CarTotalWgt", "1t"}},
                  "CarTotalWgt",
                  "must be a number of kilograms"},
        ErrorCase{"GrossWeightNotApplicable",
                  "K_sample01.json",
                  {{"CarTotalWgt", "-"}},
                  "CarTotalWgt",
                  "must be a number of kilograms"},
        ErrorCase{
            "GrossWeightZero", "K_sample01.json", {{"CarTotalWgt", "0"}}, "CarTotalWgt", nullptr},
        ErrorCase{"MaxLoadText",
                  "sample03.json",
                  {{"Maxloadage", "x"}},
                  "Maxloadage",
                  "must be a number of kilograms"},
        ErrorCase{
            "SeatsKanji", "K_sample01.json", {{"Cap", "四"}}, "Cap", "must be a number of seats"},
        ErrorCase{"SeatsZero",
                  "K_sample01.json",
                  {{"Cap", "0"}},
                  "Cap",
                  "must be between 1 and 999 seats"},
        ErrorCase{"UnknownCarKind", "K_sample01.json", {{"CarKind", "特殊"}}, "CarKind", nullptr},
        ErrorCase{"CarKindEnglish", "K_sample01.json", {{"CarKind", "kei"}}, "CarKind", nullptr},
        ErrorCase{"UnknownUse", "K_sample01.json", {{"Use", "営業"}}, "Use", nullptr},
        ErrorCase{"UnknownPrivateBusiness",
                  "K_sample01.json",
                  {{"PrivateBusiness", "官用"}},
                  "PrivateBusiness",
                  nullptr},
        ErrorCase{"PlateBlank",
                  "K_sample01.json",
                  {{"EntryNoCarNo", "　　"}},
                  "EntryNoCarNo",
                  "must not be empty"},
        ErrorCase{"BodyShapeEmpty",
                  "K_sample01.json",
                  {{"CarShape", ""}},
                  "CarShape",
                  "must not be empty"},
        ErrorCase{"BodyShapeNotUtf8",
                  "K_sample01.json",
                  {{"CarShape", "\xFF\xFE"}},
                  "CarShape",
                  "must be valid UTF-8"},
        ErrorCase{"BodyShapeTooLong",
                  "K_sample01.json",
                  {{"CarShape", std::string(5000, 'a')}},
                  "CarShape",
                  "is longer than 1024 bytes"},
        ErrorCase{"ExpiryEraGarbage",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateE", "大正"}},
                  "ValidPeriodExpirdateE",
                  "must be 昭和, 平成 or 令和"},
        ErrorCase{"ExpiryYearGarbage",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateY", "ＸＸ"}},
                  "ValidPeriodExpirdateY",
                  nullptr},
        ErrorCase{"ExpiryYearEmpty",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateY", ""}},
                  "ValidPeriodExpirdateY",
                  "must not be empty"},
        ErrorCase{"ExpiryMonth13",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateM", "13"}},
                  "ValidPeriodExpirdateM",
                  nullptr},
        ErrorCase{"ExpiryFebruary30",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateM", " 2"}, {"ValidPeriodExpirdateD", "30"}},
                  "ValidPeriodExpirdateD",
                  "is not a day of that month"},
        ErrorCase{"ExpiryOutsideHeisei",
                  "K_sample01.json",
                  {{"ValidPeriodExpirdateE", "平成"},
                   {"ValidPeriodExpirdateY", "31"},
                   {"ValidPeriodExpirdateM", " 5"},
                   {"ValidPeriodExpirdateD", " 1"}},
                  "ValidPeriodExpirdateY",
                  nullptr},
        ErrorCase{"ExpiryDayMissing",
                  "sample01.json",
                  {{"ValidPeriodExpirdateD", std::nullopt}},
                  "ValidPeriodExpirdateD",
                  "is missing"},
        ErrorCase{"RegistrationMonthGarbage",
                  "sample03.json",
                  {{"ReggrantdateM", "１３"}},
                  "ReggrantdateM",
                  nullptr},
        ErrorCase{"RegistrationPartlyBlank",
                  "sample03.json",
                  {{"ReggrantdateD", ""}},
                  "ReggrantdateD",
                  "must not be empty"},
        ErrorCase{"KeiGrantDateGarbage",
                  "K_sample01.json",
                  {{"GrantdateY", "ZZ"}},
                  "GrantdateY",
                  nullptr},
        ErrorCase{"UnknownLayout",
                  "K_sample01.json",
                  {{"RegistCarLightCar", "03"}},
                  "RegistCarLightCar",
                  nullptr},
        // The first problem in reading order is the one reported: Length before Width.
        ErrorCase{"FirstProblemWins",
                  "sample03.json",
                  {{"Width", "x"}, {"Length", "y"}},
                  "Length",
                  nullptr}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

// Every key needed to build the Vehicle is required, in both layouts.
TEST(CertificateRequiredKeys, EachMissingKeyIsNamed) {
    const char* required[] = {"EntryNoCarNo",
                              "CarKind",
                              "Use",
                              "PrivateBusiness",
                              "CarShape",
                              "Cap",
                              "CarTotalWgt",
                              "Length",
                              "Width",
                              "ValidPeriodExpirdateE",
                              "ValidPeriodExpirdateY",
                              "ValidPeriodExpirdateM",
                              "ValidPeriodExpirdateD"};
    for (const char* file : {"sample03.json", "K_sample01.json"}) {
        for (const char* key : required) {
            SCOPED_TRACE(std::string(file) + " without " + key);
            const auto result = import_certificate(edited(file, {{key, std::nullopt}}));
            ASSERT_CERT_ERROR(result);
            EXPECT_EQ(std::get<CertificateError>(result).key, key);
            EXPECT_EQ(std::get<CertificateError>(result).problem, "is missing");
        }
    }
}

TEST(CertificateRequiredKeys, EmptyCertInfo) {
    const auto result = import_certificate({});
    ASSERT_CERT_ERROR(result);
    EXPECT_EQ(std::get<CertificateError>(result).key, "RegistCarLightCar");
}

// ---------------------------------------------------------------------------------------------
// Layout: from RegistCarLightCar, else from the keys only one layout has.

TEST(CertificateLayouts, WrittenCodeDecides) {
    const std::pair<const char*, CertificateLayout> cases[] = {
        {"01", CertificateLayout::registered},   {"1", CertificateLayout::registered},
        {"０１", CertificateLayout::registered}, {"02", CertificateLayout::kei},
        {" 02 ", CertificateLayout::kei},        {"０２", CertificateLayout::kei},
    };
    for (const auto& [code, layout] : cases) {
        SCOPED_TRACE(code);
        const char* file = layout == CertificateLayout::kei ? "K_sample01.json" : "sample03.json";
        const auto result = import_certificate(edited(file, {{"RegistCarLightCar", code}}));
        ASSERT_IMPORTED(result);
        EXPECT_EQ(std::get<ImportedCertificate>(result).layout, layout);
    }
}

TEST(CertificateLayouts, InferredWhenTheCodeIsMissingOrBlank) {
    for (const auto& code : {std::optional<std::string>{}, std::optional<std::string>{"　"}}) {
        const auto kei =
            import_certificate(edited("K_sample01.json", {{"RegistCarLightCar", code}}));
        ASSERT_IMPORTED(kei);
        EXPECT_EQ(std::get<ImportedCertificate>(kei).layout, CertificateLayout::kei);
        EXPECT_EQ(std::get<ImportedCertificate>(kei).use_base_address, "北海道室蘭市中島町");

        const auto reg = import_certificate(edited("sample03.json", {{"RegistCarLightCar", code}}));
        ASSERT_IMPORTED(reg);
        EXPECT_EQ(std::get<ImportedCertificate>(reg).layout, CertificateLayout::registered);
        EXPECT_EQ(std::get<ImportedCertificate>(reg).user_address,
                  "神奈川県横浜市西区浅間町11丁目1");
    }
}

TEST(CertificateLayouts, NotInferableIsAnError) {
    // Neither layout's own keys.
    Edits neither{{"RegistCarLightCar", std::nullopt}};
    for (const char* key :
         {"UserAddress", "Useheadqrter", "OwnerAddress", "FirstexamdateE", "FAxWgt"}) {
        neither.emplace_back(key, std::nullopt);
    }
    const auto none = import_certificate(edited("K_sample01.json", neither));
    ASSERT_CERT_ERROR(none);
    EXPECT_EQ(std::get<CertificateError>(none).key, "RegistCarLightCar");

    // Keys of both layouts.
    const auto both = import_certificate(
        edited("K_sample01.json", {{"RegistCarLightCar", std::nullopt}, {"UserAddressChar", "x"}}));
    ASSERT_CERT_ERROR(both);
    EXPECT_EQ(std::get<CertificateError>(both).key, "RegistCarLightCar");
}

// ---------------------------------------------------------------------------------------------
// Dates: 有効期間の満了する日 and the 名義変更日 (登録年月日 / 交付年月日) a contract starts on.

TEST(CertificateDates, RegisteredCarPrefersRegistrationDate) {
    const auto result = import_certificate(edited("sample03.json", {{"GrantdateD", " 5"}}));
    ASSERT_IMPORTED(result);
    EXPECT_EQ(date_text(std::get<ImportedCertificate>(result).registration_date), "2023-01-04");
}

TEST(CertificateDates, RegisteredCarFallsBackToGrantDate) {
    const Edits without_reg{{"GrantdateD", " 5"},
                            {"ReggrantdateE", std::nullopt},
                            {"ReggrantdateY", std::nullopt},
                            {"ReggrantdateM", std::nullopt},
                            {"ReggrantdateD", std::nullopt}};
    const auto result = import_certificate(edited("sample03.json", without_reg));
    ASSERT_IMPORTED(result);
    EXPECT_EQ(date_text(std::get<ImportedCertificate>(result).registration_date), "2023-01-05");

    const Edits blank_reg{{"GrantdateD", " 6"},
                          {"ReggrantdateE", ""},
                          {"ReggrantdateY", ""},
                          {"ReggrantdateM", "　"},
                          {"ReggrantdateD", " "}};
    const auto blank = import_certificate(edited("sample03.json", blank_reg));
    ASSERT_IMPORTED(blank);
    EXPECT_EQ(date_text(std::get<ImportedCertificate>(blank).registration_date), "2023-01-06");
}

TEST(CertificateDates, KeiUsesGrantDateAndIgnoresRegistrationKeys) {
    const auto result = import_certificate(edited("K_sample01.json", {{"ReggrantdateE", "令和"},
                                                                      {"ReggrantdateY", " 1"},
                                                                      {"ReggrantdateM", " 6"},
                                                                      {"ReggrantdateD", " 1"}}));
    ASSERT_IMPORTED(result);
    EXPECT_EQ(date_text(std::get<ImportedCertificate>(result).registration_date), "2023-07-26");
}

TEST(CertificateDates, NoRegistrationDateAtAll) {
    const auto result =
        import_certificate(edited("K_sample01.json", {{"GrantdateE", std::nullopt},
                                                      {"GrantdateY", std::nullopt},
                                                      {"GrantdateM", std::nullopt},
                                                      {"GrantdateD", std::nullopt}}));
    ASSERT_IMPORTED(result);
    EXPECT_EQ(std::get<ImportedCertificate>(result).registration_date, std::nullopt);
}

TEST(CertificateDates, InspectionExpiryInEveryEraForm) {
    const struct {
        Edits edits;
        const char* expected;
    } cases[] = {
        {{{"ValidPeriodExpirdateY", "８"}, {"ValidPeriodExpirdateD", "２５"}}, "2026-07-25"},
        {{{"ValidPeriodExpirdateY", "元"},
          {"ValidPeriodExpirdateM", "12"},
          {"ValidPeriodExpirdateD", "31"}},
         "2019-12-31"},
        {{{"ValidPeriodExpirdateE", "平成"},
          {"ValidPeriodExpirdateY", "31"},
          {"ValidPeriodExpirdateM", " 4"},
          {"ValidPeriodExpirdateD", "30"}},
         "2019-04-30"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        const auto result = import_certificate(edited("K_sample01.json", c.edits));
        ASSERT_IMPORTED(result);
        EXPECT_EQ(
            core::format_date(std::get<ImportedCertificate>(result).vehicle.inspection_expiry),
            c.expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses: 使用者の住所 and 使用の本拠の位置, with "＊＊＊" and "使用者住所に同じ" resolved.

struct AddressCase {
    const char* why;
    const char* file;
    Edits edits;
    const char* user;
    const char* use_base;
};

TEST(CertificateAddresses, SameAsAboveResolved) {
    const AddressCase cases[] = {
        {"登録車, own 使用の本拠",
         "sample01.json",
         {{"UseheadqrterChar", "東京都千代田区霞が関"}, {"UseheadqrterNumValue", "２丁目１－３"}},
         "北海道札幌市中央区北1条西1丁目1234",
         "東京都千代田区霞が関2丁目1-3"},
        {"登録車, 使用者住所に同じ",
         "sample01.json",
         {{"UseheadqrterChar", "使用者住所に同じ"}},
         "北海道札幌市中央区北1条西1丁目1234",
         "北海道札幌市中央区北1条西1丁目1234"},
        {"登録車, half-width ***",
         "sample01.json",
         {{"UseheadqrterChar", "***"}},
         "北海道札幌市中央区北1条西1丁目1234",
         "北海道札幌市中央区北1条西1丁目1234"},
        {"登録車, user ＊＊＊ with no owner (form B)",
         "sample04.json",
         {{"UserAddressChar", "＊＊＊"}, {"UseheadqrterChar", "＊＊＊"}},
         "",
         ""},
        {"登録車, user and owner both missing",
         "sample03.json",
         {{"UserAddressChar", std::nullopt},
          {"UserAddressNumValue", std::nullopt},
          {"OwnerAddressChar", std::nullopt},
          {"OwnerAddressNumValue", std::nullopt}},
         "",
         ""},
        {"軽, own 使用の本拠",
         "K_sample01.json",
         {{"Useheadqrter", "北海道札幌市北区"}},
         "北海道室蘭市中島町",
         "北海道札幌市北区"},
        {"軽, ＊＊＊",
         "K_sample01.json",
         {{"Useheadqrter", "＊＊＊"}},
         "北海道室蘭市中島町",
         "北海道室蘭市中島町"},
        {"軽, user ＊＊＊ and owner refers back to the user",
         "K_sample01.json",
         {{"UserAddress", "＊＊＊"}},
         "",
         ""},
        {"軽, user ＊＊＊ and owner written",
         "K_sample01.json",
         {{"UserAddress", "＊＊＊"}, {"OwnerAddress", "北海道室蘭市海岸町"}},
         "北海道室蘭市海岸町",
         "北海道室蘭市海岸町"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.why);
        const auto result = import_certificate(edited(c.file, c.edits));
        ASSERT_IMPORTED(result);
        const auto& imported = std::get<ImportedCertificate>(result);
        EXPECT_EQ(imported.user_address, c.user);
        EXPECT_EQ(imported.use_base_address, c.use_base);
    }
}

// ---------------------------------------------------------------------------------------------
// Robustness: whatever a client sends, the importer answers with a vehicle or a named key.

TEST(CertificateRobustness, EveryKeyRemovedOrGarbled) {
    const std::vector<std::optional<std::string>> garbage = {std::nullopt,
                                                             "",
                                                             "-",
                                                             "　",
                                                             "\xFF",
                                                             "０",
                                                             "99999999999999999999",
                                                             "＊＊＊",
                                                             "使用者住所に同じ",
                                                             std::string(2000, '9'),
                                                             std::string("\0", 1)};
    for (const auto& file : kSampleFiles) {
        for (const auto& [key, original] : sample(file)) {
            for (const auto& value : garbage) {
                const auto result = import_certificate(edited(file, {{key, value}}));
                if (const auto* e = std::get_if<CertificateError>(&result)) {
                    EXPECT_FALSE(e->key.empty()) << file << " " << key;
                    EXPECT_FALSE(e->problem.empty()) << file << " " << key;
                    continue;
                }
                const Vehicle& v = std::get<ImportedCertificate>(result).vehicle;
                EXPECT_TRUE(v.inspection_expiry.ok()) << file << " " << key;
                EXPECT_GT(v.length_mm, 0) << file << " " << key;
                EXPECT_GT(v.width_mm, 0) << file << " " << key;
                EXPECT_GT(v.gross_weight_kg, 0) << file << " " << key;
                EXPECT_GT(v.seating_capacity, 0) << file << " " << key;
                EXPECT_FALSE(v.plate.empty()) << file << " " << key;
                EXPECT_FALSE(v.body_shape.empty()) << file << " " << key;
            }
        }
    }
}

}  // namespace
}  // namespace roadside::dispatch
