#include "billing/claim_calendar.hpp"

namespace roadside::billing {

core::Date claim_last_day(core::Date used_on) {
    return core::add_days(used_on, kClaimWindowDays - 1);
}

bool claim_in_window(core::Date used_on, core::Date received_on) {
    return received_on <= claim_last_day(used_on);
}

core::Date pay_by(core::Date received_on) {
    // The period starts the day after arrival and runs one month.
    return core::period_last_day(core::add_days(received_on, 1), 1);
}

}  // namespace roadside::billing
