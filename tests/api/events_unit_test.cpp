// The pure parts of live events and staff sessions: the cursor that never skips a row committed
// out of id order, who sees which event, the frames, cookies, origins and CSRF tokens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/auth.hpp"
#include "api/event_cursor.hpp"
#include "api/events.hpp"

namespace roadside::api {
namespace {

using namespace std::chrono_literals;
using Clock = EventCursor::Clock;
using Ids = std::vector<std::int64_t>;
using Xids = std::vector<std::uint64_t>;
using Picks = std::vector<std::size_t>;

const Clock::time_point t0 = Clock::time_point{} + 1000h;

TEST(EventCursor, DeliversContiguousRowsAndMovesOn) {
    EventCursor c(10, 500ms);
    EXPECT_EQ(c.apply({11, 12, 13}, {}, std::nullopt, t0), (Picks{0, 1, 2}));
    EXPECT_EQ(c.after(), 13);
    EXPECT_EQ(c.apply({}, {}, std::nullopt, t0), Picks{});
    EXPECT_FALSE(c.holding());
}

TEST(EventCursor, AGapWithNothingInProgressWasRolledBackAndIsPassedAtOnce) {
    EventCursor c(10, 500ms);
    EXPECT_FALSE(c.has_new_gap({12}, false));
    EXPECT_EQ(c.apply({12}, {}, std::nullopt, t0), Picks{0});
    EXPECT_EQ(c.after(), 12);
    EXPECT_EQ(c.tracked_gaps(), 0u);
}

TEST(EventCursor, AGapWhoseTransactionIsInProgressHoldsTheRowsAfterIt) {
    EventCursor c(10, 500ms);
    const Xids running = {900, 901};
    EXPECT_TRUE(c.has_new_gap({12, 13}, true));
    // 11 is missing while 900 and 901 run: 12 and 13 wait.
    EXPECT_EQ(c.apply({12, 13}, running, std::nullopt, t0), Picks{});
    EXPECT_EQ(c.after(), 10);
    EXPECT_TRUE(c.holding());
    EXPECT_FALSE(c.has_new_gap({12, 13}, true));  // known already
    // Still running 100 ms later: still waiting.
    EXPECT_EQ(c.apply({12, 13}, running, std::nullopt, t0 + 100ms), Picks{});
    // 11 committed: all three, in order.
    EXPECT_EQ(c.apply({11, 12, 13}, {901}, std::nullopt, t0 + 150ms), (Picks{0, 1, 2}));
    EXPECT_EQ(c.after(), 13);
    EXPECT_FALSE(c.holding());
}

TEST(EventCursor, WhenTheCandidatesEndWithoutTheRowItWasRolledBack) {
    EventCursor c(10, 500ms);
    EXPECT_EQ(c.apply({12}, {900}, std::nullopt, t0), Picks{});
    // 900 has ended and 11 is not there: rolled back; 12 goes.
    EXPECT_EQ(c.apply({12}, {905}, std::nullopt, t0 + 20ms), Picks{0});
    EXPECT_EQ(c.after(), 12);
    EXPECT_EQ(c.tracked_gaps(), 0u);
}

TEST(EventCursor, OtherDatabasesTransactionsAreNotWaitedFor) {
    EventCursor c(10, 500ms);
    // 900 and 901 run elsewhere in the cluster; of this database's transactions none is among
    // them (the low 32 bits are compared).
    const std::vector<std::uint32_t> ours = {77};
    EXPECT_EQ(c.apply({12}, {900, 901}, ours, t0), Picks{0});
    // One of ours (64-bit id whose low half is 77) is a candidate.
    EventCursor d(10, 500ms);
    const std::uint64_t ours_64 = (std::uint64_t{3} << 32) | 77u;
    EXPECT_EQ(d.apply({12}, {900, ours_64}, ours, t0), Picks{});
    EXPECT_TRUE(d.holding());
}

TEST(EventCursor, AGapHeldLongerThanTheHoldIsPassedAndItsRowDeliveredLateWhenItCommits) {
    EventCursor c(10, 500ms);
    EXPECT_EQ(c.apply({12, 13}, {900}, std::nullopt, t0), Picks{});
    // 500 ms later 900 still runs: the stream goes on without 11, and 11 is watched for.
    EXPECT_EQ(c.apply({12, 13}, {900}, std::nullopt, t0 + 500ms), (Picks{0, 1}));
    EXPECT_EQ(c.after(), 13);
    EXPECT_EQ(c.awaited(), Ids{11});
    EXPECT_FALSE(c.holding());
    // It commits: delivered out of order, then forgotten.
    EXPECT_EQ(c.apply({11, 14}, {}, std::nullopt, t0 + 900ms), (Picks{0, 1}));
    EXPECT_EQ(c.awaited(), Ids{});
    EXPECT_EQ(c.after(), 14);
}

TEST(EventCursor, APassedGapIsForgottenWhenItsTransactionEndsWithoutIt) {
    EventCursor c(10, 0ms);  // no hold at all
    EXPECT_EQ(c.apply({12}, {900}, std::nullopt, t0), Picks{0});
    EXPECT_EQ(c.awaited(), Ids{11});
    EXPECT_EQ(c.apply({}, {900}, std::nullopt, t0 + 1s), Picks{});
    EXPECT_EQ(c.awaited(), Ids{11});
    EXPECT_EQ(c.apply({}, {}, std::nullopt, t0 + 2s), Picks{});
    EXPECT_EQ(c.awaited(), Ids{});
}

TEST(EventCursor, APassedGapIsGivenUpAfterTheLateWatch) {
    EventCursor c(10, 0ms);
    c.apply({12}, {900}, std::nullopt, t0);
    c.apply({}, {900}, std::nullopt, t0 + EventCursor::kLateWatch);
    EXPECT_EQ(c.awaited(), Ids{11});
    c.apply({}, {900}, std::nullopt, t0 + EventCursor::kLateWatch + 1s);
    EXPECT_EQ(c.awaited(), Ids{});
}

TEST(EventCursor, SeveralGapsEachWaitForTheirOwnCandidates) {
    EventCursor c(10, 500ms);
    // 11 missing with 900 running; 13 appears; then 14 missing with 901 running, 15 appears.
    EXPECT_EQ(c.apply({12}, {900}, std::nullopt, t0), Picks{});
    EXPECT_EQ(c.apply({11, 12, 15}, {901}, std::nullopt, t0 + 10ms), (Picks{0, 1}));
    EXPECT_EQ(c.after(), 12);
    EXPECT_TRUE(c.holding());  // 13 and 14, for 901
    EXPECT_EQ(c.apply({13, 14, 15}, {}, std::nullopt, t0 + 20ms), (Picks{0, 1, 2}));
    EXPECT_EQ(c.after(), 15);
}

TEST(EventCursor, AHugeJumpIsNotWaitedFor) {
    EventCursor c(10, 500ms);
    const std::int64_t far = 10 + static_cast<std::int64_t>(EventCursor::kMaxGaps) + 5;
    EXPECT_EQ(c.apply({far}, {900}, std::nullopt, t0), Picks{0});
    EXPECT_EQ(c.after(), far);
}

// ---- who sees what --------------------------------------------------------------------------

store::FeedEvent event(std::string type, std::optional<std::string> incident,
                       std::optional<std::string> contract, std::optional<std::string> partner,
                       std::string data = "{}") {
    store::FeedEvent e;
    e.id = 42;
    e.type = std::move(type);
    e.incident_id = std::move(incident);
    e.contract_id = std::move(contract);
    e.partner_id = std::move(partner);
    e.actor = "user:sato";
    e.data_json = std::move(data);
    e.at = core::Instant{std::chrono::seconds{1'780'000'000}};
    return e;
}

StreamAudience audience(Role role, std::optional<std::string> partner = std::nullopt,
                        std::optional<std::string> contract = std::nullopt) {
    StreamAudience a;
    a.role = role;
    a.partner_id = std::move(partner);
    a.contract_id = std::move(contract);
    return a;
}

TEST(EventVisibility, EachRoleSeesWhatTheIssueSays) {
    const auto call = event("call_received", "I1", "C1", std::nullopt);
    const auto offer_p1 = event("job_offered", "I1", "C1", "P1");
    const auto declined_p1 = event("offer_declined", "I1", "C1", "P1");
    const auto lapsed_p1 = event("offer_expired", "I1", "C1", "P1");
    const auto accepted_p2 = event("job_accepted", "I1", "C1", "P2");
    const auto unassigned = event("job_unassigned", "I1", "C1", std::nullopt);
    const auto claim = event("claim_decided", "I1", "C1", std::nullopt);
    const auto other_call = event("call_received", "I9", "C9", std::nullopt);
    const auto contract_only = event("contract_created", std::nullopt, "C1", std::nullopt);
    const auto link = event("location_link_sent", std::nullopt, std::nullopt, std::nullopt);
    struct Row {
        const char* who;
        StreamAudience a;
        std::vector<bool> sees;  // in the order of `all` below
    };
    const std::vector<const store::FeedEvent*> all = {
        &call,       &offer_p1, &declined_p1, &lapsed_p1,     &accepted_p2,
        &unassigned, &claim,    &other_call,  &contract_only, &link};
    const std::vector<Row> rows = {
        {"agent", audience(Role::agent), {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}},
        {"reviewer", audience(Role::reviewer), {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}},
        {"admin", audience(Role::admin), {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}},
        {"partner P1", audience(Role::partner, "P1"), {0, 1, 1, 1, 0, 0, 0, 0, 0, 0}},
        {"partner P2", audience(Role::partner, "P2"), {0, 0, 0, 0, 1, 0, 0, 0, 0, 0}},
        {"customer C1",
         audience(Role::customer, std::nullopt, "C1"),
         {1, 0, 0, 0, 1, 1, 1, 0, 0, 0}},
        {"customer C9",
         audience(Role::customer, std::nullopt, "C9"),
         {0, 0, 0, 0, 0, 0, 0, 1, 0, 0}},
        {"partner without a partner", audience(Role::partner), {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    };
    for (const Row& row : rows) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            EXPECT_EQ(visible_to(row.a, *all[i]), row.sees[i]) << row.who << " / " << all[i]->type;
        }
    }
}

TEST(EventFrames, AFrameCarriesTheIdTypeAndWhatThePagesNeed) {
    const auto e = event("job_accepted", "I1", "C1", "P2",
                         R"({"job_id":"J1","partner_id":"P2","eta_minutes":25})");
    const std::string staff = event_frame(e, true);
    ASSERT_TRUE(staff.starts_with("id: 42\nevent: job_accepted\ndata: ")) << staff;
    ASSERT_TRUE(staff.ends_with("\n\n"));
    const auto data = nlohmann::json::parse(staff.substr(staff.find("data: ") + 6));
    EXPECT_EQ(data["id"], 42);
    EXPECT_EQ(data["type"], "job_accepted");
    EXPECT_EQ(data["incident_id"], "I1");
    EXPECT_EQ(data["contract_id"], "C1");
    EXPECT_EQ(data["partner_id"], "P2");
    EXPECT_EQ(data["job_id"], "J1");
    EXPECT_EQ(data["status"], "accepted");
    EXPECT_EQ(data["actor"], "user:sato");
    EXPECT_EQ(data["data"]["eta_minutes"], 25);
    const std::string other = event_frame(e, false);
    EXPECT_EQ(other.find("actor"), std::string::npos);
    // A claim's status is its decision; a newline in a type cannot split a frame.
    const auto claim = event("claim_decided", "I1", "C1", std::nullopt,
                             R"({"claim_id":"K1","decision":"approved"})");
    const auto claim_data = nlohmann::json::parse(
        event_frame(claim, true).substr(event_frame(claim, true).find("data: ") + 6));
    EXPECT_EQ(claim_data["status"], "approved");
    EXPECT_EQ(claim_data["claim_id"], "K1");
    const auto odd = event("bad\ntype", "I1", "C1", std::nullopt, "not json");
    const std::string frame = event_frame(odd, true);
    EXPECT_NE(frame.find("event: bad_type\n"), std::string::npos);
    EXPECT_EQ(std::count(frame.begin(), frame.end(), '\n'), 4);
}

// ---- cookies, origins, CSRF -----------------------------------------------------------------

TEST(StaffCookies, TheSessionCookieIsFoundAmongOthers) {
    EXPECT_EQ(cookie_value("roadside_session=abc", kSessionCookie), "abc");
    EXPECT_EQ(cookie_value("a=1; roadside_session=abc; b=2", kSessionCookie), "abc");
    EXPECT_EQ(cookie_value("a=1;roadside_session=abc", kSessionCookie), "abc");
    EXPECT_EQ(cookie_value("xroadside_session=abc", kSessionCookie), "");
    EXPECT_EQ(cookie_value("roadside_session_old=abc", kSessionCookie), "");
    EXPECT_EQ(cookie_value("", kSessionCookie), "");
    EXPECT_EQ(cookie_value("roadside_session=", kSessionCookie), "");
    EXPECT_EQ(cookie_value("roadside_session=a; roadside_session=b", kSessionCookie), "a");
}

TEST(StaffOrigins, OnlyThisServersOwnOriginIsSameOrigin) {
    struct Case {
        const char* origin;
        const char* host;
        bool tls;
        bool same;
    };
    const std::vector<Case> cases = {
        {"http://127.0.0.1:8080", "127.0.0.1:8080", false, true},
        {"HTTP://Desk.Example:8080", "desk.example:8080", false, true},
        {"https://desk.example", "desk.example", true, true},
        {"http://desk.example", "desk.example", true, false},
        {"https://desk.example", "desk.example", false, false},
        {"http://127.0.0.1:8081", "127.0.0.1:8080", false, false},
        {"http://127.0.0.1:8080/", "127.0.0.1:8080", false, false},
        {"http://evil.example", "127.0.0.1:8080", false, false},
        {"null", "127.0.0.1:8080", false, false},
        {"http://127.0.0.1:8080", "", false, false},
        {"http://127.0.0.1:8080.evil.example", "127.0.0.1:8080", false, false},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(same_origin(c.origin, c.host, c.tls), c.same) << c.origin << " / " << c.host;
    }
}

TEST(StaffCsrf, TheTokenIsDerivedFromTheSecretAndRevealsNothingOfIt) {
    const std::string a = csrf_token_for("rs_secret_one");
    EXPECT_EQ(a, csrf_token_for("rs_secret_one"));
    EXPECT_NE(a, csrf_token_for("rs_secret_two"));
    EXPECT_EQ(a.size(), 43u);  // 256 bits, base64url
    EXPECT_EQ(a.find("secret"), std::string::npos);
    EXPECT_NE(a, sha256_hex("rs_secret_one"));
}

TEST(StaffPrincipals, ThePersonIsTheActorAndTheKey) {
    Principal token{"T1", Role::agent, std::nullopt, std::nullopt, "desk"};
    EXPECT_EQ(token.actor(), "agent:T1");
    EXPECT_EQ(token.key(), "T1");
    Principal person = token;
    person.token_id = "session:S1";
    person.user = SignedInUser{"U1", "sato", "佐藤", "S1", "csrf", {}, {}};
    EXPECT_EQ(person.actor(), "user:sato");
    EXPECT_EQ(person.key(), "user:U1");
    EXPECT_EQ(to_string(Role::reviewer), "reviewer");
    EXPECT_EQ(parse_role("reviewer"), Role::reviewer);
}

}  // namespace
}  // namespace roadside::api
