#pragma once
// A business "no" is a value: a reason code from spec/api.md with the clause that applies.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace roadside::dispatch {

// Declared in the order spec/api.md lists them; verdicts list reasons in this order.
enum class ReasonCode {
    contract_cancelled,
    coverage_not_started,
    coverage_expired,
    mileage_limit_exceeded,
    plan_excludes_road_service,
    in_deductible_period,
    inspection_expired,
    vehicle_not_private_use,
    vehicle_type_not_covered,
    vehicle_too_long,
    vehicle_too_wide,
    vehicle_too_heavy,
};

std::string_view to_string(ReasonCode c);

using DetailValue = std::variant<std::string, std::int64_t, bool>;

struct Reason {
    ReasonCode code;
    std::string clause;   // e.g. "ロードサービス規定 第5条"
    std::string message;  // for the agent, English
    std::vector<std::pair<std::string, DetailValue>> details;
};

// A warning shown with a verdict that never makes a call ineligible: the agent has something to
// ask or to check. Declared in the order a verdict lists them.
enum class NoteCode {
    mileage_unverified,        // a distance limit applies but a figure it needs is unknown
    caller_identity_mismatch,  // the caller's name or the holder's birth date did not match
};

std::string_view to_string(NoteCode c);

struct Note {
    NoteCode code;
    std::string clause;
    std::string message;  // for the agent, English
    std::vector<std::pair<std::string, DetailValue>> details;
};

}  // namespace roadside::dispatch
