#include "simulator/load.hpp"
#include "simulator/sms_outbox.hpp"

#include <algorithm>
#include <atomic>
#include <boost/system/system_error.hpp>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "billing/claims.hpp"
#include "core/calendar.hpp"
#include "dispatch/job.hpp"
#include "simulator/http_client.hpp"
#include "simulator/workload.hpp"

namespace roadside::sim::loadgen {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// ---- limits and the shares of the scenario's own choices ----------------------------------

// Latency samples kept per endpoint (a uniform reservoir beyond that): percentiles stay exact
// for short runs and memory stays bounded for long ones (~0.8 MB per endpoint).
constexpr std::size_t kMaxSamplesPerEndpoint = 100'000;
// Calls planned at once: a whole day of the workload, re-planned from a forked seed when used up.
constexpr std::size_t kPlanChunk = 10'000;
constexpr std::size_t kMaxUnexpectedKept = 50;
constexpr int kSetupThreads = 8;
constexpr auto kProgressInterval = std::chrono::seconds{5};

constexpr double kCoverageCheckShare = 0.4;  // agents who check before logging the call
constexpr double kCheckByPlateShare = 0.3;   // of those, by plate rather than contract number
constexpr double kEstimateShare = 0.3;       // tows estimated before dispatch
constexpr double kPaidHelpShare = 0.5;       // uncovered callers who accept paid help
constexpr double kDeclineShare = 0.12;       // offers declined
constexpr int kMaxDeclines = 3;              // per job, so that some partner accepts
constexpr double kCancelShare = 0.03;        // jobs the customer calls off
constexpr int kMaxRedispatches = 2;          // an agent's retries of an all-busy job
constexpr auto kRedispatchDelay = std::chrono::milliseconds{1000};
constexpr int kMaxJobRounds = 16;              // offers, declines and retries per job
constexpr double kExtrasShare = 0.05;          // completions reporting a paid extra
constexpr double kViewIncidentShare = 0.5;     // customers who look at their incident
constexpr double kNoReceiptReasonShare = 0.5;  // claims without receipts that explain why
constexpr double kPaperFormShare = 0.2;        // claims sent by post, entered by an agent
// Road km per geodesic km (config/server.json road_factor): where to put the shop so that the
// planned road distance is about right.
constexpr double kRoadFactor = 1.3;

template <typename... Parts>
std::string cat(const Parts&... parts) {
    std::string out;
    (out.append(std::string_view(parts)), ...);
    return out;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// ---- requests and their figures -----------------------------------------------------------

class RequestStats {
  public:
    void record(const std::string& endpoint, int status, double ms, const std::string& code) {
        std::lock_guard lock(mutex_);
        Entry& e = entries_[endpoint];
        ++e.figures.count;
        if (status >= 200 && status < 300) {
            ++e.figures.status_2xx;
        } else if (status >= 400 && status < 500) {
            ++e.figures.status_4xx;
        } else if (status >= 500) {
            ++e.figures.status_5xx;
        } else {
            ++e.figures.status_other;
        }
        if (status >= 300) {
            std::string key = std::to_string(status);
            key += ' ';
            key += code.empty() ? "-" : code;
            ++e.figures.error_codes[key];
        }
        e.max_ms = std::max(e.max_ms, ms);
        e.sum_ms += ms;
        sample(e.samples, e.figures.count, ms);
        ++total_.count;
        total_.max_ms = std::max(total_.max_ms, ms);
        total_.sum_ms += ms;
        sample(total_.samples, total_.count, ms);
    }

    void transport_error(const std::string& endpoint) {
        std::lock_guard lock(mutex_);
        ++entries_[endpoint].figures.transport_errors;
    }

    std::int64_t requests() const {
        std::lock_guard lock(mutex_);
        return total_.count;
    }

    // Per endpoint, by name, and the total.
    std::vector<EndpointFigures> figures(EndpointFigures& total) const {
        std::lock_guard lock(mutex_);
        std::vector<EndpointFigures> out;
        total = EndpointFigures{};
        total.endpoint = "total";
        for (const auto& [name, e] : entries_) {
            EndpointFigures f = e.figures;
            f.endpoint = name;
            f.latency_ms = summary_of(e.samples, e.figures.count, e.sum_ms, e.max_ms);
            total.count += f.count;
            total.status_2xx += f.status_2xx;
            total.status_4xx += f.status_4xx;
            total.status_5xx += f.status_5xx;
            total.status_other += f.status_other;
            total.transport_errors += f.transport_errors;
            out.push_back(std::move(f));
        }
        total.latency_ms = summary_of(total_.samples, total_.count, total_.sum_ms, total_.max_ms);
        return out;
    }

  private:
    struct Entry {
        EndpointFigures figures;
        std::vector<double> samples;
        double sum_ms = 0;
        double max_ms = 0;
    };
    struct Total {
        std::int64_t count = 0;
        std::vector<double> samples;
        double sum_ms = 0;
        double max_ms = 0;
    };

    // Reservoir sampling (Algorithm R): every answer equally likely to be kept.
    void sample(std::vector<double>& samples, std::int64_t seen, double ms) {
        if (samples.size() < kMaxSamplesPerEndpoint) {
            samples.push_back(ms);
            return;
        }
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 7;
        rng_ ^= rng_ << 17;
        const std::uint64_t j = rng_ % static_cast<std::uint64_t>(seen);
        if (j < kMaxSamplesPerEndpoint) samples[j] = ms;
    }

    static Summary summary_of(const std::vector<double>& samples, std::int64_t count, double sum_ms,
                              double max_ms) {
        Summary s = summarize(samples);
        s.count = static_cast<std::size_t>(count);
        s.mean = count > 0 ? sum_ms / static_cast<double>(count) : 0;
        s.max = max_ms;  // exact, whatever the sample kept
        return s;
    }

    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    Total total_;
    std::uint64_t rng_ = 0x9E3779B97F4A7C15ull;
};

struct TransportFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// An answer the scenario cannot explain: a bug in the server or in this tool.
struct UnexpectedAnswer : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// The drain deadline passed: the scenario stops where it is.
struct Abandoned {};

struct Answer {
    int status = 0;
    json body;
    std::string code;  // error.code of an error body

    std::string str(const char* key) const {
        const auto it = body.is_object() ? body.find(key) : body.end();
        return it != body.end() && it->is_string() ? it->get<std::string>() : "";
    }
};

// One worker's keep-alive connection, timing every request under its endpoint template.
class Caller {
  public:
    Caller(const LoadOptions& o, RequestStats& stats)
        : http_(o.host, o.port, "", std::chrono::milliseconds{o.request_timeout_ms}),
          stats_(stats) {}

    Answer send(const std::string& endpoint, const std::string& method, const std::string& target,
                const std::string& token, const json* body = nullptr) {
        http_.set_token(token);
        const auto t0 = Clock::now();
        HttpResponse r;
        try {
            r = body != nullptr ? http_.post_json(target, body->dump())
                                : http_.request(method, target);
        } catch (const boost::system::system_error& e) {
            stats_.transport_error(endpoint);
            throw TransportFailure(cat(endpoint, ": ", e.what()));
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        Answer a;
        a.status = r.status;
        a.body = json::parse(r.body, nullptr, false);
        if (a.body.is_discarded()) a.body = json();
        if (a.status >= 300 && a.body.is_object() && a.body.contains("error") &&
            a.body["error"].is_object()) {
            a.code = a.body["error"].value("code", "");
        }
        stats_.record(endpoint, a.status, ms, a.code);
        return a;
    }

    Answer get(const std::string& endpoint, const std::string& target, const std::string& token) {
        return send(endpoint, "GET", target, token);
    }
    Answer post(const std::string& endpoint, const std::string& target, const std::string& token,
                const json& body) {
        return send(endpoint, "POST", target, token, &body);
    }

  private:
    HttpClient http_;
    RequestStats& stats_;
};

Answer expect(Answer a, int status, const std::string& endpoint) {
    if (a.status == status) return a;
    std::string body = a.body.is_null() ? std::string() : a.body.dump();
    if (body.size() > 300) body.resize(300);
    throw UnexpectedAnswer(cat(endpoint, " answered ", std::to_string(a.status), " ", a.code,
                               " (expected ", std::to_string(status), "): ", body));
}

// ---- what the scenarios share ---------------------------------------------------------------

struct ContractInfo {
    std::string contract_no;
    std::string birth_date;
    std::string holder_name;
    std::string holder_kana;
    std::string phone;
    std::string plate;
    geo::LatLon home;
    int seats = 0;
};

// A designated shop as GET /v1/shops listed it when the run started.
struct ShopInfo {
    std::string id;
    geo::LatLon position;
    bool takes_cars = false;  // open then, or taking cars at night
};

// Partner tokens, made on first need (POST /v1/tokens as admin) and kept.
class PartnerTokens {
  public:
    std::string get(const std::string& partner_id, Caller& caller, const std::string& admin) {
        {
            std::lock_guard lock(mutex_);
            const auto it = tokens_.find(partner_id);
            if (it != tokens_.end()) return it->second;
        }
        // Made outside the lock; two scenarios racing for one partner make two tokens, both valid.
        const json body = {
            {"role", "partner"}, {"partner_id", partner_id}, {"label", "roadside-sim load"}};
        const Answer a = expect(caller.post("POST /v1/tokens", "/v1/tokens", admin, body), 201,
                                "POST /v1/tokens");
        const std::string token = a.str("token");
        std::lock_guard lock(mutex_);
        return tokens_.emplace(partner_id, token).first->second;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return tokens_.size();
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> tokens_;
};

struct Shared {
    explicit Shared(const LoadOptions& o) : options(o) {}

    const LoadOptions& options;
    std::vector<ContractInfo> contracts;
    std::vector<ShopInfo> shops;
    std::string agent_token;
    PartnerTokens partners;
    RequestStats stats;
    std::atomic<bool> abandon{false};
};

// ---- one call, start to end -----------------------------------------------------------------

struct ScenarioResult {
    IncidentRecord record;
    std::string outcome;
    std::vector<std::string> claims;  // decisions and the answers to second claims
    bool finished = false;
    bool failed = false;
    std::string error;
};

json latlon(geo::LatLon p) {
    return {{"lat", p.lat_deg}, {"lon", p.lon_deg}};
}

// body[key] when it is an array, else an empty one.
const json& array_of_json(const json& body, const char* key) {
    static const json empty = json::array();
    if (!body.is_object()) return empty;
    const auto it = body.find(key);
    return it != body.end() && it->is_array() ? *it : empty;
}

class Scenario {
  public:
    Scenario(Shared& shared, Caller& caller, const CallPlan& plan)
        : s_(shared),
          c_(caller),
          plan_(plan),
          contract_(shared.contracts.at(plan.contract)),
          rng_(plan.seed) {}

    ScenarioResult run() {
        try {
            prepare_times();
            if (rng_.chance(kCoverageCheckShare)) check_coverage();
            take_call();
            serve();
            claim();
            r_.finished = true;
        } catch (const Abandoned&) {
            r_.outcome = "unfinished";
        } catch (const TransportFailure& e) {
            fail("failed/transport", e.what());
        } catch (const std::exception& e) {
            // An unexpected answer (or one this tool cannot read): a bug here or there.
            fail("failed/unexpected_answer", e.what());
        }
        // A failed scenario's record is still audited, but not against what it saw.
        r_.record.finished = r_.finished && !r_.failed;
        return r_;
    }

  private:
    void fail(const char* outcome, const char* what) {
        r_.failed = true;
        r_.finished = true;
        r_.outcome = outcome;
        r_.error = what;
    }

    // ---- when ----

    // The server stamps a call with now; only a call that will be claimed for is logged from
    // notes (`at` in the past), so that the claim plan's times — used at, receipts, the form
    // arriving days later, late forms included — all lie in the past, where the server accepts
    // them: the breakdown's day is put so that the form arrives today.
    void prepare_times() {
        if (!plan_.claim) return;
        const ClaimPlan& cp = *plan_.claim;
        const core::Instant now = core::now_seconds();
        const std::int64_t used_after_s = std::max<std::int64_t>(cp.used_after_s, 0);
        const auto use_day = static_cast<int>((plan_.at_s + used_after_s) / 86'400);
        breakdown_day_ = core::add_days(core::japan_date(now), -(use_day + cp.received_after_days));
        at_ = core::japan_start_of_day(breakdown_day_) + std::chrono::seconds{plan_.at_s};
        // The form arrives at least a day after use, so all of it lies before today; the guard
        // only keeps a call from ever being logged ahead of the clock.
        if (*at_ > now) at_ = now;
    }

    void check_abandon() const {
        if (s_.abandon.load()) throw Abandoned{};
    }

    void pause(std::chrono::milliseconds d) const {
        const auto until = Clock::now() + d;
        while (Clock::now() < until) {
            check_abandon();
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
    }

    const std::string& agent() const { return s_.agent_token; }

    // ---- the agent ----

    json where_and_when() const {
        json body = {{"location", latlon(plan_.location)}};
        if (at_) body["at"] = core::format_japan_time(*at_);
        return body;
    }

    void check_coverage() {
        json body = where_and_when();
        if (rng_.chance(kCheckByPlateShare)) {
            body["plate"] = contract_.plate;
        } else {
            body["contract_no"] = contract_.contract_no;
        }
        const std::string e = "POST /v1/coverage/check";
        check_abandon();
        expect(c_.post(e, "/v1/coverage/check", agent(), body), 200, e);
    }

    void take_call() {
        json body = where_and_when();
        body["contract_no"] = contract_.contract_no;
        body["problem"] = std::string(problem_code(plan_.cause));
        body["occupants"] = plan_.occupants;
        body["caller"] = {{"name", contract_.holder_name}, {"phone", contract_.phone}};
        const std::string e = "POST /v1/calls";
        check_abandon();
        const Answer a = expect(c_.post(e, "/v1/calls", agent(), body), 201, e);
        incident_ = a.str("incident_id");
        r_.record.incident_id = incident_;
        const json& coverage = a.body.contains("coverage") ? a.body["coverage"] : json();
        eligible_ = coverage.is_object() && coverage.value("eligible", false);
        remote_ = coverage.is_object() && coverage.value("remote_support_eligible", false);
        r_.record.eligible = eligible_;
        const std::string status = a.str("status");
        if (status != (eligible_ ? "open" : "not_covered")) {
            throw UnexpectedAnswer(cat(e, ": status ", status, " for a call that is ",
                                       eligible_ ? "covered" : "not covered"));
        }
    }

    // Where a tow goes, as the request names it, and how far by road.
    struct TowPlan {
        json destination;
        double road_km = 0;
        bool storage = false;
    };

    TowPlan place_tow(dispatch::TowDestination kind, double road_km) {
        TowPlan t;
        t.road_km = road_km;
        const geo::LatLon place =
            point_at_distance(rng_, plan_.location, std::max(0.5, road_km / kRoadFactor));
        t.destination = latlon(place);
        t.storage = kind == dispatch::TowDestination::storage;
        if (t.storage) t.destination["storage"] = true;
        t.destination["name"] = t.storage ? "保管場所" : "お客様指定の工場";
        return t;
    }

    // The agent's choice (第1条2(1)): the nearest designated shop that takes cars now (from the
    // list read at the start); storage when none does; or the customer's own garage (paid).
    TowPlan plan_tow() {
        if (plan_.tow_destination != dispatch::TowDestination::designated_shop) {
            return place_tow(plan_.tow_destination, plan_.tow_road_km);
        }
        const ShopInfo* nearest = nullptr;
        double nearest_m = 0;
        for (const ShopInfo& shop : s_.shops) {
            if (!shop.takes_cars) continue;
            const double m = geo::distance_m(plan_.location, shop.position);
            if (nearest == nullptr || m < nearest_m) {
                nearest = &shop;
                nearest_m = m;
            }
        }
        if (nearest == nullptr) {
            return place_tow(dispatch::TowDestination::storage, plan_.tow_road_km);
        }
        TowPlan t;
        t.destination = {{"shop_id", nearest->id}};
        t.road_km = std::max(0.1, std::round(nearest_m * kRoadFactor / 100.0) / 10.0);
        return t;
    }

    void serve() {
        if (!eligible_ && !rng_.chance(kPaidHelpShare)) {
            r_.outcome = "not_covered/declined_paid_help";
            return;
        }
        const std::string paid = eligible_ ? "" : "paid/";
        const bool tow = plan_.job.service == dispatch::Service::tow;
        const TowPlan first_tow = tow ? plan_tow() : TowPlan{};
        const JobEnd first = run_job(plan_.job, first_tow);
        r_.outcome = cat(paid, first.outcome);
        if (!tow || first.outcome != "completed") return;
        towed_ = true;
        if (!plan_.second_tow) return;
        // 第2条3(5): the unrepaired car towed again, from the shop to another: a paid tow.
        const TowPlan second_tow = place_tow(dispatch::TowDestination::not_designated,
                                             std::max(1.0, first_tow.road_km / 2));
        const JobEnd second = run_job(plan_.job, second_tow);
        r_.outcome = cat(paid, first.outcome, "+second_tow/", second.outcome);
    }

    struct JobEnd {
        std::string outcome;  // completed, cancelled, unassigned/<reason>
    };

    json job_body(const dispatch::JobRequest& req, const TowPlan& tow) const {
        json body = {{"service", std::string(dispatch::to_string(req.service))}};
        if (req.service == dispatch::Service::tow) body["destination"] = tow.destination;
        if (req.service == dispatch::Service::wheel_drop_recovery) {
            const dispatch::WheelDrop drop = req.wheel_drop.value_or(dispatch::WheelDrop{});
            body["wheel_drop"] = {{"wheels", drop.wheels}, {"drop_m", drop.drop_m}};
        }
        if (req.service == dispatch::Service::tire_change) body["tires"] = req.tires;
        if (req.key_lost) body["key_lost"] = true;
        if (req.trunk_lockout) body["trunk_lockout"] = true;
        if (req.special_lock) body["special_lock"] = true;
        return body;
    }

    // The job as the agent sees it now.
    Answer look_at_job(const std::string& job_id) {
        const std::string e = "GET /v1/jobs/{id}";
        check_abandon();
        return expect(c_.get(e, "/v1/jobs/" + job_id, agent()), 200, e);
    }

    JobEnd run_job(const dispatch::JobRequest& req, const TowPlan& tow) {
        const json body = job_body(req, tow);
        const std::string target = cat("/v1/incidents/", incident_, "/jobs");
        if (req.service == dispatch::Service::tow && rng_.chance(kEstimateShare)) {
            const std::string e = "POST /v1/incidents/{id}/jobs/estimate";
            check_abandon();
            expect(c_.post(e, target + "/estimate", agent(), body), 200, e);
        }
        const std::string e = "POST /v1/incidents/{id}/jobs";
        check_abandon();
        Answer job = expect(c_.post(e, target, agent(), body), 201, e);
        const std::string job_id = job.str("job_id");
        r_.record.jobs.push_back({job_id, job.str("status")});
        const std::size_t seen = r_.record.jobs.size() - 1;
        const auto settle = [&](const std::string& status) {
            r_.record.jobs[seen].status = status;
        };

        // Whether the customer calls the job off, and when: while it is offered, after the
        // partner accepted, or once it is on its way (the last two charge the call-out).
        const bool cancel = rng_.chance(kCancelShare);
        const auto cancel_at = static_cast<int>(rng_.below(3));
        int declines = 0;
        int redispatches = 0;
        for (int round = 0; round < kMaxJobRounds; ++round) {
            const std::string status = job.str("status");
            settle(status);
            if (status == "unassigned") {
                const std::string reason = job.str("unassigned_reason");
                if (reason == "all_partners_busy" && redispatches < kMaxRedispatches) {
                    ++redispatches;
                    pause(kRedispatchDelay);
                    const std::string d = "POST /v1/jobs/{id}/dispatch";
                    job = expect(
                        c_.post(d, cat("/v1/jobs/", job_id, "/dispatch"), agent(), json::object()),
                        200, d);
                    continue;
                }
                return {cat("unassigned/", reason.empty() ? "-" : reason)};
            }
            if (status != "offered") {
                throw UnexpectedAnswer(cat("job ", job_id, " is ", status, " before acceptance"));
            }
            if (cancel && cancel_at == 0) return cancel_job(job_id, settle);
            const std::string partner = job.str("partner_id");
            const std::string token = s_.partners.get(partner, c_, s_.options.admin_token);
            if (declines < kMaxDeclines && rng_.chance(kDeclineShare)) {
                ++declines;
                const std::string d = "POST /v1/jobs/{id}/decline";
                check_abandon();
                const Answer a = c_.post(d, cat("/v1/jobs/", job_id, "/decline"), token,
                                         {{"reason", "他の現場に対応中"}});
                if (a.status != 200 && !(a.status == 409 && a.code == "offer_closed")) {
                    expect(a, 200, d);
                }
                job = look_at_job(job_id);
                continue;
            }
            const std::string acc = "POST /v1/jobs/{id}/accept";
            check_abandon();
            const Answer a = c_.post(acc, cat("/v1/jobs/", job_id, "/accept"), token,
                                     {{"eta_minutes", 10 + rng_.below(50)}});
            if (a.status == 409 && (a.code == "offer_closed" || a.code == "offer_expired")) {
                // The offer moved on (lapsed) before the partner answered: look again.
                job = look_at_job(job_id);
                continue;
            }
            expect(a, 200, acc);
            settle("accepted");
            return work(req, job_id, token, tow, cancel ? cancel_at : -1, settle);
        }
        throw UnexpectedAnswer(
            cat("job ", job_id, " did not settle in ", std::to_string(kMaxJobRounds), " rounds"));
    }

    template <typename Settle>
    JobEnd cancel_job(const std::string& job_id, const Settle& settle) {
        const std::string e = "POST /v1/jobs/{id}/cancel";
        check_abandon();
        // Mostly the customer (charged once the truck set out, 第2条3(7)); now and then the
        // operator or the partner (never charged).
        const double u = rng_.uniform();
        const char* by = u < 0.8 ? "customer" : u < 0.9 ? "operator" : "partner";
        expect(c_.post(e, cat("/v1/jobs/", job_id, "/cancel"), agent(),
                       {{"reason", "お客様ご自身で解決"}, {"requested_by", by}}),
               200, e);
        settle("cancelled");
        return {"cancelled"};
    }

    template <typename Settle>
    JobEnd work(const dispatch::JobRequest& req, const std::string& job_id,
                const std::string& token, const TowPlan& tow_plan, int cancel_at,
                const Settle& settle) {
        if (cancel_at == 1) return cancel_job(job_id, settle);
        const bool tow = req.service == dispatch::Service::tow;
        std::vector<std::string> steps = {"en_route", "on_scene"};
        if (tow) {
            steps.emplace_back("towing");
            steps.emplace_back("delivered");
        }
        const std::string st = "POST /v1/jobs/{id}/status";
        for (const auto& step : steps) {
            check_abandon();
            expect(c_.post(st, cat("/v1/jobs/", job_id, "/status"), token, {{"status", step}}), 200,
                   st);
            settle(step);
            if (cancel_at == 2 && step == "en_route") return cancel_job(job_id, settle);
        }
        json done = {{"customer_signed", true}};
        const double tow_road_km = tow_plan.road_km;
        if (tow) {
            done["outcome"] = tow_plan.storage ? "towed_to_storage" : "towed_to_shop";
            done["tow_distance_km"] = tow_road_km;
            if (tow_plan.storage) {
                const std::int64_t minutes =
                    plan_.storage_minutes > 0 ? plan_.storage_minutes : 10 * 60;
                done["storage_hours"] = static_cast<double>(minutes) / 60.0;
            }
        } else {
            done["outcome"] = "fixed_on_site";
        }
        if (req.service == dispatch::Service::fuel_delivery)
            done["fuel_litres"] = plan_.fuel_litres;
        if (rng_.chance(kExtrasShare)) {
            // The customer kept the partner waiting; a far tow paid a toll road.
            json extras = json::array();
            extras.push_back({{"code", "waiting_time"}, {"quantity", 1 + rng_.below(3)}});
            if (tow && tow_road_km > 40) {
                extras.push_back(
                    {{"code", "toll_road"}, {"amount_yen", 500 + 10 * rng_.below(300)}});
            }
            // 第2条2(12): an extra worker, not billed on the free one-tyre change or recovery.
            if (req.service == dispatch::Service::wheel_drop_recovery ||
                req.service == dispatch::Service::tire_change) {
                extras.push_back({{"code", "extra_staff"}, {"quantity", 1}});
            }
            done["extras"] = extras;
        }
        const std::string e = "POST /v1/jobs/{id}/complete";
        check_abandon();
        expect(c_.post(e, cat("/v1/jobs/", job_id, "/complete"), token, done), 200, e);
        settle("completed");
        return {"completed"};
    }

    // ---- the customer ----

    json claim_body(const ClaimPlan& cp, billing::Benefit benefit) {
        json receipts = json::array();
        for (const PlannedReceipt& pr : cp.receipts) {
            receipts.push_back({{"amount_yen", std::max<std::int64_t>(1, pr.amount_yen)},
                                {"issued_on", core::format_date(core::add_days(
                                                  breakdown_day_, pr.issued_day_offset))},
                                {"issuer", receipt_issuer(pr.kind)},
                                {"kind", std::string(billing::to_string(pr.kind))}});
        }
        json body = {
            {"incident_id", incident_},
            {"benefit", std::string(billing::to_string(benefit))},
            {"persons", std::clamp(cp.persons, 1, 99)},
            {"used_at", core::format_japan_time(*at_ + std::chrono::seconds{cp.used_after_s})},
            {"receipts", receipts},
            {"bank_account",
             {{"bank_code", "0001"},
              {"branch_code", "001"},
              {"type", "ordinary"},
              {"number", "1234567"},
              {"holder_kana", contract_.holder_kana}}}};
        if (receipts.empty() && rng_.chance(kNoReceiptReasonShare)) {
            body["no_receipt_reason"] = "領収書を紛失しました";
        }
        return body;
    }

    // The customer's two steps (issue 14): the pair earns a text message with a code, which the
    // customer reads on the phone (here: in the server's SMS outbox) and types in. nullopt when
    // sign-in is throttled.
    std::optional<std::string> sign_in() {
        const std::string si = "POST /v1/customer/sessions";
        check_abandon();
        const Answer challenge = c_.post(
            si, "/v1/customer/sessions", "",
            {{"contract_no", contract_.contract_no}, {"birth_date", contract_.birth_date}});
        if (challenge.status == 429) {
            r_.claims.emplace_back("skipped/signin_throttled");
            return std::nullopt;
        }
        expect(challenge, 202, si);
        const auto code =
            wait_for_sign_in_code(s_.options.sms_outbox, challenge.str("reference"),
                                  std::chrono::milliseconds{s_.options.request_timeout_ms});
        if (!code) {
            throw UnexpectedAnswer(cat(si, ": no code arrived in the SMS outbox ",
                                       s_.options.sms_outbox, " (is the server's sms_outbox_file "
                                       "this file?)"));
        }
        const std::string sc = "POST /v1/customer/sessions/{id}";
        check_abandon();
        const Answer session = c_.post(sc, "/v1/customer/sessions/" + challenge.str("challenge_id"),
                                       "", {{"code", *code}});
        return expect(session, 201, sc).str("token");
    }

    void claim() {
        if (!plan_.claim) return;
        // A customer stranded far from home whose car was towed claims; the plan could not know
        // the dispatch. One whose call was not covered claims too (and is refused:
        // incident_not_covered, which the audit's claim_basis checks).
        if (!remote_ || !towed_) {
            r_.claims.emplace_back(!remote_ ? "skipped/not_remote" : "skipped/no_completed_tow");
            return;
        }
        const ClaimPlan& cp = *plan_.claim;
        // A paper form is entered by an agent, with the day it arrived; otherwise the customer
        // signs in and claims online.
        const bool paper = rng_.chance(kPaperFormShare);
        std::string claimant = agent();
        if (!paper) {
            const std::optional<std::string> token = sign_in();
            if (!token) return;
            claimant = *token;
        }
        const auto body_for = [&](billing::Benefit benefit) {
            json body = claim_body(cp, benefit);
            if (paper) body["received_at"] = core::format_japan_time(core::now_seconds());
            return body;
        };

        const std::string e = "POST /v1/claims";
        check_abandon();
        const Answer first =
            expect(c_.post(e, "/v1/claims", claimant, body_for(cp.benefit)), 201, e);
        const std::string decision = first.str("decision");
        r_.record.claims.push_back({first.str("claim_id"), decision});
        r_.claims.push_back(decision);

        if (cp.claim_twice) {
            // The customer tries another benefit for the same breakdown (第1条3: one per
            // breakdown): refused while the first stands.
            const billing::Benefit other = cp.benefit == billing::Benefit::taxi
                                               ? billing::Benefit::rental_car
                                               : billing::Benefit::taxi;
            check_abandon();
            const Answer second = c_.post(e, "/v1/claims", claimant, body_for(other));
            if (decision != "rejected") {
                if (second.status != 409 || second.code != "benefit_already_used") {
                    expect(second, 409, e + " (a second benefit)");
                    throw UnexpectedAnswer(cat(e, " (a second benefit) answered ", second.code));
                }
                r_.claims.emplace_back("second/benefit_already_used");
            } else {
                const Answer ok = expect(second, 201, e + " (after a rejected claim)");
                r_.record.claims.push_back({ok.str("claim_id"), ok.str("decision")});
                r_.claims.push_back(cat("second/", ok.str("decision")));
            }
        }
        if (!paper && rng_.chance(kViewIncidentShare)) {
            const std::string v = "GET /v1/incidents/{id}";
            check_abandon();
            expect(c_.get(v, "/v1/incidents/" + incident_, claimant), 200, v + " (customer)");
        }
    }

    Shared& s_;
    Caller& c_;
    const CallPlan& plan_;
    const ContractInfo& contract_;
    Rng rng_;
    ScenarioResult r_;
    std::optional<core::Instant> at_;  // the breakdown, when logged from notes
    core::Date breakdown_day_{};
    std::string incident_;
    bool eligible_ = false;
    bool remote_ = false;
    bool towed_ = false;
};

// ---- set-up -----------------------------------------------------------------------------------

ContractInfo read_contract(const json& c) {
    ContractInfo info;
    info.contract_no = c.value("contract_no", "");
    const json holder = c.value("holder", json::object());
    info.birth_date = holder.value("birth_date", "");
    info.holder_name = holder.value("name", "");
    info.holder_kana = holder.value("name_kana", "");
    info.phone = holder.value("phone", "");
    const json home = c.value("home", json::object());
    info.home = {home.value("lat", 0.0), home.value("lon", 0.0)};
    const json vehicle = c.value("vehicle", json::object());
    info.plate = vehicle.value("plate", "");
    info.seats = vehicle.value("seating_capacity", 0);
    return info;
}

// Every designated shop, in pages: the agents pick the nearest one that takes cars.
void read_shops(Shared& s, Caller& caller) {
    constexpr int kPage = 1000;
    std::string after;
    for (;;) {
        std::string target = cat("/v1/shops?limit=", std::to_string(kPage));
        if (!after.empty()) target += cat("&after=", after);
        const Answer a = expect(caller.get("GET /v1/shops", target, s.agent_token), 200,
                                "GET /v1/shops");
        const json& list = array_of_json(a.body, "shops");
        for (const json& shop : list) {
            const json location = shop.value("location", json::object());
            s.shops.push_back({shop.value("id", ""),
                               {location.value("lat", 0.0), location.value("lon", 0.0)},
                               shop.value("takes_cars_now", false)});
        }
        if (list.size() < static_cast<std::size_t>(kPage)) return;
        after = s.shops.back().id;
    }
}

void set_up(Shared& s, RequestStats& setup_stats) {
    const LoadOptions& o = s.options;
    Caller admin(o, setup_stats);
    Answer health;
    try {
        health = admin.get("GET /healthz", "/healthz", "");
    } catch (const TransportFailure& e) {
        throw std::runtime_error(cat("cannot reach the server at http://", o.host, ":",
                                     std::to_string(o.port), ": ", e.what()));
    }
    if (health.status != 200) {
        throw std::runtime_error(cat("the server is not healthy: GET /healthz answered ",
                                     std::to_string(health.status)));
    }
    const Answer agent = admin.post("POST /v1/tokens", "/v1/tokens", o.admin_token,
                                    {{"role", "agent"}, {"label", "roadside-sim load"}});
    if (agent.status == 401 || agent.status == 403) {
        throw std::runtime_error("the admin token was refused (POST /v1/tokens answered " +
                                 std::to_string(agent.status) + ")");
    }
    s.agent_token = expect(agent, 201, "POST /v1/tokens").str("token");
    read_shops(s, admin);

    // The contracts, in parallel: their homes drive the workload, their holders sign in.
    s.contracts.assign(static_cast<std::size_t>(o.contracts), ContractInfo{});
    std::atomic<int> next{0};
    std::mutex missing_mutex;
    std::vector<std::string> missing;
    std::string failure;
    std::vector<std::thread> threads;
    for (int t = 0; t < std::min(kSetupThreads, o.contracts); ++t) {
        threads.emplace_back([&] {
            Caller caller(o, setup_stats);
            for (int i = next++; i < o.contracts; i = next++) {
                char no[32];
                std::snprintf(no, sizeof no, "DEMO-%05d", i + 1);
                try {
                    const Answer a = caller.get(
                        "GET /v1/contracts", cat("/v1/contracts?contract_no=", no), s.agent_token);
                    const json& list = a.body.is_object() && a.body.contains("contracts")
                                           ? a.body["contracts"]
                                           : json();
                    if (a.status != 200 || !list.is_array() || list.empty()) {
                        std::lock_guard lock(missing_mutex);
                        missing.emplace_back(no);
                        continue;
                    }
                    s.contracts[static_cast<std::size_t>(i)] = read_contract(list[0]);
                } catch (const std::exception& e) {
                    std::lock_guard lock(missing_mutex);
                    failure = e.what();
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    if (!failure.empty()) throw std::runtime_error("reading the contracts failed: " + failure);
    if (!missing.empty()) {
        std::sort(missing.begin(), missing.end());
        throw std::runtime_error(
            cat(std::to_string(missing.size()), " of the ", std::to_string(o.contracts),
                " demo contracts are missing (first ", missing.front(),
                "): load them with `roadside demo-data` or lower --contracts"));
    }
}

std::int64_t read_metrics_5xx(const LoadOptions& o) {
    try {
        HttpClient client(o.host, o.port, "", std::chrono::milliseconds{o.request_timeout_ms});
        const HttpResponse m = client.get("/metrics");
        return m.status == 200 ? count_5xx(m.body) : -1;
    } catch (const boost::system::system_error&) {
        return -1;
    }
}

// ---- the calls ------------------------------------------------------------------------------

// Plans the workload a day (kPlanChunk calls) at a time, each day from its own fork of the seed.
class Planner {
  public:
    Planner(const LoadOptions& o, const std::vector<ContractInfo>& contracts, std::size_t chunk)
        : root_(o.seed), chunk_(std::max<std::size_t>(1, chunk)), travel_share_(o.travel_share) {
        for (const auto& c : contracts) homes_.push_back(c.home);
    }

    CallPlan next() {
        if (pending_.empty()) {
            WorkloadOptions w;
            w.calls = chunk_;
            if (travel_share_) w.travel_share = *travel_share_;
            Rng rng = root_.fork(day_++);
            std::vector<CallPlan> day = plan_calls(w, homes_, rng);
            pending_.assign(std::make_move_iterator(day.begin()),
                            std::make_move_iterator(day.end()));
        }
        CallPlan p = std::move(pending_.front());
        pending_.pop_front();
        return p;
    }

  private:
    Rng root_;
    std::size_t chunk_;
    std::optional<double> travel_share_;
    std::uint64_t day_ = 0;
    std::vector<geo::LatLon> homes_;
    std::deque<CallPlan> pending_;
};

struct Work {
    CallPlan plan;
};

struct CallQueue {
    std::mutex mutex;
    std::condition_variable work_ready;
    std::condition_variable slot_free;
    std::deque<Work> work;
    int in_flight = 0;
    bool closed = false;
    // What the finished scenarios saw: tallied at once, so that a long run keeps per call only
    // the little the audit needs.
    std::int64_t done = 0;
    LoadReport tally;
    std::vector<IncidentRecord> records;
};

void tally(LoadReport& report, const ScenarioResult& r) {
    ++report.outcomes[r.outcome];
    for (const auto& c : r.claims) ++report.claims[c];
    if (!r.finished) {
        ++report.calls_unfinished;
    } else if (r.failed) {
        ++report.calls_failed;
        if (report.unexpected.size() < kMaxUnexpectedKept) report.unexpected.push_back(r.error);
    } else {
        ++report.calls_finished;
    }
}

void worker(Shared& s, CallQueue& q) {
    Caller caller(s.options, s.stats);
    for (;;) {
        Work w;
        {
            std::unique_lock lock(q.mutex);
            q.work_ready.wait(lock, [&] { return !q.work.empty() || q.closed; });
            if (q.work.empty()) return;
            w = std::move(q.work.front());
            q.work.pop_front();
        }
        ScenarioResult r = Scenario(s, caller, w.plan).run();
        {
            std::lock_guard lock(q.mutex);
            ++q.done;
            tally(q.tally, r);
            if (!r.record.incident_id.empty()) q.records.push_back(std::move(r.record));
            --q.in_flight;
        }
        q.slot_free.notify_all();
    }
}

void progress(const Shared& s, CallQueue& q, Clock::time_point t0, std::int64_t started,
              const char* phase) {
    if (s.options.quiet) return;
    std::size_t finished = 0;
    int in_flight = 0;
    {
        std::lock_guard lock(q.mutex);
        finished = static_cast<std::size_t>(q.done);
        in_flight = q.in_flight;
    }
    const double t = std::chrono::duration<double>(Clock::now() - t0).count();
    std::fprintf(stderr,
                 "roadside-sim load: %6.1f s %-6s started %lld, in flight %d, finished %zu, "
                 "requests %lld\n",
                 t, phase, static_cast<long long>(started), in_flight, finished,
                 static_cast<long long>(s.stats.requests()));
}

}  // namespace

bool LoadReport::failed() const {
    return total.status_5xx > 0 || total.transport_errors > 0 || calls_failed > 0 ||
           audit.total_violations() > 0 || audit.unreadable > 0 || metrics_5xx_delta > 0;
}

LoadReport run_load(const LoadOptions& options) {
    LoadReport report;
    report.options = options;
    Shared s(options);
    RequestStats setup_stats;
    set_up(s, setup_stats);
    const std::int64_t metrics_before = read_metrics_5xx(options);

    const auto due_in_duration =
        static_cast<std::int64_t>(std::ceil(options.duration_s * options.rate_per_s));
    const std::int64_t planned =
        options.max_calls ? std::min(*options.max_calls, due_in_duration) : due_in_duration;
    report.calls_planned = planned;
    Planner planner(options, s.contracts,
                    static_cast<std::size_t>(
                        std::min<std::int64_t>(std::max<std::int64_t>(planned, 1), kPlanChunk)));

    CallQueue q;
    std::vector<std::thread> workers;
    for (int i = 0; i < options.concurrency; ++i)
        workers.emplace_back(worker, std::ref(s), std::ref(q));

    // Open loop: call i is due at t0 + i / rate, whatever happened to the earlier ones; a call
    // waits only when `concurrency` calls are in flight (saturation, reported).
    std::optional<Work> ready;
    if (planned > 0) ready = Work{planner.next()};
    const auto t0 = Clock::now();
    const auto end = t0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(options.duration_s));
    auto next_progress = t0 + kProgressInterval;
    std::int64_t started = 0;
    while (started < planned) {
        const auto due =
            t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                     static_cast<double>(started) / options.rate_per_s));
        if (due >= end) break;
        while (Clock::now() < due) {
            std::this_thread::sleep_until(std::min(due, next_progress));
            if (Clock::now() >= next_progress) {
                progress(s, q, t0, started, "load");
                next_progress += kProgressInterval;
            }
        }
        std::unique_lock lock(q.mutex);
        if (q.in_flight >= options.concurrency) {
            ++report.starts_delayed;
            const bool freed = q.slot_free.wait_until(
                lock, end, [&] { return q.in_flight < options.concurrency; });
            if (!freed) break;
        }
        const double lag_ms = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
        report.max_start_lag_ms = std::max(report.max_start_lag_ms, lag_ms);
        ++q.in_flight;
        q.work.push_back(std::move(*ready));
        lock.unlock();
        q.work_ready.notify_one();
        ++started;
        if (started < planned) ready = Work{planner.next()};
        if (Clock::now() >= next_progress) {
            progress(s, q, t0, started, "load");
            next_progress += kProgressInterval;
        }
    }
    const auto last_start = Clock::now();
    report.calls_started = started;
    // Due, but the start phase ended first (saturated to the end); calls planned beyond the
    // duration are not missed.
    {
        const auto due_by_end = static_cast<std::int64_t>(
            std::ceil(std::chrono::duration<double>(std::min(last_start, end) - t0).count() *
                      options.rate_per_s));
        report.starts_missed = std::max<std::int64_t>(0, std::min(planned, due_by_end) - started);
    }

    // The drain: calls in flight may finish until the deadline; then they are abandoned where
    // they are (each request is still bounded by the request timeout).
    {
        std::unique_lock lock(q.mutex);
        q.closed = true;
        q.work_ready.notify_all();
        const auto deadline =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options.drain_timeout_s));
        while (q.in_flight > 0 && Clock::now() < deadline) {
            q.slot_free.wait_until(lock, std::min(deadline, Clock::now() + kProgressInterval));
            if (q.in_flight > 0 && Clock::now() < deadline) {
                lock.unlock();
                progress(s, q, t0, started, "drain");
                lock.lock();
            }
        }
        if (q.in_flight > 0) s.abandon = true;
    }
    for (auto& w : workers) w.join();
    const auto done = Clock::now();
    report.elapsed_s = std::chrono::duration<double>(done - t0).count();
    report.start_phase_s = std::chrono::duration<double>(last_start - t0).count();
    report.endpoints = s.stats.figures(report.total);
    report.outcomes = std::move(q.tally.outcomes);
    report.claims = std::move(q.tally.claims);
    report.unexpected = std::move(q.tally.unexpected);
    report.calls_finished = q.tally.calls_finished;
    report.calls_unfinished = q.tally.calls_unfinished;
    report.calls_failed = q.tally.calls_failed;

    // The audit, through the API.
    std::vector<IncidentRecord> records = std::move(q.records);
    if (!options.quiet) {
        std::fprintf(stderr, "roadside-sim load: auditing %zu incidents through the API\n",
                     records.size());
    }
    AuditOptions ao;
    ao.host = options.host;
    ao.port = options.port;
    ao.admin_token = options.admin_token;
    ao.threads = std::max(1, std::min(options.concurrency, 8));
    ao.request_timeout_ms = options.request_timeout_ms;
    ao.progress = !options.quiet;
    report.audit = audit_incidents(ao, records);
    report.audit.metrics_5xx_before = metrics_before;
    if (metrics_before >= 0 && report.audit.metrics_5xx_after >= 0) {
        report.metrics_5xx_delta = report.audit.metrics_5xx_after - metrics_before;
    }
    return report;
}

// ---- the report -------------------------------------------------------------------------------

namespace {

std::string pad(std::string s, std::size_t width, bool right) {
    // Width in characters, counting UTF-8 continuation bytes as nothing.
    std::size_t chars = 0;
    for (const unsigned char ch : s) chars += (ch & 0xC0) != 0x80 ? 1 : 0;
    if (chars >= width) return s;
    const std::string fill(width - chars, ' ');
    return right ? fill + s : s + fill;
}

std::string num(std::int64_t n) {
    return std::to_string(n);
}

std::string endpoint_row(const EndpointFigures& f, double elapsed_s, std::size_t name_width) {
    std::string row = pad(f.endpoint, name_width, false);
    row += pad(num(f.count), 8, true);
    row += pad(fixed(elapsed_s > 0 ? static_cast<double>(f.count) / elapsed_s : 0, 1), 9, true);
    row += pad(fixed(f.latency_ms.p50, 1), 9, true);
    row += pad(fixed(f.latency_ms.p90, 1), 9, true);
    row += pad(fixed(f.latency_ms.p99, 1), 9, true);
    row += pad(fixed(f.latency_ms.max, 1), 9, true);
    row += pad(num(f.status_2xx), 8, true);
    row += pad(num(f.status_4xx), 7, true);
    row += pad(num(f.status_5xx), 6, true);
    row += pad(num(f.transport_errors), 8, true);
    row += '\n';
    return row;
}

void counts_block(std::string& out, const std::string& title,
                  const std::map<std::string, std::int64_t>& counts) {
    out += title;
    out += counts.empty() ? " none\n" : "\n";
    std::size_t width = 0;
    for (const auto& [k, n] : counts) width = std::max(width, k.size());
    for (const auto& [k, n] : counts) {
        out += "  ";
        out += pad(k, width + 2, false);
        out += pad(num(n), 8, true);
        out += '\n';
    }
}

}  // namespace

std::string format_report(const LoadReport& r) {
    const LoadOptions& o = r.options;
    std::string out;
    out +=
        cat("roadside-sim load: http://", o.host, ":", num(o.port), ", seed ",
            std::to_string(o.seed), ", target ", fixed(o.rate_per_s, 1), " calls/s, concurrency ",
            num(o.concurrency), ", ", fixed(o.duration_s, 0), " s of new calls (drain up to ",
            fixed(o.drain_timeout_s, 0), " s), ", num(o.contracts), " contracts\n\n");

    std::size_t name_width = 10;
    for (const auto& f : r.endpoints) name_width = std::max(name_width, f.endpoint.size() + 2);
    out += pad("endpoint", name_width, false);
    out += "   count    req/s   p50 ms   p90 ms   p99 ms   max ms     2xx    4xx   5xx  errors\n";
    for (const auto& f : r.endpoints) out += endpoint_row(f, r.elapsed_s, name_width);
    out += endpoint_row(r.total, r.elapsed_s, name_width);
    out += cat("(req/s over ", fixed(r.elapsed_s, 1),
               " s, from the first start to the end of the drain; "
               "errors = transport failures)\n\n");

    const double start_rate =
        r.start_phase_s > 0 ? static_cast<double>(r.calls_started) / r.start_phase_s : 0;
    out += cat("calls: planned ", num(r.calls_planned), ", started ", num(r.calls_started), " (",
               fixed(start_rate, 2), "/s), finished ", num(r.calls_finished), ", unfinished ",
               num(r.calls_unfinished), ", failed ", num(r.calls_failed), "\n");
    if (r.starts_delayed == 0 && r.starts_missed == 0) {
        out += cat("saturation: none (max start lag ", fixed(r.max_start_lag_ms, 1), " ms)\n");
    } else {
        out += cat("saturation: SATURATED — ", num(r.starts_delayed),
                   " starts waited for a free slot (all ", num(o.concurrency),
                   " in flight), max start lag ", fixed(r.max_start_lag_ms, 0), " ms, ",
                   num(r.starts_missed), " due starts never made\n");
    }
    counts_block(out, "outcomes:", r.outcomes);
    counts_block(out, "claims:", r.claims);

    // Non-2xx answers the scenarios took in their stride (or not), by endpoint and code.
    std::map<std::string, std::int64_t> codes;
    for (const auto& f : r.endpoints) {
        for (const auto& [code, n] : f.error_codes) codes[cat(code, "  ", f.endpoint)] += n;
    }
    counts_block(out, "answers other than 2xx:", codes);
    if (!r.unexpected.empty()) {
        out += "unexpected answers (first ones):\n";
        for (const auto& u : r.unexpected) out += cat("  ", u, "\n");
    }

    const AuditReport& a = r.audit;
    out += cat("\naudit through the API: ", num(a.incidents), " incidents read back, ",
               num(a.unreadable), " unreadable\n");
    out += "  invariant        checks  violations\n";
    for (const auto& name : audit_invariants()) {
        const auto c = a.checks.find(name);
        const auto v = a.violations.find(name);
        out += "  ";
        out += pad(name, 14, false);
        out += pad(num(c == a.checks.end() ? 0 : c->second), 9, true);
        out += pad(num(v == a.violations.end() ? 0 : v->second), 12, true);
        out += '\n';
    }
    for (const auto& v : a.examples) {
        out += cat("  VIOLATION ", v.invariant, " incident ", v.incident_id, ": ", v.message, "\n");
    }
    if (r.metrics_5xx_delta < 0) {
        out += "  /metrics 5xx: could not be read\n";
    } else {
        out += cat("  /metrics 5xx: ", num(a.metrics_5xx_before), " before, ",
                   num(a.metrics_5xx_after), " after (+", num(r.metrics_5xx_delta), ")\n");
    }

    out += "\nresult: ";
    if (!r.failed()) {
        out += "OK — no 5xx, no transport error, no unexpected answer, no invariant violated\n";
    } else {
        std::vector<std::string> why;
        if (r.total.status_5xx > 0) why.push_back(num(r.total.status_5xx) + " 5xx");
        if (r.metrics_5xx_delta > 0) why.push_back(num(r.metrics_5xx_delta) + " 5xx in /metrics");
        if (r.total.transport_errors > 0) {
            why.push_back(num(r.total.transport_errors) + " transport errors");
        }
        if (r.calls_failed > 0) why.push_back(num(r.calls_failed) + " failed calls");
        if (a.total_violations() > 0) why.push_back(num(a.total_violations()) + " violations");
        if (a.unreadable > 0) why.push_back(num(a.unreadable) + " unreadable incidents");
        out += "FAILED —";
        for (std::size_t i = 0; i < why.size(); ++i) {
            out += i == 0 ? " " : ", ";
            out += why[i];
        }
        out += '\n';
    }
    return out;
}

std::string report_json(const LoadReport& r) {
    const auto summary = [](const Summary& s) {
        return json{{"count", s.count}, {"mean", s.mean}, {"p50", s.p50},
                    {"p90", s.p90},     {"p99", s.p99},   {"max", s.max}};
    };
    const auto figures = [&](const EndpointFigures& f) {
        return json{{"endpoint", f.endpoint},
                    {"count", f.count},
                    {"per_s", r.elapsed_s > 0 ? static_cast<double>(f.count) / r.elapsed_s : 0},
                    {"latency_ms", summary(f.latency_ms)},
                    {"status_2xx", f.status_2xx},
                    {"status_4xx", f.status_4xx},
                    {"status_5xx", f.status_5xx},
                    {"status_other", f.status_other},
                    {"transport_errors", f.transport_errors},
                    {"codes", f.error_codes}};
    };
    json endpoints = json::array();
    for (const auto& f : r.endpoints) endpoints.push_back(figures(f));
    json violations = json::array();
    for (const auto& v : r.audit.examples) {
        violations.push_back(
            {{"invariant", v.invariant}, {"incident_id", v.incident_id}, {"message", v.message}});
    }
    const LoadOptions& o = r.options;
    json out = {{"options",
                 {{"host", o.host},
                  {"port", o.port},
                  {"rate_per_s", o.rate_per_s},
                  {"concurrency", o.concurrency},
                  {"duration_s", o.duration_s},
                  {"max_calls", o.max_calls ? json(*o.max_calls) : json()},
                  {"seed", o.seed},
                  {"contracts", o.contracts},
                  {"travel_share", o.travel_share ? json(*o.travel_share) : json()},
                  {"drain_timeout_s", o.drain_timeout_s}}},
                {"elapsed_s", r.elapsed_s},
                {"start_phase_s", r.start_phase_s},
                {"endpoints", endpoints},
                {"total", figures(r.total)},
                {"calls",
                 {{"planned", r.calls_planned},
                  {"started", r.calls_started},
                  {"finished", r.calls_finished},
                  {"unfinished", r.calls_unfinished},
                  {"failed", r.calls_failed}}},
                {"outcomes", r.outcomes},
                {"claims", r.claims},
                {"unexpected", r.unexpected},
                {"saturation",
                 {{"saturated", r.starts_delayed > 0 || r.starts_missed > 0},
                  {"starts_delayed", r.starts_delayed},
                  {"starts_missed", r.starts_missed},
                  {"max_start_lag_ms", r.max_start_lag_ms}}},
                {"audit",
                 {{"incidents", r.audit.incidents},
                  {"unreadable", r.audit.unreadable},
                  {"checks", r.audit.checks},
                  {"violations", r.audit.violations},
                  {"violation_count", r.audit.total_violations()},
                  {"examples", violations}}},
                {"metrics_5xx",
                 {{"before", r.audit.metrics_5xx_before},
                  {"after", r.audit.metrics_5xx_after},
                  {"delta", r.metrics_5xx_delta}}},
                {"ok", !r.failed()}};
    return out.dump(2);
}

}  // namespace roadside::sim::loadgen
