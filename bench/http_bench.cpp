// bench-http: a closed-loop HTTP load driver for one endpoint of a running server, and a one-shot
// request sender for scripts/bench.sh.
//
//   bench-http --port P --kind calls|coverage [--clients 32] [--duration-s 20] [--contracts 300]
//              [--seed 1] [--rss-pid PID] [--out FILE] [--host 127.0.0.1]
//   bench-http --port P --send METHOD TARGET [BODY]
//
// The bearer token comes from ROADSIDE_BENCH_TOKEN (never on the command line, which the report
// prints). Each of the clients is a thread with its own keep-alive connection sending the next
// request as soon as the answer arrives: POST /v1/calls (no Idempotency-Key) or POST
// /v1/coverage/check for a random demo contract (DEMO-00001 … DEMO-<contracts>) at a random point
// of Japan. Every latency is recorded; the summary goes to stdout and, as key=value lines, to
// --out, with the CPU the machine and this driver used. With --rss-pid the server's resident
// memory is sampled every 100 ms during the run (its maximum is reported), with the CPU time it
// used and the time its threads were runnable but waiting for a CPU (/proc/PID/task/*/schedstat).
//
// Exit status: 0 when every answer was 2xx; 1 when any was 5xx or a request failed (no answer);
// 3 when some were 4xx only; 2 on bad arguments. --send prints the status line and the body and
// exits 0 on 2xx, 1 otherwise.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "bench/common.hpp"
#include "simulator/http_client.hpp"
#include "simulator/stats.hpp"

namespace {

using roadside::sim::HttpClient;
using Clock = std::chrono::steady_clock;
using roadside::bench::parse_number;

constexpr std::chrono::seconds kRequestTimeout{30};
constexpr std::chrono::milliseconds kSampleInterval{100};
constexpr int kMaxClients = 1024;
constexpr double kMaxDurationS = 3600;

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string kind = "calls";
    int clients = 32;
    double duration_s = 20;
    int contracts = 300;
    std::uint64_t seed = 1;
    long rss_pid = 0;
    std::string out;
    std::vector<std::string> send;  // METHOD TARGET [BODY]
};

void usage(std::FILE* to) {
    std::fputs(
        "usage: bench-http --port P --kind calls|coverage [--clients 32] [--duration-s 20]\n"
        "                  [--contracts 300] [--seed 1] [--rss-pid PID] [--out FILE]\n"
        "                  [--host 127.0.0.1]\n"
        "       bench-http --port P --send METHOD TARGET [BODY]\n"
        "The bearer token is read from ROADSIDE_BENCH_TOKEN.\n",
        to);
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        if (arg == "--send") {
            for (++i; i < argc; ++i) o.send.emplace_back(argv[i]);
            if (o.send.size() < 2 || o.send.size() > 3) {
                std::fputs("bench-http: --send takes METHOD TARGET [BODY]\n", stderr);
                return false;
            }
            break;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "bench-http: %s needs a value\n", argv[i]);
            return false;
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (arg == "--host") {
            o.host = value;
        } else if (arg == "--port") {
            ok = parse_number(value, o.port) && o.port > 0 && o.port < 65536;
        } else if (arg == "--kind") {
            o.kind = value;
            ok = o.kind == "calls" || o.kind == "coverage";
        } else if (arg == "--clients") {
            ok = parse_number(value, o.clients) && o.clients >= 1 && o.clients <= kMaxClients;
        } else if (arg == "--duration-s") {
            ok = parse_number(value, o.duration_s) && o.duration_s > 0 &&
                 o.duration_s <= kMaxDurationS;
        } else if (arg == "--contracts") {
            ok = parse_number(value, o.contracts) && o.contracts >= 1 && o.contracts <= 99'999;
        } else if (arg == "--seed") {
            ok = parse_number(value, o.seed);
        } else if (arg == "--rss-pid") {
            ok = parse_number(value, o.rss_pid) && o.rss_pid > 0;
        } else if (arg == "--out") {
            o.out = value;
        } else {
            std::fprintf(stderr, "bench-http: unknown option %s\n", argv[i - 1]);
            return false;
        }
        if (!ok) {
            std::fprintf(stderr, "bench-http: bad value for %s: %s\n", argv[i - 1], argv[i]);
            return false;
        }
    }
    if (o.port == 0) {
        std::fputs("bench-http: --port is required\n", stderr);
        return false;
    }
    return true;
}

std::string bench_token() {
    const char* t = std::getenv("ROADSIDE_BENCH_TOKEN");
    return t == nullptr ? std::string() : std::string(t);
}

// ---------------------------------------------------------------------------------------------
// What the server process uses, read from /proc.

// A "Name:   1234 kB" line of /proc/PID/status, in kB; 0 when absent.
long status_kb(long pid, std::string_view name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
            line[name.size()] == ':') {
            long kb = 0;
            std::istringstream(line.substr(name.size() + 1)) >> kb;
            return kb;
        }
    }
    return 0;
}

// utime + stime of the process, in seconds.
double cpu_seconds(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    const auto paren = stat.rfind(')');  // the command name may hold spaces
    if (paren == std::string::npos) return 0;
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields 3 … 13 come before utime (14) and stime (15).
    for (int i = 3; i <= 13 && fields >> field; ++i) {
    }
    fields >> utime >> stime;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Seconds the process's threads spent runnable but waiting for a CPU (the second field of
// /proc/PID/task/TID/schedstat), summed over its threads.
double run_queue_seconds(long pid) {
    double total_ns = 0;
    std::error_code ec;
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        std::ifstream in(task.path() / "schedstat");
        double on_cpu_ns = 0, waiting_ns = 0;
        if (in >> on_cpu_ns >> waiting_ns) total_ns += waiting_ns;
    }
    return total_ns / 1e9;
}

double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

// Samples the server's resident memory until stopped.
class RssSampler {
  public:
    explicit RssSampler(long pid) : pid_(pid) {
        if (pid_ > 0) thread_ = std::thread([this] { run(); });
    }
    ~RssSampler() { stop(); }
    void stop() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }
    long max_kb() const { return max_kb_; }

  private:
    void run() {
        while (!stopping_) {
            max_kb_ = std::max(max_kb_.load(), status_kb(pid_, "VmRSS"));
            std::this_thread::sleep_for(kSampleInterval);
        }
    }
    long pid_;
    std::atomic<bool> stopping_{false};
    std::atomic<long> max_kb_{0};
    std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// The workload.

struct Place {
    double lat_deg, lon_deg, sigma_deg;
};

// Where cars break down: around the big cities, as in bench-select and the simulator.
constexpr Place kPlaces[] = {
    {35.68, 139.77, 0.35}, {34.69, 135.50, 0.30}, {35.18, 136.91, 0.25}, {43.06, 141.35, 0.20},
    {33.59, 130.40, 0.20}, {38.27, 140.87, 0.20}, {34.39, 132.46, 0.20}, {36.56, 136.66, 0.20},
};

std::string request_body(std::mt19937_64& rng, const Options& o) {
    std::uniform_int_distribution<int> contract(1, o.contracts);
    std::uniform_int_distribution<std::size_t> place(0, std::size(kPlaces) - 1);
    std::normal_distribution<double> jitter(0.0, 1.0);
    const Place& p = kPlaces[place(rng)];
    char text[512];
    const int n = contract(rng);
    const double lat = p.lat_deg + p.sigma_deg * jitter(rng);
    const double lon = p.lon_deg + p.sigma_deg * jitter(rng);
    if (o.kind == "coverage") {
        std::snprintf(text, sizeof text,
                      R"({"contract_no":"DEMO-%05d","location":{"lat":%.6f,"lon":%.6f}})", n, lat,
                      lon);
    } else {
        // Every optional field a call usually carries, so that no column is left NULL.
        std::uniform_int_distribution<int> odometer_km(5'000, 150'000);
        std::snprintf(text, sizeof text,
                      R"({"contract_no":"DEMO-%05d","location":{"lat":%.6f,"lon":%.6f},)"
                      R"("problem":"battery","occupants":2,"odometer_km":%d,)"
                      R"("caller":{"name":"山田 太郎","phone":"090-1234-5678"},)"
                      R"("notes":"エンジンがかからない"})",
                      n, lat, lon, odometer_km(rng));
    }
    return text;
}

struct ClientResult {
    std::vector<double> latency_ms;
    std::map<int, long> statuses;
    long failures = 0;  // no answer at all
    std::string first_error;
};

void run_client(const Options& o, int index, Clock::time_point until, ClientResult& r) {
    std::mt19937_64 rng(o.seed * 1'000'003 + static_cast<std::uint64_t>(index));
    HttpClient client(o.host, o.port, bench_token(), kRequestTimeout);
    const std::string target = o.kind == "calls" ? "/v1/calls" : "/v1/coverage/check";
    r.latency_ms.reserve(16'384);
    while (Clock::now() < until) {
        const std::string body = request_body(rng, o);
        const auto start = Clock::now();
        try {
            const auto res = client.post_json(target, body);
            r.latency_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            ++r.statuses[res.status];
            if ((res.status < 200 || res.status > 299) && r.first_error.empty()) {
                r.first_error = std::to_string(res.status) + " " + res.body.substr(0, 300);
            }
        } catch (const std::exception& e) {
            ++r.failures;
            if (r.first_error.empty()) r.first_error = e.what();
            client.close();
        }
    }
}

struct MachineCpu {
    unsigned long long busy = 0, total = 0;
};

MachineCpu machine_cpu() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    unsigned long long v[8] = {};
    in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
    MachineCpu m;
    for (const auto x : v) m.total += x;
    m.busy = m.total - v[3] - v[4];  // minus idle and iowait
    return m;
}

// The CPU the machine, this driver and the server used over a run, in % of one core.
struct CpuUse {
    double machine_pct = 0, driver_pct = 0, server_pct = 0, server_runq_pct = 0;
};

// Reads the CPU counters when made; used() gives the shares since then.
class CpuMeter {
  public:
    explicit CpuMeter(long server_pid)
        : pid_(server_pid),
          server_cpu_start_(pid_ > 0 ? cpu_seconds(pid_) : 0),
          server_wait_start_(pid_ > 0 ? run_queue_seconds(pid_) : 0),
          own_cpu_start_(own_cpu_seconds()),
          machine_start_(machine_cpu()) {}

    CpuUse used(double elapsed_s) const {
        const MachineCpu machine_end = machine_cpu();
        const double own_cpu_s = own_cpu_seconds() - own_cpu_start_;
        const double server_cpu_s = pid_ > 0 ? cpu_seconds(pid_) - server_cpu_start_ : 0;
        const double server_wait_s = pid_ > 0 ? run_queue_seconds(pid_) - server_wait_start_ : 0;
        const double ticks = static_cast<double>(machine_end.total - machine_start_.total);
        const double machine_busy_pct =
            ticks > 0 ? 100.0 * static_cast<double>(machine_end.busy - machine_start_.busy) / ticks
                      : 0;
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        return {machine_busy_pct * cores, 100.0 * own_cpu_s / elapsed_s,
                100.0 * server_cpu_s / elapsed_s, 100.0 * server_wait_s / elapsed_s};
    }

  private:
    long pid_;
    double server_cpu_start_, server_wait_start_, own_cpu_start_;
    MachineCpu machine_start_;
};

// The clients' results together: every latency, the answers by status and by class of status.
struct Tally {
    std::vector<double> all;
    std::map<int, long> statuses;
    long failures = 0;
    std::string first_error;
    long ok = 0, client_errors = 0, server_errors = 0, other = 0;
};

Tally tally(const std::vector<ClientResult>& results) {
    Tally t;
    for (const auto& r : results) {
        t.all.insert(t.all.end(), r.latency_ms.begin(), r.latency_ms.end());
        for (const auto& [status, n] : r.statuses) t.statuses[status] += n;
        t.failures += r.failures;
        if (t.first_error.empty()) t.first_error = r.first_error;
    }
    for (const auto& [status, n] : t.statuses) {
        if (status >= 200 && status <= 299) {
            t.ok += n;
        } else if (status >= 400 && status <= 499) {
            t.client_errors += n;
        } else if (status >= 500) {
            t.server_errors += n;
        } else {
            t.other += n;
        }
    }
    return t;
}

struct LoadResult {
    double elapsed_s = 0;
    Tally tally;
    roadside::sim::Summary latency;
    double rps = 0;
    CpuUse cpu;
    long rss_max_kb = 0;
};

// The figures as key=value lines, for --out.
std::string kv_text(const Options& o, const LoadResult& r) {
    const Tally& t = r.tally;
    const auto& s = r.latency;
    std::ostringstream kv;
    kv << "kind=" << o.kind << "\nclients=" << o.clients << "\nduration_s=" << r.elapsed_s
       << "\nrequests=" << s.count << "\nok=" << t.ok << "\nrps=" << r.rps << "\nmean_ms=" << s.mean
       << "\np50_ms=" << s.p50 << "\np90_ms=" << s.p90 << "\np99_ms=" << s.p99
       << "\nmax_ms=" << s.max << "\nstatus_4xx=" << t.client_errors
       << "\nstatus_5xx=" << t.server_errors << "\nstatus_other=" << t.other
       << "\nfailures=" << t.failures;
    kv << "\nstatuses=";
    bool first = true;
    for (const auto& [status, n] : t.statuses) {
        kv << (first ? "" : ",") << status << ":" << n;
        first = false;
    }
    kv << "\nmachine_cpu_pct=" << r.cpu.machine_pct << "\ndriver_cpu_pct=" << r.cpu.driver_pct;
    if (o.rss_pid > 0) {
        kv << "\nserver_cpu_pct=" << r.cpu.server_pct
           << "\nserver_runq_pct=" << r.cpu.server_runq_pct
           << "\nserver_rss_max_kb=" << r.rss_max_kb
           << "\nserver_hwm_kb=" << status_kb(o.rss_pid, "VmHWM");
    }
    kv << "\n";
    return kv.str();
}

// The figures for a reader, on stdout.
void print_summary(const Options& o, const LoadResult& r) {
    const Tally& t = r.tally;
    const auto& s = r.latency;
    std::printf("%s %d clients, %.1f s: %.0f requests/s (2xx)\n", o.kind.c_str(), o.clients,
                r.elapsed_s, r.rps);
    std::printf("latency ms: mean %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", s.mean, s.p50,
                s.p90, s.p99, s.max);
    for (const auto& [status, n] : t.statuses) std::printf("status %d: %ld\n", status, n);
    if (t.failures > 0) std::printf("no answer: %ld\n", t.failures);
    std::printf("CPU (%% of one core): machine %.0f%%, this driver %.0f%%", r.cpu.machine_pct,
                r.cpu.driver_pct);
    if (o.rss_pid > 0) {
        std::printf(", server %.0f%% (and %.0f%% waiting for a CPU); server RSS max %ld kB",
                    r.cpu.server_pct, r.cpu.server_runq_pct, r.rss_max_kb);
    }
    std::printf("\n");
    if (!t.first_error.empty()) std::printf("first error: %s\n", t.first_error.c_str());
}

int run_load(const Options& o) {
    if (bench_token().empty()) {
        std::fputs("bench-http: ROADSIDE_BENCH_TOKEN is not set\n", stderr);
        return 2;
    }
    std::vector<ClientResult> results(static_cast<std::size_t>(o.clients));
    std::vector<std::thread> threads;
    const CpuMeter cpu(o.rss_pid);
    RssSampler rss(o.rss_pid);
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(o.duration_s));
    for (int i = 0; i < o.clients; ++i) {
        threads.emplace_back(run_client, std::cref(o), i, until,
                             std::ref(results[static_cast<std::size_t>(i)]));
    }
    for (auto& t : threads) t.join();
    LoadResult r;
    r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    rss.stop();
    r.cpu = cpu.used(r.elapsed_s);
    r.rss_max_kb = rss.max_kb();
    r.tally = tally(results);
    r.latency = roadside::sim::summarize(r.tally.all);
    r.rps = static_cast<double>(r.tally.ok) / r.elapsed_s;

    const std::string kv = kv_text(o, r);
    print_summary(o, r);
    if (!o.out.empty()) {
        std::ofstream out(o.out);
        out << kv;
        if (!out) {
            std::fprintf(stderr, "bench-http: cannot write %s\n", o.out.c_str());
            return 1;
        }
    }
    if (r.tally.server_errors > 0 || r.tally.failures > 0 || r.tally.other > 0) return 1;
    return r.tally.client_errors > 0 ? 3 : 0;
}

int send_one(const Options& o) {
    HttpClient client(o.host, o.port, bench_token(), kRequestTimeout);
    const std::string body = o.send.size() > 2 ? o.send[2] : "";
    try {
        const auto res = o.send[0] == "POST" ? client.post_json(o.send[1], body)
                                             : client.request(o.send[0], o.send[1], body);
        std::printf("%d\n%s\n", res.status, res.body.c_str());
        return res.status >= 200 && res.status <= 299 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-http: %s %s: %s\n", o.send[0].c_str(), o.send[1].c_str(),
                     e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        usage(stderr);
        return 2;
    }
    return o.send.empty() ? run_load(o) : send_one(o);
}
