#include "dispatch/job.hpp"

#include <cstddef>

namespace roadside::dispatch {
namespace {

// JobStatus has no public list of all values; parse_job_status walks this one. Keep it in the
// declaration order of the enum.
constexpr JobStatus kAllJobStatuses[] = {
    JobStatus::offered,   JobStatus::unassigned, JobStatus::accepted,
    JobStatus::en_route,  JobStatus::on_scene,   JobStatus::towing,
    JobStatus::delivered, JobStatus::completed,  JobStatus::cancelled};

// Exact, case-sensitive lookup through to_string, so that the two directions cannot disagree.
template <typename E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const E (&all)[N]) {
    for (const E e : all) {
        if (to_string(e) == s) return e;
    }
    return std::nullopt;
}

constexpr CapabilitySet bit(Capability c) {
    return static_cast<CapabilitySet>(c);
}

void add(FreeDecision& d, const char* code, const char* clause, const char* message) {
    d.reasons.push_back(PaidReason{code, clause, message});
}

}  // namespace

std::string_view to_string(Service s) {
    switch (s) {
        case Service::lockout:
            return "lockout";
        case Service::jump_start:
            return "jump_start";
        case Service::tire_change:
            return "tire_change";
        case Service::fuel_delivery:
            return "fuel_delivery";
        case Service::light_work:
            return "light_work";
        case Service::tow:
            return "tow";
        case Service::wheel_drop_recovery:
            return "wheel_drop_recovery";
    }
    return "unknown";
}

std::optional<Service> parse_service(std::string_view s) {
    return parse_enum(s, kAllServices);
}

bool is_on_site(Service s) {
    // 第1条1 現場応急作業サービス (1)–(5); tow and wheel-drop recovery are 第1条2 ロードサービス.
    switch (s) {
        case Service::lockout:
        case Service::jump_start:
        case Service::tire_change:
        case Service::fuel_delivery:
        case Service::light_work:
            return true;
        case Service::tow:
        case Service::wheel_drop_recovery:
            return false;
    }
    return false;
}

std::string_view to_string(Capability c) {
    switch (c) {
        case Capability::on_site:
            return "on_site";
        case Capability::wrecker:
            return "wrecker";
        case Capability::carrier:
            return "carrier";
    }
    return "unknown";
}

std::optional<Capability> parse_capability(std::string_view s) {
    return parse_enum(s, kAllCapabilities);
}

CapabilitySet capable_of(Service s) {
    switch (s) {
        case Service::lockout:
        case Service::jump_start:
        case Service::tire_change:
        case Service::fuel_delivery:
        case Service::light_work:
            return bit(Capability::on_site);
        case Service::tow:
            // 第1条2(1) レッカーによるけん引または車両積載車による運搬: either truck will do.
            return bit(Capability::wrecker) | bit(Capability::carrier);
        case Service::wheel_drop_recovery:
            // Pulling a wheel back onto the road needs the wrecker's boom or winch.
            return bit(Capability::wrecker);
    }
    return 0;
}

std::string_view to_string(TowDestination d) {
    switch (d) {
        case TowDestination::designated_shop:
            return "designated_shop";
        case TowDestination::storage:
            return "storage";
        case TowDestination::not_designated:
            return "not_designated";
    }
    return "unknown";
}

std::optional<TowDestination> parse_tow_destination(std::string_view s) {
    constexpr TowDestination kAll[] = {TowDestination::designated_shop, TowDestination::storage,
                                       TowDestination::not_designated};
    return parse_enum(s, kAll);
}

namespace {

// 第2条1(1)–(3): the key work that is paid.
void key_reasons(const JobRequest& r, FreeDecision& d) {
    // 第2条1(3) キー紛失時の全ての作業: every service, not just lockout; 第1条2(1) also excludes
    // the tow when the key is lost.
    if (r.key_lost) {
        add(d, "key_lost", "第2条1(3)", "All work is paid when the key is lost.");
    }
    // 第1条1(1) excludes トランクへの直接開錠作業; 第2条1(2) makes it paid.
    if (r.service == Service::lockout && r.trunk_lockout) {
        add(d, "trunk_lockout", "第2条1(2)", "Unlocking the trunk directly is paid.");
    }
    // 第2条1(1) 開錠が困難な車両の運搬・開錠: with an electronic/special lock or immobiliser, both
    // the unlocking and carrying the car away are paid.
    if (r.special_lock && (r.service == Service::lockout || r.service == Service::tow)) {
        add(d, "special_lock", "第2条1(1)",
            "Unlocking or carrying a car with a special lock or immobiliser is paid.");
    }
}

void wheel_drop_reasons(const JobRequest& r, FreeDecision& d) {
    if (r.service != Service::wheel_drop_recovery) return;
    // No details given: assume the free case (one wheel, no drop) rather than guess a charge.
    const WheelDrop w = r.wheel_drop.value_or(WheelDrop{});
    if (w.wheels >= 2) {
        add(d, "wheel_drop_two_or_more_wheels", "第2条2(3)",
            "Recovering a car with two or more wheels dropped is paid.");
    }
    // 第1条2(2) grants 落差1m以内 (up to and including 1 m) while 第2条2(3) charges 1m以上
    // (from 1 m). The two overlap at exactly 1 m; the grant of 第1条 wins, so only a drop
    // strictly deeper than 1 m is paid.
    if (w.drop_m > 1.0) {
        add(d, "wheel_drop_deeper_than_1m", "第2条2(3)",
            "Recovering a car from a drop deeper than 1 m is paid.");
    }
}

void tow_reasons(const JobRequest& r, FreeDecision& d) {
    if (r.service != Service::tow) return;
    // 第1条2(1) tows free to the warranty company's designated shop (保証会社指定の工場), or to
    // temporary storage when none can take the car (第2条2(11)); home or the customer's own
    // garage is not one.
    if (r.destination == TowDestination::not_designated) {
        add(d, "destination_not_designated", "第1条2(1) (保証会社指定の工場)",
            "Only a tow to a designated shop or to temporary storage is free.");
    }
    // 第2条3(5) 一旦ロードサービスを利用した後、トラブル車両の修理をせずに再度搬送: in full.
    if (r.earlier_tow_completed || r.unrepaired_since_previous_tow) {
        add(d, "second_tow", "第2条3(5)",
            r.earlier_tow_completed
                ? "A second tow of the unrepaired car is paid."
                : "The car was towed before and not repaired since: this tow is paid.");
    }
}

}  // namespace

FreeDecision decide_free(const JobRequest& r) {
    FreeDecision d;
    // 第3条(2): no free service unless the warranty is valid on the day (and outside 免責期間).
    if (!r.covered) {
        add(d, "not_covered", "第3条(2)", "The call is not covered by the warranty.");
    }
    // 第1条2 serves "車両故障の現場": a breakdown. Accident damage is excluded from the warranty
    // (事故に関わる修理・手配) and belongs to the customer's motor insurance, so every job on an
    // accident call is paid.
    if (r.accident) {
        add(d, "accident_not_breakdown", "第1条2(1) (車両故障の現場); 保証対象外 (事故)",
            "An accident is not a breakdown: the service is paid (the motor insurer's road "
            "service may cover it).");
    }
    key_reasons(r, d);
    // 第1条1(3) covers changing one flat tire; with more, that one change stays free and billing
    // charges each further tire to the customer, so the tire count is not a reason here.
    wheel_drop_reasons(r, d);
    tow_reasons(r, d);
    d.free = d.reasons.empty();
    return d;
}

std::string_view to_string(JobStatus s) {
    switch (s) {
        case JobStatus::offered:
            return "offered";
        case JobStatus::unassigned:
            return "unassigned";
        case JobStatus::accepted:
            return "accepted";
        case JobStatus::en_route:
            return "en_route";
        case JobStatus::on_scene:
            return "on_scene";
        case JobStatus::towing:
            return "towing";
        case JobStatus::delivered:
            return "delivered";
        case JobStatus::completed:
            return "completed";
        case JobStatus::cancelled:
            return "cancelled";
    }
    return "unknown";
}

std::optional<JobStatus> parse_job_status(std::string_view s) {
    return parse_enum(s, kAllJobStatuses);
}

bool can_transition(JobStatus from, JobStatus to, Service service) {
    using S = JobStatus;
    const bool tow = service == Service::tow;
    switch (from) {
        case S::offered:
            // offered → offered: the offer was declined or expired and goes to the next partner.
            return to == S::accepted || to == S::offered || to == S::unassigned ||
                   to == S::cancelled;
        case S::unassigned:
            return to == S::offered || to == S::cancelled;
        case S::accepted:
            return to == S::en_route || to == S::cancelled;
        case S::en_route:
            return to == S::on_scene || to == S::cancelled;
        case S::on_scene:
            // A tow goes on to towing and is completed from delivered; on-site work and wheel-drop
            // recovery are finished at the scene.
            return to == S::cancelled || (tow ? to == S::towing : to == S::completed);
        case S::towing:
            // Once the car is on the truck the agent can no longer cancel.
            return tow && to == S::delivered;
        case S::delivered:
            return tow && to == S::completed;
        case S::completed:
        case S::cancelled:
            return false;
    }
    return false;
}

bool is_open(JobStatus s) {
    return s != JobStatus::completed && s != JobStatus::cancelled;
}

bool partner_engaged(JobStatus s) {
    switch (s) {
        case JobStatus::accepted:
        case JobStatus::en_route:
        case JobStatus::on_scene:
        case JobStatus::towing:
        case JobStatus::delivered:
            return true;
        case JobStatus::offered:
        case JobStatus::unassigned:
        case JobStatus::completed:
        case JobStatus::cancelled:
            return false;
    }
    return false;
}

std::string_view to_string(CancelledBy c) {
    switch (c) {
        case CancelledBy::customer:
            return "customer";
        case CancelledBy::operator_:
            return "operator";
        case CancelledBy::partner:
            return "partner";
    }
    return "unknown";
}

std::optional<CancelledBy> parse_cancelled_by(std::string_view s) {
    constexpr CancelledBy kAll[] = {CancelledBy::customer, CancelledBy::operator_,
                                    CancelledBy::partner};
    return parse_enum(s, kAll);
}

bool cancellation_charged(JobStatus s, CancelledBy by) {
    // 第2条3(7) サービス実施者が出動後にキャンセルとなった場合の出動費用: 出動 is the truck setting
    // off (en_route), not the partner saying yes; and the cost follows the one who cancels.
    if (by != CancelledBy::customer) return false;
    switch (s) {
        case JobStatus::en_route:
        case JobStatus::on_scene:
            return true;
        case JobStatus::offered:
        case JobStatus::unassigned:
        case JobStatus::accepted:
        case JobStatus::towing:
        case JobStatus::delivered:
        case JobStatus::completed:
        case JobStatus::cancelled:
            return false;
    }
    return false;
}

}  // namespace roadside::dispatch
