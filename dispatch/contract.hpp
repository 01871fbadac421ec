#pragma once
// A warranty contract as the road-service operator sees it.
#include <cstdint>
#include <optional>
#include <string>

#include "core/calendar.hpp"
#include "dispatch/vehicle.hpp"
#include "geo/geodesic.hpp"

namespace roadside::dispatch {

struct Holder {
    std::string name;
    std::string name_kana;
    core::Date birth_date{};
    std::string phone;
    std::string address;
};

struct Contract {
    std::string id;
    std::string contract_no;
    std::string product_id;
    core::Date start_date{};  // 名義変更日 = 保証開始日
    int term_months = 0;
    bool zero_deductible = false;                  // 免責ゼロ特約
    bool corporate = false;                        // 法人名義
    std::optional<std::int64_t> mileage_limit_km;  // explicit limit; otherwise from the product
    std::optional<std::int64_t> odometer_at_start_km;
    Holder holder;
    geo::LatLon home;  // 使用の本拠の位置
    Vehicle vehicle;
    std::optional<core::Date> cancelled_on;  // 解約日: no service from this day
    std::string cancel_reason;
};

}  // namespace roadside::dispatch
