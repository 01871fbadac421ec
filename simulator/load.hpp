#pragma once
// `roadside-sim load`: the day's workload (simulator/workload.hpp) driven against a running server
// over HTTP. Each call is a scenario run start to end by one worker thread on its own keep-alive
// connection: an agent checks coverage and takes the call, dispatches the job, the offered
// partner declines or accepts and works it to completion, and a stranded customer signs in and
// claims. Calls start at a target rate (open loop) with at most `concurrency` in flight; every
// request is timed per endpoint; at the end every incident is audited through the API
// (simulator/load_audit.hpp).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/load_audit.hpp"
#include "simulator/stats.hpp"

// Its own namespace: the day simulation's audit (simulator/audit.hpp) has types of the same names.
namespace roadside::sim::loadgen {

struct LoadOptions {
    std::string host = "127.0.0.1";  // an IP address literal on the loopback interface
    int port = 8080;
    std::string admin_token;
    double rate_per_s = 10;  // new calls per second
    int concurrency = 16;    // calls in flight at most (one worker thread each)
    double duration_s = 60;  // new calls start during this long
    std::optional<std::int64_t> max_calls;
    std::uint64_t seed = 1;
    int contracts = 300;  // DEMO-00001 … DEMO-<contracts>
    // The share of calls made away from home (WorkloadOptions::travel_share) when given: more
    // travellers, more remote breakdowns and claims in a short run.
    std::optional<double> travel_share;
    double drain_timeout_s = 30;  // after the last start, how long calls in flight may finish
    std::int64_t request_timeout_ms = 10'000;
    // Customers sign in with the one-time code the server texts them (issue 14); the load
    // generator reads it where the server's logging SMS adapter appends every message: the
    // server's sms_outbox_file (ROADSIDE_SMS_OUTBOX; scripts/run.sh sets var/sms-outbox.log).
    std::string sms_outbox = "var/sms-outbox.log";
    bool quiet = false;  // no progress lines on stderr
};

// The figures of one endpoint template ("POST /v1/jobs/{id}/accept").
struct EndpointFigures {
    std::string endpoint;
    std::int64_t count = 0;  // answered requests
    std::int64_t status_2xx = 0;
    std::int64_t status_4xx = 0;
    std::int64_t status_5xx = 0;
    std::int64_t status_other = 0;
    std::int64_t transport_errors = 0;
    Summary latency_ms;  // of answered requests (percentiles over a bounded sample)
    std::map<std::string, std::int64_t> error_codes;  // "409 benefit_already_used" → count
};

struct LoadReport {
    LoadOptions options;
    double elapsed_s = 0;      // from the first start to the end of the drain
    double start_phase_s = 0;  // from the first start to the last
    std::vector<EndpointFigures> endpoints;
    EndpointFigures total;

    std::int64_t calls_planned = 0;
    std::int64_t calls_started = 0;
    std::int64_t calls_finished = 0;
    std::int64_t calls_unfinished = 0;  // abandoned at the drain deadline
    std::int64_t calls_failed = 0;      // ended by a transport error or an unexpected answer
    std::map<std::string, std::int64_t> outcomes;  // completed, unassigned/<reason>, …
    std::map<std::string, std::int64_t> claims;    // decisions, benefit_already_used, skipped…
    std::vector<std::string> unexpected;           // the first unexpected answers, described

    // Saturation: starts that had to wait for a free slot (all `concurrency` calls in flight).
    std::int64_t starts_delayed = 0;
    double max_start_lag_ms = 0;
    std::int64_t starts_missed = 0;  // due before the end of the start phase but never started

    AuditReport audit;
    std::int64_t metrics_5xx_delta = -1;  // -1 when /metrics could not be read

    bool failed() const;  // any 5xx, transport error, unexpected answer or invariant violation
};

// Runs the whole load: set-up through the API, the calls, the drain and the audit. Throws
// std::runtime_error when the set-up fails (server unreachable, demo data missing).
LoadReport run_load(const LoadOptions& options);

// The report as aligned text tables, and as JSON (for --json and the tests).
std::string format_report(const LoadReport& report);
std::string report_json(const LoadReport& report);

}  // namespace roadside::sim::loadgen
