// bench-upload: what a receipt photo costs the server (issue 14). Against a running server:
//
//   1. a photo like a phone's (4032 × 3024, about --photo-mb MB of JPEG, made here with libvips)
//      is uploaded --runs times, one after the other, each a distinct file (a JPEG comment with
//      a counter), timing each upload end to end: send, decode, re-encode, store, answer;
//   2. the server's CPU (--rss-pid: the whole process's CPU time, /proc/PID/stat) per upload, and
//      per upload of the same size that is refused at once (bytes that are no image: read, hashed
//      and sniffed, nothing decoded): the difference is what the decoding, re-encoding and storing
//      cost; also the image workers' busy time per upload (roadside_image_work_seconds_total);
//   3. --concurrent uploads at once (one connection each), sampling the server's resident memory
//      every 10 ms (--rss-pid), before, at its peak, and after.
//
//   bench-upload --port P [--host 127.0.0.1] [--photo-mb 5] [--runs 10] [--concurrent 10]
//                [--rss-pid PID] [--out FILE]
//
// The bearer token (an agent's) comes from ROADSIDE_BENCH_TOKEN. Exit status 0 when every upload
// was stored (201), 1 otherwise, 2 on bad arguments.
#include <unistd.h>
#include <vips/vips.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <latch>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/common.hpp"
#include "media/image.hpp"
#include "simulator/http_client.hpp"

namespace {

using roadside::bench::parse_number;
using roadside::sim::HttpClient;
using Clock = std::chrono::steady_clock;

constexpr int kPhotoWidth = 4032;  // a 12-megapixel phone camera
constexpr int kPhotoHeight = 3024;
constexpr std::chrono::milliseconds kRssSample{10};
constexpr std::chrono::seconds kRequestTimeout{120};

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    double photo_mb = 5.0;
    int runs = 10;
    int concurrent = 10;
    long rss_pid = 0;
    std::string out;
};

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view arg = argv[i];
        const std::string_view value = argv[i + 1];
        bool ok = true;
        if (arg == "--host") {
            o.host = value;
        } else if (arg == "--port") {
            ok = parse_number(value, o.port) && o.port > 0 && o.port < 65536;
        } else if (arg == "--photo-mb") {
            ok = parse_number(value, o.photo_mb) && o.photo_mb >= 0.5 && o.photo_mb <= 9.5;
        } else if (arg == "--runs") {
            ok = parse_number(value, o.runs) && o.runs >= 1 && o.runs <= 1000;
        } else if (arg == "--concurrent") {
            ok = parse_number(value, o.concurrent) && o.concurrent >= 1 && o.concurrent <= 64;
        } else if (arg == "--rss-pid") {
            ok = parse_number(value, o.rss_pid) && o.rss_pid > 0;
        } else if (arg == "--out") {
            o.out = value;
        } else {
            ok = false;
        }
        if (!ok) {
            std::fprintf(stderr, "bench-upload: bad %s %s\n", argv[i], argv[i + 1]);
            return false;
        }
    }
    return (argc % 2) == 1 && o.port > 0;
}

// ---- the photo ----

struct Unref {
    void operator()(VipsImage* i) const { g_object_unref(i); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

// A smooth gradient under noise: detail like a photo's, so that JPEG size depends on quality.
Image photo_pixels(double sigma) {
    VipsImage* noise = nullptr;
    VipsImage* grad = nullptr;
    VipsImage* sum = nullptr;
    VipsImage* rgb = nullptr;
    VipsImage* cast = nullptr;
    if (vips_gaussnoise(&noise, kPhotoWidth, kPhotoHeight, "mean", 0.0, "sigma", sigma, nullptr) ||
        vips_xyz(&grad, kPhotoWidth, kPhotoHeight, nullptr)) {
        throw std::runtime_error(vips_error_buffer());
    }
    Image n{noise};
    Image g{grad};
    VipsImage* x = nullptr;
    vips_extract_band(g.get(), &x, 0, nullptr);
    Image xs{x};
    VipsImage* scaled = nullptr;
    vips_linear1(xs.get(), &scaled, 200.0 / kPhotoWidth, 28.0, nullptr);
    Image s{scaled};
    vips_add(s.get(), n.get(), &sum, nullptr);
    Image su{sum};
    VipsImage* bands[3] = {su.get(), su.get(), su.get()};
    vips_bandjoin(bands, &rgb, 3, nullptr);
    Image r{rgb};
    vips_cast(r.get(), &cast, VIPS_FORMAT_UCHAR, nullptr);
    Image c{cast};
    VipsImage* srgb = nullptr;
    vips_copy(c.get(), &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
    return Image{srgb};
}

std::string encode(VipsImage* img, int quality) {
    void* buf = nullptr;
    std::size_t len = 0;
    if (vips_jpegsave_buffer(img, &buf, &len, "Q", quality, nullptr) != 0) {
        throw std::runtime_error(vips_error_buffer());
    }
    std::string out(static_cast<const char*>(buf), len);
    g_free(buf);
    return out;
}

// The quality whose JPEG is closest to the wanted size (the pixels are fixed: memoryless noise
// would need a re-run per quality, so the image is materialised once).
std::string make_photo(double mb) {
    Image pixels = photo_pixels(24.0);
    VipsImage* mem = vips_image_copy_memory(pixels.get());
    if (mem == nullptr) {
        throw std::runtime_error(vips_error_buffer());
    }
    Image m{mem};
    const auto wanted = static_cast<std::size_t>(mb * 1'000'000);
    int lo = 40;
    int hi = 99;
    std::string best = encode(m.get(), hi);
    while (lo < hi) {
        const int q = (lo + hi) / 2;
        std::string jpeg = encode(m.get(), q);
        if (jpeg.size() < wanted) {
            lo = q + 1;
        } else {
            hi = q;
        }
        if (std::abs(static_cast<long>(jpeg.size()) - static_cast<long>(wanted)) <
            std::abs(static_cast<long>(best.size()) - static_cast<long>(wanted))) {
            best = std::move(jpeg);
        }
    }
    return best;
}

// The same photo as a distinct file: a JPEG comment (COM) with a counter after SOI.
std::string variant(const std::string& jpeg, int n) {
    const std::string text = "bench " + std::to_string(n);
    std::string com = "\xFF\xFE";
    com.push_back(static_cast<char>(((text.size() + 2) >> 8) & 0xFF));
    com.push_back(static_cast<char>((text.size() + 2) & 0xFF));
    return jpeg.substr(0, 2) + com + text + jpeg.substr(2);
}

// ---- the server ----

double metric(HttpClient& c, const std::string& name) {
    const auto r = c.get("/metrics");
    std::istringstream lines(r.body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
    }
    return 0;
}

long proc_status_kb(long pid, const char* field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0)
            return std::strtol(line.c_str() + std::strlen(field) + 1, nullptr, 10);
    }
    return 0;
}

double proc_cpu_s(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(all.substr(all.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14 || i == 15) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(
        std::clamp(p * (v.size() - 1) + 0.5, 0.0, static_cast<double>(v.size() - 1)));
    return v[i];
}

struct Sequential {
    std::vector<double> ms;
    double work_ms = 0;          // the image workers' busy time, per upload
    double proc_cpu_ms = 0;      // the server's CPU, per upload
    double refused_cpu_ms = 0;   // the server's CPU per refused upload of the same size
    bool all_stored = true;
};

// The server's CPU per upload of `body` (the same bytes each time), refused at once: 415.
double refused_cpu_ms(const Options& o, HttpClient& probe, std::size_t bytes) {
    if (!o.rss_pid) return 0;
    const std::string body(bytes, 'x');
    const std::map<std::string, std::string> jpeg = {{"Content-Type", "image/jpeg"}};
    const double before = proc_cpu_s(o.rss_pid);
    for (int i = 0; i < o.runs; ++i) probe.request("POST", "/v1/receipt-images", body, jpeg);
    return 1000 * (proc_cpu_s(o.rss_pid) - before) / o.runs;
}

// 1 and 2: one upload after the other, each timed; the server's CPU around them.
Sequential sequential(const Options& o, const std::string& token, const std::string& photo,
                      int& counter) {
    HttpClient probe(o.host, o.port, token, kRequestTimeout);
    const std::map<std::string, std::string> jpeg = {{"Content-Type", "image/jpeg"}};
    Sequential s;
    s.refused_cpu_ms = refused_cpu_ms(o, probe, photo.size());
    const double work_before = metric(probe, "roadside_image_work_seconds_total");
    const double proc_cpu_before = o.rss_pid ? proc_cpu_s(o.rss_pid) : 0;
    for (int i = 0; i < o.runs; ++i) {
        const std::string body = variant(photo, ++counter);
        const auto t0 = Clock::now();
        const auto r = probe.request("POST", "/v1/receipt-images", body, jpeg);
        s.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r.status != 201) {
            s.all_stored = false;
            std::fprintf(stderr, "bench-upload: %d %s\n", r.status, r.body.substr(0, 200).c_str());
        }
    }
    s.work_ms = 1000 * (metric(probe, "roadside_image_work_seconds_total") - work_before) / o.runs;
    s.proc_cpu_ms = o.rss_pid ? 1000 * (proc_cpu_s(o.rss_pid) - proc_cpu_before) / o.runs : 0;
    return s;
}

struct Concurrent {
    double wall_ms = 0;
    long rss_before_kb = 0;
    long rss_peak_kb = 0;
    long rss_after_kb = 0;
    long hwm_kb = 0;
    bool all_stored = true;
};

// 3: --concurrent uploads at once, one connection each, the server's memory sampled meanwhile.
Concurrent concurrent(const Options& o, const std::string& token, const std::string& photo,
                      int& counter) {
    const std::map<std::string, std::string> jpeg = {{"Content-Type", "image/jpeg"}};
    Concurrent c;
    c.rss_before_kb = o.rss_pid ? proc_status_kb(o.rss_pid, "VmRSS:") : 0;
    std::atomic<bool> sampling{true};
    std::atomic<long> peak{c.rss_before_kb};
    std::thread sampler([&] {
        while (o.rss_pid && sampling.load()) {
            peak = std::max(peak.load(), proc_status_kb(o.rss_pid, "VmRSS:"));
            std::this_thread::sleep_for(kRssSample);
        }
    });
    std::vector<std::string> bodies;
    for (int i = 0; i < o.concurrent; ++i) bodies.push_back(variant(photo, ++counter));
    std::vector<int> statuses(static_cast<std::size_t>(o.concurrent));
    std::latch start(o.concurrent);
    const auto t0 = Clock::now();
    std::vector<std::thread> clients;
    for (int i = 0; i < o.concurrent; ++i) {
        clients.emplace_back([&, i] {
            HttpClient client(o.host, o.port, token, kRequestTimeout);
            client.get("/healthz");
            start.arrive_and_wait();
            const auto n = static_cast<std::size_t>(i);
            statuses[n] = client.request("POST", "/v1/receipt-images", bodies[n], jpeg).status;
        });
    }
    for (auto& t : clients) t.join();
    c.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    sampling = false;
    sampler.join();
    c.rss_peak_kb = peak.load();
    for (const int st : statuses) c.all_stored = c.all_stored && st == 201;
    c.rss_after_kb = o.rss_pid ? proc_status_kb(o.rss_pid, "VmRSS:") : 0;
    c.hwm_kb = o.rss_pid ? proc_status_kb(o.rss_pid, "VmHWM:") : 0;
    return c;
}

std::string report(const Options& o, const std::string& photo, const Sequential& s,
                   const Concurrent& c) {
    std::ostringstream kv;
    kv << "photo_bytes=" << photo.size() << "\nphoto_width=" << kPhotoWidth
       << "\nphoto_height=" << kPhotoHeight << "\nruns=" << o.runs
       << "\nlatency_ms_p50=" << percentile(s.ms, 0.5)
       << "\nlatency_ms_p90=" << percentile(s.ms, 0.9)
       << "\nlatency_ms_max=" << percentile(s.ms, 1.0)
       << "\nworker_ms_per_upload=" << s.work_ms << "\nserver_cpu_ms_per_upload=" << s.proc_cpu_ms
       << "\nserver_cpu_ms_per_refused_upload=" << s.refused_cpu_ms
       << "\nreencode_cpu_ms_per_upload=" << s.proc_cpu_ms - s.refused_cpu_ms
       << "\nconcurrent=" << o.concurrent
       << "\nconcurrent_wall_ms=" << c.wall_ms << "\nrss_before_kb=" << c.rss_before_kb
       << "\nrss_peak_kb=" << c.rss_peak_kb << "\nrss_after_kb=" << c.rss_after_kb
       << "\nhwm_kb=" << c.hwm_kb
       << "\nall_stored=" << (s.all_stored && c.all_stored ? "yes" : "no") << "\n";
    return kv.str();
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        std::fputs(
            "usage: bench-upload --port P [--host H] [--photo-mb 5] [--runs 10] "
            "[--concurrent 10] [--rss-pid PID] [--out FILE]\n",
            stderr);
        return 2;
    }
    const char* token = std::getenv("ROADSIDE_BENCH_TOKEN");
    if (token == nullptr || *token == '\0') {
        std::fputs("bench-upload: set ROADSIDE_BENCH_TOKEN (an agent's token)\n", stderr);
        return 2;
    }
    roadside::media::init(argv[0]);
    const std::string photo = make_photo(o.photo_mb);
    std::fprintf(stderr, "bench-upload: photo %d x %d, %zu bytes\n", kPhotoWidth, kPhotoHeight,
                 photo.size());
    int counter = 0;
    const Sequential s = sequential(o, token, photo, counter);
    const Concurrent c = concurrent(o, token, photo, counter);
    const std::string kv = report(o, photo, s, c);
    std::fputs(kv.c_str(), stdout);
    if (!o.out.empty()) std::ofstream(o.out) << kv;
    return s.all_stored && c.all_stored ? 0 : 1;
}
