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

FreeDecision decide_free(const JobRequest& r) {
    FreeDecision d;
    // 第3条(2): no free service unless the warranty is valid on the day (and outside 免責期間).
    if (!r.covered) {
        add(d, "not_covered", "第3条(2)", "The call is not covered by the warranty.");
    }
    // 第2条1(3) キー紛失時の全ての作業: every service, not just lockout; 第1条2(1) also excludes
    // the tow when the key is lost.
    if (r.key_lost) {
        add(d, "key_lost", "第2条1(3)", "All work is paid when the key is lost.");
    }
    if (r.service == Service::lockout) {
        // 第1条1(1) excludes トランクへの直接開錠作業; 第2条1(2) makes it paid.
        if (r.trunk_lockout) {
            add(d, "trunk_lockout", "第2条1(2)", "Unlocking the trunk directly is paid.");
        }
    }
    // 第2条1(1) 開錠が困難な車両の運搬・開錠: with an electronic/special lock or immobiliser, both
    // the unlocking and carrying the car away are paid.
    if (r.special_lock && (r.service == Service::lockout || r.service == Service::tow)) {
        add(d, "special_lock", "第2条1(1)",
            "Unlocking or carrying a car with a special lock or immobiliser is paid.");
    }
    // 第1条1(3) covers changing one flat tire to the car's own spare; further tires are paid.
    if (r.service == Service::tire_change && r.tires > 1) {
        add(d, "more_than_one_tire", "第1条1(3)", "Only one tire change is free.");
    }
    if (r.service == Service::wheel_drop_recovery) {
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
    // 第2条3(5): towing again a car that was towed once and not repaired is paid in full.
    if (r.service == Service::tow && r.earlier_tow_completed) {
        add(d, "second_tow", "第2条3(5)", "A second tow of the unrepaired car is paid.");
    }
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

bool cancellation_charged(JobStatus s) {
    // 第2条3(7) サービス実施者が出動後にキャンセル: the call-out cost is the customer's once the
    // partner has committed; these are also exactly the engaged states a job can be cancelled from.
    switch (s) {
        case JobStatus::accepted:
        case JobStatus::en_route:
        case JobStatus::on_scene:
            return true;
        case JobStatus::offered:
        case JobStatus::unassigned:
        case JobStatus::towing:
        case JobStatus::delivered:
        case JobStatus::completed:
        case JobStatus::cancelled:
            return false;
    }
    return false;
}

}  // namespace roadside::dispatch
