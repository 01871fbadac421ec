#include "dispatch/reason.hpp"

namespace roadside::dispatch {

std::string_view to_string(ReasonCode c) {
    switch (c) {
        case ReasonCode::contract_cancelled:
            return "contract_cancelled";
        case ReasonCode::coverage_not_started:
            return "coverage_not_started";
        case ReasonCode::coverage_expired:
            return "coverage_expired";
        case ReasonCode::mileage_limit_exceeded:
            return "mileage_limit_exceeded";
        case ReasonCode::plan_excludes_road_service:
            return "plan_excludes_road_service";
        case ReasonCode::in_deductible_period:
            return "in_deductible_period";
        case ReasonCode::inspection_expired:
            return "inspection_expired";
        case ReasonCode::vehicle_not_private_use:
            return "vehicle_not_private_use";
        case ReasonCode::vehicle_type_not_covered:
            return "vehicle_type_not_covered";
        case ReasonCode::vehicle_too_long:
            return "vehicle_too_long";
        case ReasonCode::vehicle_too_wide:
            return "vehicle_too_wide";
        case ReasonCode::vehicle_too_heavy:
            return "vehicle_too_heavy";
    }
    return "unknown";
}

std::string_view to_string(NoteCode c) {
    switch (c) {
        case NoteCode::mileage_unverified:
            return "mileage_unverified";
        case NoteCode::caller_identity_mismatch:
            return "caller_identity_mismatch";
    }
    return "unknown";
}

}  // namespace roadside::dispatch
