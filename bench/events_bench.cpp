// bench-events: how long an event takes from a partner's API call to an agent's live stream
// (GET /v1/events), with many other streams open.
//
//   bench-events --port P [--stream-port P2] [--streams 1000] [--jobs 100] [--rss-pid PID]
//                [--out FILE]
//
// The admin token comes from ROADSIDE_BENCH_TOKEN. The run makes a partner and a contract of its
// own far from the demo data (so that its jobs are offered to its partner), opens --streams
// agent streams that a background thread reads and throws away (each receives every event, as
// a console would) and one measured agent stream on --stream-port (default: --port; another
// server on the same database measures the way between servers). Then for each of --jobs jobs:
// a call and a job through the API, and the partner's accept, en_route, on_scene and complete;
// each partner request is timed from just before it is sent until its event (job_accepted, …)
// arrives on the measured stream. Prints p50/p90/p99/max and writes them as key=value lines to
// --out, with the resident memory of --rss-pid (the server) once every stream is open. Exit
// status 1 when an event never arrives (10 s) or a request fails; 2 on bad arguments.
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common.hpp"
#include "core/calendar.hpp"
#include "simulator/http_client.hpp"
#include "simulator/sse_client.hpp"
#include "simulator/stats.hpp"

namespace {

using nlohmann::json;
using roadside::bench::parse_number;
using roadside::sim::HttpClient;
using roadside::sim::SseClient;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kEventTimeout{10};
constexpr int kStreamsPerToken = 10;  // under the default event_streams_max_per_principal
constexpr int kMaxStreams = 20'000;
constexpr int kMaxJobs = 10'000;
// Where this run's calls are: a random point of the South Pacific, far from the demo data and
// (almost surely) from earlier runs' partners on the same database, so that its jobs are offered
// to its own partner.
struct Site {
    double lat;
    double lon;
};
Site random_site() {
    std::random_device seed;
    std::mt19937 rng(seed());
    return {std::uniform_real_distribution<double>(-60.0, -10.0)(rng),
            std::uniform_real_distribution<double>(-170.0, -100.0)(rng)};
}
const Site kSite = random_site();

struct Options {
    int port = 0;
    int stream_port = 0;
    int streams = 1000;
    int jobs = 100;
    long rss_pid = 0;
    std::string out;
};

void usage(std::FILE* to) {
    std::fputs(
        "usage: bench-events --port P [--stream-port P2] [--streams 1000] [--jobs 100]\n"
        "                    [--rss-pid PID] [--out FILE]\n"
        "The admin token is read from ROADSIDE_BENCH_TOKEN.\n",
        to);
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return false;
        const std::string v = argv[++i];
        if (a == "--port") {
            if (!parse_number(v, o.port)) return false;
        } else if (a == "--stream-port") {
            if (!parse_number(v, o.stream_port)) return false;
        } else if (a == "--streams") {
            if (!parse_number(v, o.streams) || o.streams < 0 || o.streams > kMaxStreams)
                return false;
        } else if (a == "--jobs") {
            if (!parse_number(v, o.jobs) || o.jobs < 1 || o.jobs > kMaxJobs) return false;
        } else if (a == "--rss-pid") {
            if (!parse_number(v, o.rss_pid) || o.rss_pid <= 0) return false;
        } else if (a == "--out") {
            o.out = v;
        } else {
            return false;
        }
    }
    if (o.stream_port == 0) o.stream_port = o.port;
    return o.port > 0 && o.port < 65536 && o.stream_port > 0 && o.stream_port < 65536;
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "bench-events: %s\n", what.c_str());
    std::exit(1);
}

json call_api(HttpClient& c, const std::string& method, const std::string& target, const json& body,
              int expected) {
    const auto r = method == "GET" ? c.get(target) : c.post_json(target, body.dump());
    if (r.status != expected) {
        fail(method + " " + target + ": " + std::to_string(r.status) + " " + r.body);
    }
    return json::parse(r.body, nullptr, false);
}

std::string today_plus(int days) {
    const auto today = roadside::core::japan_date(roadside::core::now_seconds());
    return roadside::core::format_date(roadside::core::add_days(today, days));
}

// A contract covered today, whose holder lives near the site.
std::string new_contract(HttpClient& admin) {
    const std::string no = "BENCH-EV-" + std::to_string(::getpid());
    json body = {{"contract_no", no},
                 {"product_id", "kaitokuten-basic"},
                 {"start_date", today_plus(-100)},
                 {"term_months", 12},
                 {"holder", {{"name", "ベンチ 太郎"}, {"birth_date", "1980-04-01"}}},
                 {"home", {{"lat", kSite.lat}, {"lon", kSite.lon}}},
                 {"vehicle",
                  {{"plate", "品川 300 あ " + std::to_string(::getpid())},
                   {"length_mm", 4690},
                   {"width_mm", 1690},
                   {"gross_weight_kg", 2500},
                   {"seating_capacity", 5},
                   {"kind", "small"},
                   {"use", "passenger"},
                   {"private_use", true},
                   {"inspection_expiry", today_plus(300)}}}};
    call_api(admin, "POST", "/v1/contracts", body, 201);
    return no;
}

// Reads and throws away whatever the idle streams receive, so that none falls behind.
class Drainer {
  public:
    explicit Drainer(const std::vector<std::unique_ptr<SseClient>>& streams) {
        for (const auto& s : streams) fds_.push_back({s->socket(), POLLIN, 0});
        thread_ = std::thread([this] { run(); });
    }
    ~Drainer() {
        stop_ = true;
        thread_.join();
    }
    std::uint64_t bytes() const { return bytes_; }

  private:
    void run() {
        char buf[65536];
        while (!stop_) {
            if (poll(fds_.data(), fds_.size(), 100) <= 0) continue;
            for (auto& p : fds_) {
                if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
                const ssize_t n = ::read(p.fd, buf, sizeof buf);
                if (n > 0) bytes_ += static_cast<std::uint64_t>(n);
                if (n <= 0) p.fd = -1;  // ended: poll ignores it from now on
            }
        }
    }
    std::vector<pollfd> fds_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> bytes_{0};
};

// Waits on the measured stream for `type` about `job_id`.
bool wait_for(SseClient& stream, const std::string& type, const std::string& job_id) {
    const auto until = Clock::now() + kEventTimeout;
    while (Clock::now() < until) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        const auto e = stream.next(left);
        if (!e) return false;
        if (e->event == type && e->json().value("job_id", "") == job_id) return true;
    }
    return false;
}

std::vector<std::unique_ptr<SseClient>> open_streams(HttpClient& admin, int port, int n) {
    std::vector<std::unique_ptr<SseClient>> out;
    std::string token;
    for (int i = 0; i < n; ++i) {
        if (i % kStreamsPerToken == 0) {
            token = call_api(admin, "POST", "/v1/tokens", {{"role", "agent"}, {"label", "bench"}},
                             201)["token"];
        }
        out.push_back(std::make_unique<SseClient>(
            port, std::map<std::string, std::string>{{"Authorization", "Bearer " + token}}));
        if (out.back()->status() != 200) {
            fail("stream " + std::to_string(i) + ": " + std::to_string(out.back()->status()) + " " +
                 out.back()->error_body());
        }
    }
    return out;
}

// VmRSS of a process in kB (0 when unknown).
long rss_kb(long pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return 0;
}

void raise_open_files(int wanted) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    lim.rlim_cur = std::min<rlim_t>(std::max<rlim_t>(lim.rlim_cur, wanted), lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
}

// One job through its life; the delay of each partner step's event, in ms.
void one_job(HttpClient& admin, HttpClient& crew, const std::string& crew_partner,
             SseClient& measured, const std::string& contract, std::vector<double>& delays) {
    const json call = call_api(admin, "POST", "/v1/calls",
                               {{"contract_no", contract},
                                {"location", {{"lat", kSite.lat + 0.01}, {"lon", kSite.lon}}},
                                {"problem", "battery"}},
                               201);
    const json job =
        call_api(admin, "POST", "/v1/incidents/" + call["incident_id"].get<std::string>() + "/jobs",
                 {{"service", "jump_start"}}, 201);
    const std::string id = job["job_id"];
    if (job["status"] != "offered" || job["partner_id"] != crew_partner) {
        fail("the job was not offered to this run's partner: " + job.dump());
    }
    if (!wait_for(measured, "job_offered", id)) fail("job_offered never arrived");
    struct Step {
        std::string path;
        json body;
        std::string event;
    };
    const std::vector<Step> steps = {
        {"/accept", {{"eta_minutes", 20}}, "job_accepted"},
        {"/status", {{"status", "en_route"}}, "job_en_route"},
        {"/status", {{"status", "on_scene"}}, "job_on_scene"},
        {"/complete", {{"outcome", "fixed_on_site"}}, "job_completed"},
    };
    for (const Step& s : steps) {
        const auto sent = Clock::now();
        call_api(crew, "POST", "/v1/jobs/" + id + s.path, s.body, 200);
        if (!wait_for(measured, s.event, id)) fail(s.event + " never arrived");
        delays.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        usage(stderr);
        return 2;
    }
    const char* token = std::getenv("ROADSIDE_BENCH_TOKEN");
    if (token == nullptr || *token == '\0') {
        usage(stderr);
        return 2;
    }
    raise_open_files(o.streams + 256);
    HttpClient admin("127.0.0.1", o.port, token);
    const json partner = call_api(admin, "POST", "/v1/partners",
                                  {{"name", "ベンチ協力会社"},
                                   {"base", {{"lat", kSite.lat}, {"lon", kSite.lon}}},
                                   {"capabilities", {"on_site", "wrecker"}}},
                                  201);
    const std::string crew_token = call_api(
        admin, "POST", "/v1/tokens",
        {{"role", "partner"}, {"partner_id", partner["id"]}, {"label", "bench"}}, 201)["token"];
    HttpClient crew("127.0.0.1", o.port, crew_token);

    const auto opening = Clock::now();
    const auto others = open_streams(admin, o.stream_port, o.streams);
    const double open_s = std::chrono::duration<double>(Clock::now() - opening).count();
    Drainer drainer(others);
    const auto agent_token = call_api(admin, "POST", "/v1/tokens",
                                      {{"role", "agent"}, {"label", "bench"}}, 201)["token"];
    SseClient measured(o.stream_port,
                       {{"Authorization", "Bearer " + agent_token.get<std::string>()}});
    if (measured.status() != 200) fail("the measured stream: " + measured.error_body());
    const long rss_open_kb = o.rss_pid > 0 ? rss_kb(o.rss_pid) : 0;

    const std::string contract = new_contract(admin);
    std::vector<double> delays;
    for (int i = 0; i < o.jobs; ++i)
        one_job(admin, crew, partner["id"], measured, contract, delays);
    const auto s = roadside::sim::summarize(delays);
    std::printf(
        "event delay, partner request to agent stream (%zu events, %d other streams open, "
        "opened in %.1f s, %.1f MB read by them): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
        "max %.2f ms\n",
        s.count, o.streams, open_s, static_cast<double>(drainer.bytes()) / 1e6, s.p50, s.p90, s.p99,
        s.max);
    if (!o.out.empty()) {
        std::ofstream out(o.out);
        out << "events=" << s.count << "\nstreams=" << o.streams << "\njobs=" << o.jobs
            << "\ncross_server=" << (o.stream_port != o.port ? 1 : 0) << "\np50_ms=" << s.p50
            << "\np90_ms=" << s.p90 << "\np99_ms=" << s.p99 << "\nmax_ms=" << s.max
            << "\nmean_ms=" << s.mean << "\nopen_s=" << open_s
            << "\nother_streams_bytes=" << drainer.bytes() << "\nrss_streams_kb=" << rss_open_kb
            << "\nrss_end_kb=" << (o.rss_pid > 0 ? rss_kb(o.rss_pid) : 0) << "\n";
    }
    return 0;
}
