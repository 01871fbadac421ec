// Jobs (dispatch/job.hpp; spec/rules.md §4 free services 第1条, §6 paid services 第2条): whether
// the warranty pays for the service, which partners can do it, and the job lifecycle.
#include "dispatch/job.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roadside::dispatch {
namespace {

using Codes = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// decide_free

JobRequest req(Service s) {
    JobRequest r;
    r.service = s;
    return r;
}

JobRequest lockout(bool trunk, bool special, bool key_lost) {
    JobRequest r = req(Service::lockout);
    r.trunk_lockout = trunk;
    r.special_lock = special;
    r.key_lost = key_lost;
    return r;
}

JobRequest tires(int n) {
    JobRequest r = req(Service::tire_change);
    r.tires = n;
    return r;
}

JobRequest wheel_drop(int wheels, double drop_m) {
    JobRequest r = req(Service::wheel_drop_recovery);
    r.wheel_drop = WheelDrop{wheels, drop_m};
    return r;
}

JobRequest tow(bool earlier_tow_completed, bool key_lost = false) {
    JobRequest r = req(Service::tow);
    r.earlier_tow_completed = earlier_tow_completed;
    r.key_lost = key_lost;
    return r;
}

JobRequest not_covered(JobRequest r) {
    r.covered = false;
    return r;
}

JobRequest accident(JobRequest r) {
    r.accident = true;
    return r;
}

JobRequest tow_to(TowDestination d) {
    JobRequest r = req(Service::tow);
    r.destination = d;
    return r;
}

JobRequest unrepaired(JobRequest r) {
    r.unrepaired_since_previous_tow = true;
    return r;
}

// Every flag that matters to some service set at once; a service must react only to its own.
JobRequest everything_irrelevant(Service s) {
    JobRequest r = req(s);
    r.trunk_lockout = true;
    r.special_lock = true;
    r.tires = 4;
    r.wheel_drop = WheelDrop{4, 3.0};
    r.earlier_tow_completed = true;
    r.destination = TowDestination::not_designated;
    r.unrepaired_since_previous_tow = true;
    return r;
}

struct FreeCase {
    const char* rule;  // the clause and the case, printed when the row fails
    JobRequest request;
    Codes expected;  // reason codes, in the header's order; empty = free
};

const std::vector<FreeCase>& free_cases() {
    static const std::vector<FreeCase> cases = {
        // 第1条1: each on-site service, plain, is free.
        {"第1条1(1) lockout, key locked inside", lockout(false, false, false), {}},
        {"第1条1(2) jump start", req(Service::jump_start), {}},
        {"第1条1(3) one tire", tires(1), {}},
        {"第1条1(4) fuel delivery (the fuel itself is billing's)", req(Service::fuel_delivery), {}},
        {"第1条1(5) light on-site work", req(Service::light_work), {}},
        // 第1条2(1): a tow is free; the distance beyond 50 km is not decided here.
        {"第1条2(1) first tow", tow(false), {}},

        // 第2条1(1)–(3): lockout variants.
        {"第2条1(2) trunk lockout", lockout(true, false, false), {"trunk_lockout"}},
        {"第2条1(1) special lock", lockout(false, true, false), {"special_lock"}},
        {"第2条1(3) key lost on a lockout", lockout(false, false, true), {"key_lost"}},
        {"第2条1(1)–(3) all three, in order",
         lockout(true, true, true),
         {"key_lost", "trunk_lockout", "special_lock"}},
        {"第2条1(2)(1) trunk and special lock",
         lockout(true, true, false),
         {"trunk_lockout", "special_lock"}},

        // 第2条1(3) 全ての作業: key lost makes every service paid, not just lockout.
        {"第2条1(3)/第1条2(1) tow with key lost", tow(false, true), {"key_lost"}},
        {"第2条1(3) jump start with key lost",
         [] {
             JobRequest r = req(Service::jump_start);
             r.key_lost = true;
             return r;
         }(),
         {"key_lost"}},
        {"第2条1(3) wheel drop with key lost",
         [] {
             JobRequest r = wheel_drop(1, 0.5);
             r.key_lost = true;
             return r;
         }(),
         {"key_lost"}},

        // 第1条1(3) 「スペアタイヤ交換は１本まで」: the job stays free for one tire with two or
        // more flat; billing charges each further tire (tests/billing/charges_test.cpp).
        {"第1条1(3) two tires: still free for the first", tires(2), {}},
        {"第1条1(3) four tires: still free for the first", tires(4), {}},

        // 第1条2(1) 保証会社指定の工場: a tow to a designated shop or to temporary storage is
        // free; anywhere else is paid.
        {"第1条2(1) tow to a designated shop", tow_to(TowDestination::designated_shop), {}},
        {"第1条2(1)/第2条2(11) tow to temporary storage", tow_to(TowDestination::storage), {}},
        {"第1条2(1) tow home (not designated)",
         tow_to(TowDestination::not_designated),
         {"destination_not_designated"}},
        {"第1条2(1) not designated and key lost",
         [] {
             JobRequest r = tow_to(TowDestination::not_designated);
             r.key_lost = true;
             return r;
         }(),
         {"key_lost", "destination_not_designated"}},

        // 第2条3(5) across calls: the agent marks the car unrepaired since an earlier free tow.
        {"第2条3(5) unrepaired since a tow on an earlier call",
         unrepaired(tow(false)),
         {"second_tow"}},
        {"第2条3(5) both the same incident and an earlier call: one reason",
         unrepaired(tow(true)),
         {"second_tow"}},
        {"第2条3(5) unrepaired, not designated: both",
         unrepaired(tow_to(TowDestination::not_designated)),
         {"destination_not_designated", "second_tow"}},
        {"irrelevant: unrepaired on a jump start", unrepaired(req(Service::jump_start)), {}},

        // 第1条2 車両故障の現場: an accident is not a breakdown; every service is paid.
        {"accident: tow", accident(tow(false)), {"accident_not_breakdown"}},
        {"accident: jump start", accident(req(Service::jump_start)), {"accident_not_breakdown"}},
        {"accident: one-wheel recovery", accident(wheel_drop(1, 0.5)), {"accident_not_breakdown"}},
        {"accident: tire change", accident(tires(1)), {"accident_not_breakdown"}},
        {"accident with key lost and a second tow",
         accident(tow(true, true)),
         {"accident_not_breakdown", "key_lost", "second_tow"}},

        // 第1条2(2) one wheel, drop ≤ 1 m free; 第2条2(3) ≥ 2 wheels or deeper paid.
        {"第1条2(2) one wheel, 0.0 m", wheel_drop(1, 0.0), {}},
        {"第1条2(2) one wheel, 0.6 m", wheel_drop(1, 0.6), {}},
        {"第1条2(2) one wheel, exactly 1.0 m is still free", wheel_drop(1, 1.0), {}},
        {"第2条2(3) one wheel, 1.1 m", wheel_drop(1, 1.1), {"wheel_drop_deeper_than_1m"}},
        {"第2条2(3) one wheel, 1.0000001 m",
         wheel_drop(1, 1.0000001),
         {"wheel_drop_deeper_than_1m"}},
        {"第2条2(3) two wheels, 0.0 m", wheel_drop(2, 0.0), {"wheel_drop_two_or_more_wheels"}},
        {"第2条2(3) two wheels, 1.0 m", wheel_drop(2, 1.0), {"wheel_drop_two_or_more_wheels"}},
        {"第2条2(3) two wheels, 1.1 m, both reasons",
         wheel_drop(2, 1.1),
         {"wheel_drop_two_or_more_wheels", "wheel_drop_deeper_than_1m"}},
        {"第1条2(2) no wheel_drop given → one wheel, 0 m", req(Service::wheel_drop_recovery), {}},

        // 第2条3(5): a second tow of the unrepaired car.
        {"第2条3(5) second tow", tow(true), {"second_tow"}},
        {"第2条3(5) second tow with key lost", tow(true, true), {"key_lost", "second_tow"}},

        // 第3条(2): not covered, alone and with other reasons, always first.
        {"第3条(2) not covered, plain tow", not_covered(tow(false)), {"not_covered"}},
        {"第3条(2) not covered, plain jump start",
         not_covered(req(Service::jump_start)),
         {"not_covered"}},
        {"第3条(2)+第2条1(3) not covered and key lost",
         not_covered(lockout(false, false, true)),
         {"not_covered", "key_lost"}},
        {"第3条(2)+第2条1 every lockout reason",
         not_covered(lockout(true, true, true)),
         {"not_covered", "key_lost", "trunk_lockout", "special_lock"}},
        {"第3条(2)+第2条2(3) not covered, deep two-wheel drop",
         not_covered(wheel_drop(3, 2.0)),
         {"not_covered", "wheel_drop_two_or_more_wheels", "wheel_drop_deeper_than_1m"}},
        {"第3条(2)+第1条1(3) not covered, two tires", not_covered(tires(2)), {"not_covered"}},
        {"第3条(2)+accident, both", not_covered(accident(tow(false))),
         {"not_covered", "accident_not_breakdown"}},
        {"第3条(2)+第2条3(5) not covered, second tow",
         not_covered(tow(true)),
         {"not_covered", "second_tow"}},

        // Fields that belong to another service are ignored.
        {"irrelevant: lockout ignores tires, wheel drop, earlier tow",
         everything_irrelevant(Service::lockout),
         {"trunk_lockout", "special_lock"}},
        {"irrelevant: jump start ignores every other flag",
         everything_irrelevant(Service::jump_start),
         {}},
        {"irrelevant: tire change ignores lock, wheel drop, earlier tow, destination",
         everything_irrelevant(Service::tire_change),
         {}},
        {"irrelevant: fuel delivery ignores every other flag",
         everything_irrelevant(Service::fuel_delivery),
         {}},
        {"irrelevant: light work ignores every other flag",
         everything_irrelevant(Service::light_work),
         {}},
        {"irrelevant: tow ignores trunk, tires, wheel drop (第2条1(1) special lock applies)",
         everything_irrelevant(Service::tow),
         {"special_lock", "destination_not_designated", "second_tow"}},
        {"第2条1(1) carrying a car with a special lock",
         [] {
             JobRequest r = tow(false);
             r.special_lock = true;
             return r;
         }(),
         {"special_lock"}},
        {"irrelevant: wheel drop ignores lock, tires, earlier tow",
         everything_irrelevant(Service::wheel_drop_recovery),
         {"wheel_drop_two_or_more_wheels", "wheel_drop_deeper_than_1m"}},
        {"irrelevant: trunk lockout on a tow is not a reason",
         [] {
             JobRequest r = tow(false);
             r.trunk_lockout = true;
             return r;
         }(),
         {}},
        {"irrelevant: special lock on a jump start is not a reason",
         [] {
             JobRequest r = req(Service::jump_start);
             r.special_lock = true;
             return r;
         }(),
         {}},
        {"irrelevant: tires on a lockout are ignored",
         [] {
             JobRequest r = lockout(false, false, false);
             r.tires = 2;
             return r;
         }(),
         {}},
        {"irrelevant: earlier tow on a wheel drop is ignored",
         [] {
             JobRequest r = wheel_drop(1, 1.0);
             r.earlier_tow_completed = true;
             return r;
         }(),
         {}},
        {"irrelevant: deep drop on a tow is ignored",
         [] {
             JobRequest r = tow(false);
             r.wheel_drop = WheelDrop{2, 1.5};
             return r;
         }(),
         {}},
    };
    return cases;
}

TEST(JobDecideFree, Table) {
    for (const FreeCase& c : free_cases()) {
        SCOPED_TRACE(c.rule);
        const FreeDecision d = decide_free(c.request);
        Codes got;
        for (const PaidReason& r : d.reasons) got.push_back(r.code);
        EXPECT_EQ(got, c.expected);
        EXPECT_EQ(d.free, c.expected.empty());
        EXPECT_EQ(d.free, d.reasons.empty());
    }
}

// Each code carries its clause, and a one-line English message.
TEST(JobDecideFree, ClausesAndMessages) {
    struct Row {
        const char* code;
        const char* clause;
    };
    const Row rows[] = {
        {"not_covered", "第3条(2)"},
        {"accident_not_breakdown", "第1条2(1) (車両故障の現場); 保証対象外 (事故)"},
        {"key_lost", "第2条1(3)"},
        {"trunk_lockout", "第2条1(2)"},
        {"special_lock", "第2条1(1)"},
        {"wheel_drop_two_or_more_wheels", "第2条2(3)"},
        {"wheel_drop_deeper_than_1m", "第2条2(3)"},
        {"destination_not_designated", "第1条2(1) (保証会社指定の工場)"},
        {"second_tow", "第2条3(5)"},
    };
    // Between them these requests raise every reason exactly once.
    JobRequest lock = not_covered(lockout(true, true, true));
    JobRequest hit = accident(req(Service::jump_start));
    JobRequest drop = wheel_drop(2, 1.5);
    JobRequest second = tow(true);
    second.destination = TowDestination::not_designated;
    std::vector<PaidReason> all;
    for (const JobRequest* r : {&lock, &hit, &drop, &second}) {
        const FreeDecision d = decide_free(*r);
        all.insert(all.end(), d.reasons.begin(), d.reasons.end());
    }
    for (const Row& row : rows) {
        SCOPED_TRACE(row.code);
        int seen = 0;
        for (const PaidReason& r : all) {
            if (r.code != row.code) continue;
            ++seen;
            EXPECT_EQ(r.clause, row.clause);
            EXPECT_FALSE(r.message.empty());
            EXPECT_EQ(r.message.find('\n'), std::string::npos);
        }
        EXPECT_EQ(seen, 1);
    }
}

// The reasons of a request never depend on whether other reasons apply: the not-covered list is
// the covered list with not_covered in front.
TEST(JobDecideFree, NotCoveredIsPrependedToEveryRow) {
    for (const FreeCase& c : free_cases()) {
        if (!c.request.covered) continue;
        SCOPED_TRACE(c.rule);
        const FreeDecision d = decide_free(not_covered(c.request));
        Codes got;
        for (const PaidReason& r : d.reasons) got.push_back(r.code);
        Codes expected{"not_covered"};
        expected.insert(expected.end(), c.expected.begin(), c.expected.end());
        EXPECT_EQ(got, expected);
        EXPECT_FALSE(d.free);
    }
}

// ---------------------------------------------------------------------------------------------
// Service, Capability

TEST(JobService, ToStringAndParse) {
    const std::pair<Service, std::string_view> rows[] = {
        {Service::lockout, "lockout"},
        {Service::jump_start, "jump_start"},
        {Service::tire_change, "tire_change"},
        {Service::fuel_delivery, "fuel_delivery"},
        {Service::light_work, "light_work"},
        {Service::tow, "tow"},
        {Service::wheel_drop_recovery, "wheel_drop_recovery"},
    };
    ASSERT_EQ(std::size(rows), std::size(kAllServices));
    for (const auto& [s, name] : rows) {
        SCOPED_TRACE(name);
        EXPECT_EQ(to_string(s), name);
        EXPECT_EQ(parse_service(name), s);
    }
    for (const Service s : kAllServices) EXPECT_EQ(parse_service(to_string(s)), s);
    for (const std::string_view bad :
         {"", "Tow", "TOW", "tow ", " tow", "towing", "towing ", "lockout\n", "wheel_drop", "tire",
          "on_site", "offered", "Lockout", "jump-start", "fuel"}) {
        SCOPED_TRACE(std::string("\"") + std::string(bad) + "\"");
        EXPECT_EQ(parse_service(bad), std::nullopt);
    }
    // A string_view that is not NUL-terminated at the name: only the viewed part counts.
    EXPECT_EQ(parse_service(std::string_view("towing").substr(0, 3)), Service::tow);
}

TEST(JobService, IsOnSite) {
    // 第1条1 現場応急作業 (1)–(5) versus 第1条2 ロードサービス.
    const std::pair<Service, bool> rows[] = {
        {Service::lockout, true},
        {Service::jump_start, true},
        {Service::tire_change, true},
        {Service::fuel_delivery, true},
        {Service::light_work, true},
        {Service::tow, false},
        {Service::wheel_drop_recovery, false},
    };
    for (const auto& [s, on_site] : rows) {
        SCOPED_TRACE(to_string(s));
        EXPECT_EQ(is_on_site(s), on_site);
    }
}

TEST(JobCapability, ToStringAndParse) {
    const std::pair<Capability, std::string_view> rows[] = {
        {Capability::on_site, "on_site"},
        {Capability::wrecker, "wrecker"},
        {Capability::carrier, "carrier"},
    };
    ASSERT_EQ(std::size(rows), std::size(kAllCapabilities));
    for (const auto& [c, name] : rows) {
        SCOPED_TRACE(name);
        EXPECT_EQ(to_string(c), name);
        EXPECT_EQ(parse_capability(name), c);
    }
    for (const Capability c : kAllCapabilities) EXPECT_EQ(parse_capability(to_string(c)), c);
    for (const std::string_view bad :
         {"", "Wrecker", "WRECKER", "wrecker ", " carrier", "on-site", "onsite", "tow", "crane"}) {
        SCOPED_TRACE(std::string("\"") + std::string(bad) + "\"");
        EXPECT_EQ(parse_capability(bad), std::nullopt);
    }
}

TEST(JobCapability, CapableOf) {
    constexpr CapabilitySet on_site = static_cast<CapabilitySet>(Capability::on_site);
    constexpr CapabilitySet wrecker = static_cast<CapabilitySet>(Capability::wrecker);
    constexpr CapabilitySet carrier = static_cast<CapabilitySet>(Capability::carrier);
    const std::pair<Service, CapabilitySet> rows[] = {
        {Service::lockout, on_site},
        {Service::jump_start, on_site},
        {Service::tire_change, on_site},
        {Service::fuel_delivery, on_site},
        {Service::light_work, on_site},
        {Service::tow, wrecker | carrier},  // 第1条2(1) レッカー or 積載車
        {Service::wheel_drop_recovery, wrecker},
    };
    for (const auto& [s, set] : rows) {
        SCOPED_TRACE(to_string(s));
        EXPECT_EQ(capable_of(s), set);
    }
    // The bits are distinct, so a set can be tested with &.
    EXPECT_EQ(on_site & wrecker, 0u);
    EXPECT_EQ(on_site & carrier, 0u);
    EXPECT_EQ(wrecker & carrier, 0u);
}

// ---------------------------------------------------------------------------------------------
// JobStatus

constexpr JobStatus kAllStatuses[] = {
    JobStatus::offered,   JobStatus::unassigned, JobStatus::accepted,
    JobStatus::en_route,  JobStatus::on_scene,   JobStatus::towing,
    JobStatus::delivered, JobStatus::completed,  JobStatus::cancelled};

TEST(JobStatusNames, ToStringAndParse) {
    const std::pair<JobStatus, std::string_view> rows[] = {
        {JobStatus::offered, "offered"},     {JobStatus::unassigned, "unassigned"},
        {JobStatus::accepted, "accepted"},   {JobStatus::en_route, "en_route"},
        {JobStatus::on_scene, "on_scene"},   {JobStatus::towing, "towing"},
        {JobStatus::delivered, "delivered"}, {JobStatus::completed, "completed"},
        {JobStatus::cancelled, "cancelled"},
    };
    for (const auto& [s, name] : rows) {
        SCOPED_TRACE(name);
        EXPECT_EQ(to_string(s), name);
        EXPECT_EQ(parse_job_status(name), s);
    }
    for (const JobStatus s : kAllStatuses) EXPECT_EQ(parse_job_status(to_string(s)), s);
    for (const std::string_view bad :
         {"", "Towing", "towing ", " towing", "tow", "TOWING", "canceled", "en-route", "enroute",
          "on-scene", "complete", "open", "lockout"}) {
        SCOPED_TRACE(std::string("\"") + std::string(bad) + "\"");
        EXPECT_EQ(parse_job_status(bad), std::nullopt);
    }
}

// Which services an edge is for.
enum class For { all, tow_only, non_tow_only };

struct Edge {
    JobStatus from;
    JobStatus to;
    For services;
    const char* why;
};

// The lifecycle of job.hpp written out edge by edge. Everything not listed is illegal.
constexpr Edge kAllowedEdges[] = {
    {JobStatus::offered, JobStatus::accepted, For::all, "the partner accepts"},
    {JobStatus::offered, JobStatus::offered, For::all, "declined/expired: next partner"},
    {JobStatus::offered, JobStatus::unassigned, For::all, "no partner left"},
    {JobStatus::unassigned, JobStatus::offered, For::all, "dispatched again"},
    {JobStatus::accepted, JobStatus::en_route, For::all, "the partner sets out"},
    {JobStatus::en_route, JobStatus::on_scene, For::all, "the partner arrives"},
    {JobStatus::on_scene, JobStatus::completed, For::non_tow_only, "on-site work finished"},
    {JobStatus::on_scene, JobStatus::towing, For::tow_only, "the car is loaded"},
    {JobStatus::towing, JobStatus::delivered, For::tow_only, "the car is unloaded"},
    {JobStatus::delivered, JobStatus::completed, For::tow_only, "the tow is finished"},
    {JobStatus::offered, JobStatus::cancelled, For::all, "the agent cancels"},
    {JobStatus::unassigned, JobStatus::cancelled, For::all, "the agent cancels"},
    {JobStatus::accepted, JobStatus::cancelled, For::all, "the agent cancels (第2条3(7))"},
    {JobStatus::en_route, JobStatus::cancelled, For::all, "the agent cancels (第2条3(7))"},
    {JobStatus::on_scene, JobStatus::cancelled, For::all, "the agent cancels (第2条3(7))"},
};

bool allowed(JobStatus from, JobStatus to, Service service) {
    for (const Edge& e : kAllowedEdges) {
        if (e.from != from || e.to != to) continue;
        switch (e.services) {
            case For::all:
                return true;
            case For::tow_only:
                return service == Service::tow;
            case For::non_tow_only:
                return service != Service::tow;
        }
    }
    return false;
}

TEST(JobTransition, FullMatrix) {
    int legal = 0;
    int checked = 0;
    for (const Service service : kAllServices) {
        for (const JobStatus from : kAllStatuses) {
            for (const JobStatus to : kAllStatuses) {
                SCOPED_TRACE(std::string(to_string(from)) + " → " + std::string(to_string(to)) +
                             " (" + std::string(to_string(service)) + ")");
                const bool expected = allowed(from, to, service);
                EXPECT_EQ(can_transition(from, to, service), expected);
                legal += expected ? 1 : 0;
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 7 * 9 * 9);
    // Guards the table itself. Common to every service: offered→{accepted, offered, unassigned,
    // cancelled}, unassigned→{offered, cancelled}, accepted→{en_route, cancelled},
    // en_route→{on_scene, cancelled}, on_scene→cancelled = 11. A tow adds on_scene→towing,
    // towing→delivered, delivered→completed; each of the six other services adds
    // on_scene→completed.
    EXPECT_EQ(legal, (11 + 3) + 6 * (11 + 1));
}

// Spot checks of the rules the matrix encodes, so that a failure names the rule.
TEST(JobTransition, NamedRules) {
    struct Row {
        const char* rule;
        JobStatus from;
        JobStatus to;
        Service service;
        bool ok;
    };
    using S = JobStatus;
    const Row rows[] = {
        {"re-offer to the next partner", S::offered, S::offered, Service::tow, true},
        {"no X→X except offered: accepted", S::accepted, S::accepted, Service::tow, false},
        {"no X→X: unassigned", S::unassigned, S::unassigned, Service::lockout, false},
        {"no X→X: completed", S::completed, S::completed, Service::lockout, false},
        {"skip: offered → en_route", S::offered, S::en_route, Service::jump_start, false},
        {"skip: accepted → on_scene", S::accepted, S::on_scene, Service::jump_start, false},
        {"skip: on_scene → delivered (tow)", S::on_scene, S::delivered, Service::tow, false},
        {"skip: towing → completed (tow)", S::towing, S::completed, Service::tow, false},
        {"tow completes only from delivered", S::on_scene, S::completed, Service::tow, false},
        {"non-tow completes from on_scene", S::on_scene, S::completed, Service::lockout, true},
        {"wheel drop completes from on_scene", S::on_scene, S::completed,
         Service::wheel_drop_recovery, true},
        {"no towing for a wheel drop", S::on_scene, S::towing, Service::wheel_drop_recovery, false},
        {"no towing for a jump start", S::on_scene, S::towing, Service::jump_start, false},
        {"tow: on_scene → towing", S::on_scene, S::towing, Service::tow, true},
        {"tow: towing → delivered", S::towing, S::delivered, Service::tow, true},
        {"tow: delivered → completed", S::delivered, S::completed, Service::tow, true},
        {"no cancelling while towing", S::towing, S::cancelled, Service::tow, false},
        {"no cancelling once delivered", S::delivered, S::cancelled, Service::tow, false},
        {"nothing out of completed", S::completed, S::offered, Service::tow, false},
        {"nothing out of cancelled", S::cancelled, S::offered, Service::tow, false},
        {"no going back: en_route → accepted", S::en_route, S::accepted, Service::tow, false},
        {"accepted cannot return to offered", S::accepted, S::offered, Service::tow, false},
        {"unassigned cannot be accepted directly", S::unassigned, S::accepted, Service::tow, false},
    };
    for (const Row& r : rows) {
        SCOPED_TRACE(r.rule);
        EXPECT_EQ(can_transition(r.from, r.to, r.service), r.ok);
    }
}

TEST(JobStatusPredicates, Table) {
    struct Row {
        JobStatus status;
        bool open;
        bool engaged;
        bool charged;  // 第2条3(7) 出動後にキャンセル, the customer cancelling
    };
    using S = JobStatus;
    const Row rows[] = {
        // 第2条3(7): 出動 is the truck setting off (en_route), not the acceptance.
        {S::offered, true, false, false},    {S::unassigned, true, false, false},
        {S::accepted, true, true, false},    {S::en_route, true, true, true},
        {S::on_scene, true, true, true},     {S::towing, true, true, false},
        {S::delivered, true, true, false},   {S::completed, false, false, false},
        {S::cancelled, false, false, false},
    };
    ASSERT_EQ(std::size(rows), std::size(kAllStatuses));
    for (const Row& r : rows) {
        SCOPED_TRACE(to_string(r.status));
        EXPECT_EQ(is_open(r.status), r.open);
        EXPECT_EQ(partner_engaged(r.status), r.engaged);
        EXPECT_EQ(cancellation_charged(r.status, CancelledBy::customer), r.charged);
        // Never when the operator or the partner calls the job off.
        EXPECT_FALSE(cancellation_charged(r.status, CancelledBy::operator_));
        EXPECT_FALSE(cancellation_charged(r.status, CancelledBy::partner));
    }
}

TEST(JobCancelledBy, ToStringAndParse) {
    const std::pair<CancelledBy, std::string_view> rows[] = {
        {CancelledBy::customer, "customer"},
        {CancelledBy::operator_, "operator"},
        {CancelledBy::partner, "partner"},
    };
    for (const auto& [c, name] : rows) {
        EXPECT_EQ(to_string(c), name);
        EXPECT_EQ(parse_cancelled_by(name), c);
    }
    EXPECT_EQ(parse_cancelled_by("Customer"), std::nullopt);
    EXPECT_EQ(parse_cancelled_by("agent"), std::nullopt);
    EXPECT_EQ(parse_cancelled_by(""), std::nullopt);
}

TEST(JobTowDestination, Names) {
    EXPECT_EQ(to_string(TowDestination::designated_shop), "designated_shop");
    EXPECT_EQ(to_string(TowDestination::storage), "storage");
    EXPECT_EQ(to_string(TowDestination::not_designated), "not_designated");
}

// A charged cancellation is always a legal one: every state that charges can move to cancelled.
TEST(JobStatusPredicates, ChargedCancellationIsReachable) {
    for (const Service service : kAllServices) {
        for (const JobStatus s : kAllStatuses) {
            if (!cancellation_charged(s, CancelledBy::customer)) continue;
            SCOPED_TRACE(std::string(to_string(s)) + " " + std::string(to_string(service)));
            EXPECT_TRUE(can_transition(s, JobStatus::cancelled, service));
        }
    }
}

}  // namespace
}  // namespace roadside::dispatch
