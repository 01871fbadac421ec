#include "simulator/load_audit.hpp"

#include <algorithm>
#include <atomic>
#include <boost/system/system_error.hpp>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <thread>

#include "simulator/http_client.hpp"

namespace roadside::sim::loadgen {

using nlohmann::json;

namespace {

const std::string kOutcome = "outcome";
const std::string kOffers = "offers";
const std::string kCharges = "charges";
const std::string kOneBenefit = "one_benefit";
const std::string kClaimCap = "claim_cap";
const std::string kClaimBasis = "claim_basis";
const std::string kClaimsSeen = "claims_seen";

// Remote support starts at 100 km from home (ロードサービス規定 第1条3(1)).
constexpr double kRemoteMinKm = 100.0;
// The free tow distance when the verdict does not say (第1条2(1)).
constexpr std::int64_t kDefaultFreeTowKm = 50;
constexpr auto kProgressInterval = std::chrono::seconds{5};

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

// Reading fields leniently: a missing or mistyped field is a violation of whatever needed it,
// never an exception that stops the audit.
std::int64_t int_of(const json& j, const char* key, std::int64_t fallback = -1) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return fallback;
    if (it->is_number_integer() || it->is_number_unsigned()) return it->get<std::int64_t>();
    return static_cast<std::int64_t>(std::llround(it->get<double>()));
}

std::string str_of(const json& j, const char* key) {
    if (!j.is_object()) return "";
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

bool bool_of(const json& j, const char* key) {
    if (!j.is_object()) return false;
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

const json& array_of(const json& j, const char* key) {
    static const json empty = json::array();
    if (!j.is_object()) return empty;
    const auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

std::string describe(const std::string& what, std::int64_t got, std::int64_t want) {
    std::string s = what;
    s += ": ";
    s += std::to_string(got);
    s += ", expected ";
    s += std::to_string(want);
    return s;
}

std::string job_tag(const json& job) {
    std::string s = "job ";
    s += str_of(job, "job_id");
    s += " (";
    s += str_of(job, "service");
    s += ", ";
    s += str_of(job, "status");
    s += ")";
    return s;
}

bool terminal_for_scenario(const std::string& status) {
    return status == "completed" || status == "cancelled" || status == "unassigned";
}

void check_offers(const std::string& id, const json& job, AuditReport& r) {
    const std::string tag = job_tag(job);
    std::set<std::string> partners;
    int live = 0;
    std::string live_partner;
    bool repeated = false;
    for (const json& o : array_of(job, "offers")) {
        const std::string partner = str_of(o, "partner_id");
        if (!partners.insert(partner).second) repeated = true;
        if (o.contains("outcome") && o["outcome"].is_null()) {
            ++live;
            live_partner = partner;
        }
    }
    r.check(kOffers, !repeated, id, tag + ": a partner was offered the job twice");
    r.check(kOffers, live <= 1, id, tag + ": " + std::to_string(live) + " live offers");
    const bool offered = str_of(job, "status") == "offered";
    if (offered) {
        r.check(kOffers, live == 1 && live_partner == str_of(job, "partner_id"), id,
                tag + ": offered, but not with one live offer to its partner");
    } else {
        r.check(kOffers, live == 0, id, tag + ": a live offer on a job that is not offered");
    }
}

// A call that was not covered gets paid help only (第3条(2)); so does an accident (第1条2
// 車両故障), and a tow to a place that is not a designated shop or storage (第1条2(1)); only the
// customer's cancellation is charged (第2条3(7)).
void check_paid_when_due(const std::string& id, const json& incident, const json& job,
                         AuditReport& r) {
    const json& charges = job.contains("charges") ? job["charges"] : json();
    const std::string status = str_of(job, "status");
    if (!bool_of(incident, "eligible")) {
        r.check(kCharges, !bool_of(job, "free"), id,
                job_tag(job) + ": free, but the call was not covered");
    }
    if (str_of(incident, "problem") == "accident") {
        r.check(kCharges, !bool_of(job, "free"), id, job_tag(job) + ": free on an accident call");
    }
    const json& destination = job.contains("destination") ? job["destination"] : json();
    if (str_of(destination, "kind") == "not_designated") {
        r.check(kCharges, !bool_of(job, "free"), id,
                job_tag(job) + ": free, but not towed to a designated shop or storage");
    }
    if (status == "cancelled" && str_of(job, "cancelled_by") != "customer") {
        r.check(kCharges, !charges.is_object() || int_of(charges, "customer_yen") == 0, id,
                job_tag(job) + ": cancelled by the " + str_of(job, "cancelled_by") +
                    " and charged to the customer");
    }
}

void check_charges(const std::string& id, const json& incident, const json& job, AuditReport& r) {
    const json& charges = job.contains("charges") ? job["charges"] : json();
    const std::string status = str_of(job, "status");
    if (status == "completed") {
        r.check(kCharges, charges.is_object(), id, job_tag(job) + ": completed without charges");
    }
    check_paid_when_due(id, incident, job, r);
    if (!charges.is_object()) return;
    const std::string tag = job_tag(job);
    std::int64_t warranty = 0;
    std::int64_t customer = 0;
    std::map<std::string, json> by_code;
    for (const json& line : array_of(charges, "lines")) {
        const std::string code = str_of(line, "code");
        const std::int64_t quantity = int_of(line, "quantity");
        const std::int64_t unit = int_of(line, "unit_yen");
        const std::int64_t amount = int_of(line, "amount_yen");
        r.check(kCharges, amount == quantity * unit, id,
                tag + ": line " + code + " " + describe("amount_yen", amount, quantity * unit));
        const std::string payer = str_of(line, "payer");
        r.check(kCharges, payer == "warranty" || payer == "customer", id,
                tag + ": line " + code + " has payer '" + payer + "'");
        (payer == "warranty" ? warranty : customer) += amount;
        by_code[code] = line;
    }
    r.check(kCharges, int_of(charges, "covered_yen") == warranty, id,
            tag + ": " + describe("covered_yen", int_of(charges, "covered_yen"), warranty));
    r.check(kCharges, int_of(charges, "customer_yen") == customer, id,
            tag + ": " + describe("customer_yen", int_of(charges, "customer_yen"), customer));

    // The tow km split (第1条2(1), 第2条2(1)): started km, to the metre.
    if (str_of(job, "service") != "tow" || status != "completed") return;
    const json& km_field = job.contains("tow_distance_km") ? job["tow_distance_km"] : json();
    if (!km_field.is_number()) {
        r.check(kCharges, false, id, tag + ": a completed tow without tow_distance_km");
        return;
    }
    const std::int64_t tow_m = std::llround(km_field.get<double>() * 1000.0);
    const std::int64_t free_km =
        int_of(incident.contains("coverage") ? incident["coverage"] : json(), "free_tow_km",
               kDefaultFreeTowKm);
    const auto quantity_of = [&](const std::string& code) -> std::int64_t {
        const auto it = by_code.find(code);
        return it == by_code.end() ? 0 : int_of(it->second, "quantity");
    };
    const auto payer_of = [&](const std::string& code) {
        const auto it = by_code.find(code);
        return it == by_code.end() ? std::string() : str_of(it->second, "payer");
    };
    const std::int64_t started_km = tow_m <= 0 ? 0 : ceil_div(tow_m, 1000);
    // 第2条2(11): storage is free for 24 h after a free tow only; then per started day.
    if (job.contains("storage_hours") && job["storage_hours"].is_number()) {
        const std::int64_t minutes = std::llround(job["storage_hours"].get<double>() * 60.0);
        const std::int64_t free_minutes = bool_of(job, "free") ? 24 * 60 : 0;
        const std::int64_t days =
            minutes <= free_minutes ? 0 : ceil_div(minutes - free_minutes, 24 * 60);
        r.check(kCharges, quantity_of("storage") == days, id,
                tag + ": " + describe("storage days", quantity_of("storage"), days));
    }
    if (bool_of(job, "free")) {
        const std::int64_t within = std::min(started_km, free_km);
        const std::int64_t beyond =
            tow_m <= free_km * 1000 ? 0 : ceil_div(tow_m - free_km * 1000, 1000);
        r.check(kCharges, quantity_of("tow_km") == within, id,
                tag + ": " + describe("km the warranty pays", quantity_of("tow_km"), within));
        r.check(kCharges, within == 0 || payer_of("tow_km") == "warranty", id,
                tag + ": the free km are not the warranty's");
        r.check(
            kCharges, quantity_of("tow_km_beyond_free") == beyond, id,
            tag + ": " +
                describe("km beyond the free distance", quantity_of("tow_km_beyond_free"), beyond));
        r.check(kCharges, beyond == 0 || payer_of("tow_km_beyond_free") == "customer", id,
                tag + ": the km beyond the free distance are not the customer's");
    } else {
        // A paid tow has no free distance: every started km is the customer's.
        r.check(kCharges, quantity_of("tow_km") == started_km, id,
                tag + ": " + describe("paid tow km", quantity_of("tow_km"), started_km));
        r.check(kCharges, started_km == 0 || payer_of("tow_km") == "customer", id,
                tag + ": a paid tow's km are not the customer's");
        r.check(kCharges, warranty == 0, id, tag + ": the warranty pays part of a paid job");
    }
}

bool per_person(const std::string& benefit) {
    return benefit == "public_transport" || benefit == "hotel";
}

void check_claims(const std::string& id, const json& incident, AuditReport& r) {
    int live = 0;
    const json& coverage = incident.contains("coverage") ? incident["coverage"] : json();
    const std::int64_t seats =
        int_of(coverage.is_object() && coverage.contains("vehicle") ? coverage["vehicle"] : json(),
               "seating_capacity");
    const std::int64_t occupants = int_of(incident, "occupants");  // -1 when not recorded
    // 第1条3(1) 第2号のロードサービスを利用して: the free tow only; and a breakdown, not an
    // accident.
    bool qualifying_tow = false;
    for (const json& job : array_of(incident, "jobs")) {
        const std::string outcome = str_of(job, "outcome");
        qualifying_tow =
            qualifying_tow ||
            (str_of(job, "service") == "tow" && str_of(job, "status") == "completed" &&
             bool_of(job, "free") && (outcome == "towed_to_shop" || outcome == "towed_to_storage"));
    }
    const bool accident = str_of(incident, "problem") == "accident";
    for (const json& c : array_of(incident, "claims")) {
        const std::string claim = "claim " + str_of(c, "claim_id");
        const std::string decision = str_of(c, "decision");
        const std::string benefit = str_of(c, "benefit");
        const std::int64_t approved = int_of(c, "approved_yen");
        const std::int64_t counted = int_of(c, "counted_yen");
        const std::int64_t persons = int_of(c, "persons");
        const std::int64_t persons_counted = int_of(c, "persons_counted");
        if (decision != "rejected") ++live;

        const std::int64_t cap = benefit_cap_yen(benefit, persons_counted);
        r.check(
            kClaimCap, cap >= 0 && approved >= 0 && approved <= cap, id,
            claim + " (" + benefit + "): " + describe("approved_yen", approved, cap) + " at most");
        r.check(kClaimCap, approved <= std::max<std::int64_t>(counted, 0), id,
                claim + ": " + describe("approved_yen", approved, counted) + " (counted) at most");
        if (decision == "rejected" || decision == "pending_review") {
            r.check(kClaimCap, approved == 0, id,
                    claim + ": " + decision + " with approved_yen " + std::to_string(approved));
        }
        if (per_person(benefit)) {
            std::int64_t limit = persons;
            if (seats > 0) limit = std::min(limit, seats);
            if (occupants >= 0) limit = std::min(limit, occupants);
            r.check(kClaimCap, persons_counted >= 0 && persons_counted <= limit, id,
                    claim + ": " + describe("persons_counted", persons_counted, limit) +
                        " at most (persons, seats, occupants)");
        }
        if (decision != "rejected") {
            const double km = incident.contains("distance_from_home_km") &&
                                      incident["distance_from_home_km"].is_number()
                                  ? incident["distance_from_home_km"].get<double>()
                                  : 0.0;
            r.check(
                kClaimBasis,
                bool_of(incident, "eligible") && !accident && km >= kRemoteMinKm && qualifying_tow,
                id, claim + " is " + decision + " without a covered remote call and a free tow");
        }
    }
    r.check(kOneBenefit, live <= 1, id,
            std::to_string(live) + " claims that were not rejected on one incident");
}

void check_against_scenario(const std::string& id, const json& incident, const IncidentRecord& seen,
                            AuditReport& r) {
    const json& jobs = array_of(incident, "jobs");
    r.check(kOutcome, bool_of(incident, "eligible") == seen.eligible, id,
            "the coverage verdict changed since the call");
    r.check(kOutcome, jobs.size() == seen.jobs.size(), id,
            describe("jobs", static_cast<std::int64_t>(jobs.size()),
                     static_cast<std::int64_t>(seen.jobs.size())));
    if (seen.eligible) {
        r.check(kOutcome, !jobs.empty(), id, "a covered call without any job");
    }
    for (const json& job : jobs) {
        const std::string job_id = str_of(job, "job_id");
        const std::string status = str_of(job, "status");
        const auto it = std::find_if(seen.jobs.begin(), seen.jobs.end(),
                                     [&](const SeenJob& s) { return s.job_id == job_id; });
        r.check(kOutcome, it != seen.jobs.end(), id, job_tag(job) + ": not made by the scenario");
        if (it != seen.jobs.end()) {
            r.check(kOutcome, it->status == status, id,
                    job_tag(job) + ": the scenario left it " + it->status);
        }
        r.check(kOutcome, terminal_for_scenario(status), id,
                job_tag(job) + ": still in progress after its call finished");
    }
    const json& claims = array_of(incident, "claims");
    r.check(kClaimsSeen, claims.size() == seen.claims.size(), id,
            describe("claims", static_cast<std::int64_t>(claims.size()),
                     static_cast<std::int64_t>(seen.claims.size())));
    for (const json& c : claims) {
        const std::string claim_id = str_of(c, "claim_id");
        const auto it = std::find_if(seen.claims.begin(), seen.claims.end(),
                                     [&](const SeenClaim& s) { return s.claim_id == claim_id; });
        r.check(kClaimsSeen, it != seen.claims.end() && it->decision == str_of(c, "decision"), id,
                "claim " + claim_id + " (" + str_of(c, "decision") +
                    ") is not the one the scenario filed");
    }
}

}  // namespace

void AuditReport::check(const std::string& invariant, bool ok, const std::string& incident_id,
                        const std::string& message) {
    ++checks[invariant];
    if (ok) return;
    ++violations[invariant];
    if (examples.size() < kMaxViolationsKept) examples.push_back({invariant, incident_id, message});
}

void AuditReport::merge(const AuditReport& other) {
    for (const auto& [k, n] : other.checks) checks[k] += n;
    for (const auto& [k, n] : other.violations) violations[k] += n;
    for (const auto& v : other.examples) {
        if (examples.size() < kMaxViolationsKept) examples.push_back(v);
    }
    incidents += other.incidents;
    unreadable += other.unreadable;
}

std::int64_t AuditReport::total_violations() const {
    std::int64_t n = 0;
    for (const auto& [k, v] : violations) n += v;
    return n;
}

const std::vector<std::string>& audit_invariants() {
    static const std::vector<std::string> names = {kOutcome,  kOffers,     kCharges,   kOneBenefit,
                                                   kClaimCap, kClaimBasis, kClaimsSeen};
    return names;
}

std::int64_t benefit_cap_yen(const std::string& benefit, std::int64_t persons) {
    // ロードサービス規定 第1条3 A (taxi), B (rental car), C (public transport, per person),
    // D (hotel, per person); the brochure's E (post-repair transport).
    if (benefit == "taxi") return 10'000;
    if (benefit == "rental_car") return 10'000;
    if (benefit == "public_transport") return 20'000 * std::max<std::int64_t>(persons, 0);
    if (benefit == "hotel") return 15'000 * std::max<std::int64_t>(persons, 0);
    if (benefit == "post_repair_transport") return 50'000;
    return -1;
}

void audit_incident(const json& incident, const IncidentRecord& seen, AuditReport& report) {
    const std::string& id = seen.incident_id;
    ++report.incidents;
    for (const json& job : array_of(incident, "jobs")) {
        check_offers(id, job, report);
        check_charges(id, incident, job, report);
    }
    check_claims(id, incident, report);
    // What the scenario saw can only be compared when it ran to its end: an abandoned scenario
    // left its job wherever it was.
    if (seen.finished) check_against_scenario(id, incident, seen, report);
}

std::int64_t count_5xx(const std::string& metrics_text) {
    std::int64_t total = 0;
    std::istringstream in(metrics_text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("roadside_http_requests_total{", 0) != 0) continue;
        if (line.find("status=\"5") == std::string::npos) continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos) continue;
        total += std::llround(std::strtod(line.c_str() + space + 1, nullptr));
    }
    return total;
}

AuditReport audit_incidents(const AuditOptions& options,
                            const std::vector<IncidentRecord>& records) {
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> audited{0};
    const int threads = std::max(1, options.threads);
    auto next_progress = std::chrono::steady_clock::now() + kProgressInterval;
    std::vector<AuditReport> parts(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            AuditReport& part = parts[static_cast<std::size_t>(t)];
            HttpClient client(options.host, options.port, options.admin_token,
                              std::chrono::milliseconds{options.request_timeout_ms});
            for (std::size_t i = next++; i < records.size(); i = next++) {
                const IncidentRecord& seen = records[i];
                if (t == 0 && options.progress &&
                    std::chrono::steady_clock::now() >= next_progress) {
                    std::fprintf(stderr, "roadside-sim load: audited %zu of %zu incidents\n",
                                 audited.load(), records.size());
                    next_progress += kProgressInterval;
                }
                ++audited;
                try {
                    const HttpResponse r = client.get("/v1/incidents/" + seen.incident_id);
                    const json body = json::parse(r.body, nullptr, false);
                    if (r.status != 200 || !body.is_object()) {
                        ++part.unreadable;
                        part.check(kOutcome, false, seen.incident_id,
                                   "GET /v1/incidents/{id} answered " + std::to_string(r.status));
                        continue;
                    }
                    audit_incident(body, seen, part);
                } catch (const boost::system::system_error& e) {
                    ++part.unreadable;
                    part.check(kOutcome, false, seen.incident_id,
                               std::string("GET /v1/incidents/{id} failed: ") + e.what());
                }
            }
        });
    }
    for (auto& w : workers) w.join();
    AuditReport report;
    for (const auto& p : parts) report.merge(p);
    try {
        HttpClient client(options.host, options.port, "",
                          std::chrono::milliseconds{options.request_timeout_ms});
        const HttpResponse m = client.get("/metrics");
        if (m.status == 200) report.metrics_5xx_after = count_5xx(m.body);
    } catch (const boost::system::system_error&) {
        // Left at -1: reported as unknown.
    }
    return report;
}

}  // namespace roadside::sim::loadgen
