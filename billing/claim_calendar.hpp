#pragma once
// The calendar of a reimbursement claim (ロードサービス規定 第1条3(3), spec/rules.md §5).
#include "core/calendar.hpp"

namespace roadside::billing {

// The claim window is 90 days counted from the day of use as day 1 ("利用日から起算し90日"):
// use on 2026-01-01 -> the last day to claim is 2026-03-31.
inline constexpr int kClaimWindowDays = 90;
core::Date claim_last_day(core::Date used_on);
bool claim_in_window(core::Date used_on, core::Date received_on);

// Payment is due within one month after the claim form arrives ("到着してから1ヶ月以内").
// Civil Code art. 140 (the day of arrival is not counted) and art. 143 (month periods):
// received 2026-01-10 -> 2026-02-10; received 2026-01-31 -> 2026-02-28.
core::Date pay_by(core::Date received_on);

}  // namespace roadside::billing
