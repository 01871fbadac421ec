#pragma once
// A vehicle as written on its 車検証, and the eligibility rules of ロードサービス規定 第5条.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "dispatch/reason.hpp"

namespace roadside::dispatch {

// 車検証「自動車の種別」. small_special (小型特殊) is an addition to the API's list.
enum class VehicleKind { ordinary, small, kei, large_special, small_special, two_wheel };
// 車検証「用途」.
enum class VehicleUse { passenger, cargo, bus, special };

std::string_view to_string(VehicleKind k);
std::string_view to_string(VehicleUse u);
std::optional<VehicleKind> parse_vehicle_kind(std::string_view s);
std::optional<VehicleUse> parse_vehicle_use(std::string_view s);

struct Vehicle {
    std::string plate;       // as written, e.g. "品川 300 あ 1234"
    std::string chassis_no;  // 車台番号
    int length_mm = 0;
    int width_mm = 0;
    std::optional<int> height_mm;
    int gross_weight_kg = 0;   // 車両総重量
    int seating_capacity = 0;  // 乗車定員
    VehicleKind kind = VehicleKind::ordinary;
    VehicleUse use = VehicleUse::passenger;
    bool private_use = true;         // 自家用 (false: 事業用)
    std::string body_shape;          // 車体の形状, e.g. 箱型, キャンピング車
    core::Date inspection_expiry{};  // 有効期間の満了する日 (車検満了日)
};

// ロードサービス規定 第5条: size limits (inclusive).
inline constexpr int kMaxLengthMm = 5500;
inline constexpr int kMaxWidthMm = 1950;
inline constexpr int kMaxGrossWeightKg = 3000;

// True when the body shape is a camper (キャンピング車), the only 特種用途 body that is covered.
bool is_camper(std::string_view body_shape);
// True when the body shape is a two-wheeler (オートバイ, 側車付オートバイ, スクーター).
bool is_two_wheel_shape(std::string_view body_shape);

// The 種別 number of the 分類番号 that a vehicle of this kind and use carries by law
// (道路運送車両法 施行規則): 1 普通貨物, 2 乗合, 3 普通乗用, 4 小型貨物 and 軽貨物, 5 小型乗用 and
// 軽乗用, 8 特種用途, 9 大型特殊; none for two-wheelers and 小型特殊. The plate itself is not
// evidence: 軽貨物 plates run 4xx and then 6xx once 4xx is used up, and a plate can be mistyped.
// "1・4・8ナンバー" in the warranty terms names these classes (spec/rules.md §1).
std::optional<int> number_class(const Vehicle& v);

// The 第5条 verdict: vehicle_not_private_use, vehicle_type_not_covered, vehicle_too_long,
// vehicle_too_wide, vehicle_too_heavy — in that order; empty when the vehicle is eligible.
std::vector<Reason> check_vehicle(const Vehicle& v);

}  // namespace roadside::dispatch
