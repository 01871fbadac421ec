#pragma once
// Jobs: the service a partner is sent to do, whether the warranty pays for it (ロードサービス規定
// 第1条 free services, 第2条 paid services), which partners can do it, and the job lifecycle.
// Pure: no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roadside::dispatch {

enum class Service {
    lockout,              // 第1条1(1) キー閉じ込み時の開錠作業
    jump_start,           // 第1条1(2) バッテリー上がり時のジャンピング作業
    tire_change,          // 第1条1(3) スペアタイヤへの交換作業 (one tire)
    fuel_delivery,        // 第1条1(4) ガス欠時の給油作業 (about 10 L; the fuel is charged)
    light_work,           // 第1条1(5) その他現場対応が可能な応急作業 (no disassembly)
    tow,                  // 第1条2(1) レッカーけん引・積載車運搬 up to 50 km
    wheel_drop_recovery,  // 第1条2(2) 落輪車両の引き上げ (one wheel, drop ≤ 1 m)
};
inline constexpr Service kAllServices[] = {Service::lockout,       Service::jump_start,
                                           Service::tire_change,   Service::fuel_delivery,
                                           Service::light_work,    Service::tow,
                                           Service::wheel_drop_recovery};
std::string_view to_string(Service s);
std::optional<Service> parse_service(std::string_view s);
// On-site emergency work (第1条1): the first five services.
bool is_on_site(Service s);

// What a partner's trucks and crews can do. A bit set, so that the spatial index can filter on it.
enum class Capability : unsigned { on_site = 1u, wrecker = 2u, carrier = 4u };
using CapabilitySet = unsigned;
inline constexpr Capability kAllCapabilities[] = {Capability::on_site, Capability::wrecker,
                                                  Capability::carrier};
std::string_view to_string(Capability c);
std::optional<Capability> parse_capability(std::string_view s);
// The capabilities any one of which can do the service: on-site work → on_site; tow → wrecker or
// carrier; wheel-drop recovery → wrecker.
CapabilitySet capable_of(Service s);

struct WheelDrop {
    int wheels = 1;       // wheels off the road
    double drop_m = 0.0;  // height of the drop
};

// Where a tow takes the car (第1条2(1): to the warranty company's designated shop).
enum class TowDestination {
    designated_shop,  // a shop on the operator's list (保証会社指定の工場)
    storage,          // temporary storage when no designated shop can take the car (第2条2(11))
    not_designated,   // anywhere else: home, the customer's own garage or dealer
};
std::string_view to_string(TowDestination d);
std::optional<TowDestination> parse_tow_destination(std::string_view s);

// What the agent knows when creating a job.
struct JobRequest {
    Service service = Service::tow;
    bool covered = true;        // the incident's coverage verdict was eligible
    bool accident = false;  // the call is about an accident, not a breakdown (第1条2 車両故障)
    bool key_lost = false;      // 第2条1(3): every job when the key is lost is paid
    bool trunk_lockout = false; // 第2条1(2): unlocking the trunk directly is paid
    bool special_lock = false;  // 第2条1(1): unlocking or carrying such a car (lockout, tow) is paid
    int tires = 1;              // tire_change: flat tires; one change is free, billing charges the
                                // others (第1条1(3))
    std::optional<WheelDrop> wheel_drop;  // wheel_drop_recovery only
    TowDestination destination = TowDestination::designated_shop;  // tow only
    bool earlier_tow_completed = false;  // 第2条3(5): the same incident had a tow completed
    // 第2条3(5) across calls: the agent saw the vehicle's earlier free tow and the caller says the
    // car was not repaired since.
    bool unrepaired_since_previous_tow = false;
};

// Why a job is outside the free scope (第1条) and so the customer's (第2条).
struct PaidReason {
    std::string code;     // stable snake_case, e.g. "key_lost"
    std::string clause;   // e.g. "第2条1(3)"
    std::string message;  // one line of English for the agent
};

struct FreeDecision {
    bool free = true;                 // the warranty pays the service itself
    std::vector<PaidReason> reasons;  // every reason it does not; empty exactly when free
};

// Decides whether the job's service is free. Every applicable reason is listed, in a fixed order:
// not_covered, accident_not_breakdown, key_lost, trunk_lockout, special_lock,
// wheel_drop_two_or_more_wheels, wheel_drop_deeper_than_1m, destination_not_designated,
// second_tow.
// Not reasons here: a tow beyond 50 km is still free (billing charges the distance beyond), and a
// tire change of two or more tires is still free for one (billing charges each further tire).
FreeDecision decide_free(const JobRequest& request);

// The job lifecycle:
//   offered → accepted → en_route → on_scene → (towing → delivered) → completed
//   offered → offered (declined or expired: the next partner) or → unassigned (none left)
//   unassigned → offered (dispatched again)
//   offered, unassigned, accepted, en_route, on_scene → cancelled (by the agent)
enum class JobStatus {
    offered,
    unassigned,
    accepted,
    en_route,
    on_scene,
    towing,
    delivered,
    completed,
    cancelled
};
std::string_view to_string(JobStatus s);
std::optional<JobStatus> parse_job_status(std::string_view s);

// Whether `from → to` is a legal step for a job of this service. towing/delivered exist only for
// tows; a tow is completed from delivered, every other service from on_scene.
bool can_transition(JobStatus from, JobStatus to, Service service);
// Not completed or cancelled.
bool is_open(JobStatus s);
// A partner has accepted and not finished: accepted, en_route, on_scene, towing, delivered.
bool partner_engaged(JobStatus s);
// Who asked for a job to be cancelled (POST /v1/jobs/{id}/cancel `requested_by`).
enum class CancelledBy { customer, operator_, partner };
std::string_view to_string(CancelledBy c);  // "customer", "operator", "partner"
std::optional<CancelledBy> parse_cancelled_by(std::string_view s);

// Cancelling now costs the customer the call-out (第2条3(7) サービス実施者が出動後にキャンセル):
// the partner has set out (出動: en_route, on_scene; acceptance alone is not setting out) and the
// customer is the one who cancels — never when the operator or the partner calls the job off.
bool cancellation_charged(JobStatus s, CancelledBy by);

}  // namespace roadside::dispatch
