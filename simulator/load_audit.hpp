#pragma once
// The load generator's closing audit: every incident the load created is read back through the
// API (GET /v1/incidents/{id}, as admin) and checked against a simple, independent model of the
// rules — not against the server's own code — and against what the scenario that drove it saw.
//
// Invariants (each counted separately, with the number of times it was checked):
//   outcome      a finished call's jobs are exactly those the scenario made, each ended where the
//                scenario left it (completed / cancelled / unassigned), none still in progress;
//                a covered call has at least one job
//   offers       no job has two live offers, a live offer exactly when the job is `offered` and
//                to the job's partner, no partner is offered the same job twice
//   charges      every line is quantity × unit; covered_yen and customer_yen are the sums of the
//                warranty's and the customer's lines; a tow's km: the warranty pays at most the
//                free km (started km within them), the customer every started km beyond; a call
//                that was not covered gets no free job
//   one_benefit  at most one claim per incident that was not rejected
//   claim_cap    no approved amount beyond the benefit's cap for the persons counted (taxi
//                ¥10,000; rental car ¥10,000; public transport ¥20,000 × persons; hotel ¥15,000
//                × persons; post-repair transport ¥50,000), persons counted within the persons
//                claimed, the seats and the occupants, nothing approved beyond what counted
//   claim_basis  a claim that was not rejected is for a covered call ≥ 100 km from home with a
//                tow completed to a shop or storage
//   claims_seen  a finished call's claims are exactly those its scenario filed, with the same
//                decisions
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace roadside::sim::loadgen {

// A job as its scenario last saw it.
struct SeenJob {
    std::string job_id;
    std::string status;  // completed, cancelled, unassigned (or whatever it was when abandoned)
};

// A claim its scenario filed (201) and the decision it was given.
struct SeenClaim {
    std::string claim_id;
    std::string decision;
};

// What a scenario saw of its incident.
struct IncidentRecord {
    std::string incident_id;
    bool finished = false;  // the scenario ran to its end (not abandoned at the drain deadline)
    bool eligible = false;  // the coverage verdict of the call
    std::vector<SeenJob> jobs;
    std::vector<SeenClaim> claims;
};

struct Violation {
    std::string invariant;
    std::string incident_id;
    std::string message;
};

struct AuditReport {
    static constexpr std::size_t kMaxViolationsKept = 1000;

    std::map<std::string, std::int64_t> checks;      // invariant → times checked
    std::map<std::string, std::int64_t> violations;  // invariant → times violated
    std::vector<Violation> examples;                 // the first kMaxViolationsKept
    std::int64_t incidents = 0;                      // incidents read back
    std::int64_t unreadable = 0;                     // incidents the API did not return
    std::int64_t metrics_5xx_before = -1;            // /metrics, -1 when not read
    std::int64_t metrics_5xx_after = -1;

    // Counts one check of `invariant`; records a violation when `ok` is false.
    void check(const std::string& invariant, bool ok, const std::string& incident_id,
               const std::string& message);
    void merge(const AuditReport& other);
    std::int64_t total_violations() const;
};

// The invariant names, in the order they are printed.
const std::vector<std::string>& audit_invariants();

// The most the benefit pays for `persons` persons (ロードサービス規定 第1条3 A–D, brochure E);
// -1 for an unknown benefit.
std::int64_t benefit_cap_yen(const std::string& benefit, std::int64_t persons);

// Checks one incident as GET /v1/incidents/{id} returned it to an admin.
void audit_incident(const nlohmann::json& incident, const IncidentRecord& seen,
                    AuditReport& report);

// The 5xx responses counted in a /metrics text (roadside_http_requests_total with a 5xx status).
std::int64_t count_5xx(const std::string& metrics_text);

struct AuditOptions {
    std::string host;
    int port = 0;
    std::string admin_token;
    int threads = 4;
    std::int64_t request_timeout_ms = 10'000;
    bool progress = false;  // a line on stderr every few seconds
};

// Reads every incident back in parallel and audits it; also reads /metrics afterwards
// (metrics_5xx_after). Transport failures count as unreadable incidents.
AuditReport audit_incidents(const AuditOptions& options,
                            const std::vector<IncidentRecord>& records);

}  // namespace roadside::sim::loadgen
