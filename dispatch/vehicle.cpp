#include "dispatch/vehicle.hpp"

#include "core/text.hpp"

namespace roadside::dispatch {

std::string_view to_string(VehicleKind k) {
    switch (k) {
        case VehicleKind::ordinary:
            return "ordinary";
        case VehicleKind::small:
            return "small";
        case VehicleKind::kei:
            return "kei";
        case VehicleKind::large_special:
            return "large_special";
        case VehicleKind::small_special:
            return "small_special";
        case VehicleKind::two_wheel:
            return "two_wheel";
    }
    return "unknown";
}

std::string_view to_string(VehicleUse u) {
    switch (u) {
        case VehicleUse::passenger:
            return "passenger";
        case VehicleUse::cargo:
            return "cargo";
        case VehicleUse::bus:
            return "bus";
        case VehicleUse::special:
            return "special";
    }
    return "unknown";
}

std::optional<VehicleKind> parse_vehicle_kind(std::string_view s) {
    for (auto k :
         {VehicleKind::ordinary, VehicleKind::small, VehicleKind::kei, VehicleKind::large_special,
          VehicleKind::small_special, VehicleKind::two_wheel}) {
        if (to_string(k) == s) return k;
    }
    return std::nullopt;
}

std::optional<VehicleUse> parse_vehicle_use(std::string_view s) {
    for (auto u :
         {VehicleUse::passenger, VehicleUse::cargo, VehicleUse::bus, VehicleUse::special}) {
        if (to_string(u) == s) return u;
    }
    return std::nullopt;
}

std::optional<int> number_class(const Vehicle& v) {
    switch (v.kind) {
        case VehicleKind::two_wheel:
        case VehicleKind::small_special:
            return std::nullopt;
        case VehicleKind::large_special:
            return 9;
        case VehicleKind::ordinary:
        case VehicleKind::small:
        case VehicleKind::kei:
            break;
    }
    const bool ordinary = v.kind == VehicleKind::ordinary;
    switch (v.use) {
        case VehicleUse::special:
            return 8;
        case VehicleUse::cargo:
            return ordinary ? 1 : 4;
        case VehicleUse::bus:
            return 2;
        case VehicleUse::passenger:
            return ordinary ? 3 : 5;
    }
    return std::nullopt;
}

namespace {
bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}
}  // namespace

bool is_camper(std::string_view body_shape) {
    const std::string s = core::normalize_identifier(body_shape);
    return contains(s, "キャンピング") || s == "camper" || s == "Camper";
}

bool is_two_wheel_shape(std::string_view body_shape) {
    // normalize_identifier folds full-width digits, so "２輪" arrives here as "2輪".
    const std::string s = core::normalize_identifier(body_shape);
    return contains(s, "オートバイ") || contains(s, "スクーター") || contains(s, "二輪") ||
           contains(s, "2輪");
}

std::vector<Reason> check_vehicle(const Vehicle& v) {
    constexpr const char* kClause = "ロードサービス規定 第5条";
    std::vector<Reason> out;
    if (!v.private_use) {
        out.push_back(
            {ReasonCode::vehicle_not_private_use,
             kClause,
             "Only private-use (自家用) vehicles are covered; this one is for business use "
             "(事業用).",
             {}});
    }
    // 自家用7車種: 普通・小型・軽四輪 × 乗用・貨物, and 特種用途 only as a camper (キャンピング車).
    const bool four_wheel_class = v.kind == VehicleKind::ordinary || v.kind == VehicleKind::small ||
                                  v.kind == VehicleKind::kei;
    const bool seven_categories = four_wheel_class && !is_two_wheel_shape(v.body_shape) &&
                                  (v.use == VehicleUse::passenger || v.use == VehicleUse::cargo ||
                                   (v.use == VehicleUse::special && is_camper(v.body_shape)));
    if (!seven_categories) {
        out.push_back(
            {ReasonCode::vehicle_type_not_covered,
             kClause,
             "Only the seven private-use categories (自家用7車種: ordinary, small and kei "
             "passenger or cargo vehicles, and campers) are covered.",
             {{"kind", std::string(to_string(v.kind))},
              {"use", std::string(to_string(v.use))},
              {"body_shape", v.body_shape}}});
    }
    if (v.length_mm > kMaxLengthMm) {
        out.push_back({ReasonCode::vehicle_too_long,
                       kClause,
                       "The vehicle is longer than 5,500 mm.",
                       {{"length_mm", std::int64_t{v.length_mm}},
                        {"max_length_mm", std::int64_t{kMaxLengthMm}}}});
    }
    if (v.width_mm > kMaxWidthMm) {
        out.push_back({ReasonCode::vehicle_too_wide,
                       kClause,
                       "The vehicle is wider than 1,950 mm.",
                       {{"width_mm", std::int64_t{v.width_mm}},
                        {"max_width_mm", std::int64_t{kMaxWidthMm}}}});
    }
    if (v.gross_weight_kg > kMaxGrossWeightKg) {
        out.push_back({ReasonCode::vehicle_too_heavy,
                       kClause,
                       "The gross vehicle weight (車両総重量) is over 3,000 kg.",
                       {{"gross_weight_kg", std::int64_t{v.gross_weight_kg}},
                        {"max_gross_weight_kg", std::int64_t{kMaxGrossWeightKg}}}});
    }
    return out;
}

}  // namespace roadside::dispatch
