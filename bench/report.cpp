// bench-report: the small tools scripts/bench.sh needs besides the drivers, and the report.
//
//   bench-report json-compact < JSON > JSON
//       re-prints JSON compactly with sorted keys, as the server's nlohmann::json::dump() writes it
//       (PostgreSQL prints jsonb with spaces and its own key order).
//   bench-report pgbench --output FILE --out FILE LOG...
//       pgbench's summary (FILE: what it printed) and latency percentiles from its
//       per-transaction logs (-l: latency in µs in the third column), as key=value lines.
//   bench-report select --output FILE --out FILE
//       bench-select's figures (FILE: what it printed) as key=value lines.
//   bench-report write --results DIR --md FILE --svg FILE
//       reads the result files of a run (key=value) and writes docs/benchmarks.md and the plot.
//
// Exit status: 0 done, 1 missing or unreadable input, 2 bad arguments.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/stats.hpp"
#include "simulator/xml.hpp"

namespace {

namespace fs = std::filesystem;

// The targets of the benchmark issue.
constexpr double kIntakeRatioMin = 0.5;
constexpr double kIntakeP99MaxMs = 50.0;
constexpr double kSelectionSpeedupMin = 20.0;
constexpr double kMemoryMaxMb = 100.0;

const double kNaN = std::nan("");

// ---------------------------------------------------------------------------------------------
// key=value files

using roadside::sim::xml_escape;
using Kv = std::map<std::string, std::string>;

Kv read_kv(const fs::path& path) {
    Kv kv;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return kv;
}

class Results {
  public:
    explicit Results(fs::path dir) : dir_(std::move(dir)) {}

    const Kv& file(const std::string& name) {
        auto it = files_.find(name);
        if (it == files_.end()) it = files_.emplace(name, read_kv(dir_ / (name + ".kv"))).first;
        return it->second;
    }
    bool has(const std::string& name) { return !file(name).empty(); }
    std::string str(const std::string& name, const std::string& key) {
        const Kv& kv = file(name);
        const auto it = kv.find(key);
        return it == kv.end() ? std::string() : it->second;
    }
    double num(const std::string& name, const std::string& key) {
        const std::string s = str(name, key);
        if (s.empty()) return kNaN;
        try {
            std::size_t used = 0;
            const double v = std::stod(s, &used);
            return used == s.size() ? v : kNaN;
        } catch (const std::exception&) {
            return kNaN;
        }
    }
    std::string text(const std::string& file_name) const {
        std::ifstream in(dir_ / file_name);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

  private:
    fs::path dir_;
    std::map<std::string, Kv> files_;
};

// ---------------------------------------------------------------------------------------------
// Number formatting

std::string fixed(double v, int decimals) {
    if (std::isnan(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// 12,345 style, for counts and rates.
std::string grouped(double v) {
    if (std::isnan(v)) return "–";
    const long long n = std::llround(v);
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    if (n < 0) out.insert(out.begin(), '-');
    return out;
}

// Two significant decimals for small numbers, none for large ones.
std::string adaptive(double v) {
    if (std::isnan(v)) return "–";
    const double a = std::abs(v);
    if (a >= 100) return grouped(v);
    if (a >= 10) return fixed(v, 1);
    return fixed(v, 2);
}

// A small length with a unit that suits it: nm, µm, mm or m.
std::string length_text(double m) {
    if (std::isnan(m)) return "–";
    if (m < 1e-6) return fixed(m * 1e9, 0) + " nm";
    if (m < 1e-3) return fixed(m * 1e6, 0) + " µm";
    if (m < 1.0) return fixed(m * 1e3, 1) + " mm";
    return fixed(m, 1) + " m";
}

std::string ratio_text(double v) {
    if (std::isnan(v)) return "–";
    return fixed(v, v >= 10 ? 0 : 2) + " ×";
}

double mb_of_kb(double kb) {
    return kb * 1024.0 / 1e6;
}

std::string verdict(bool pass) {
    return pass ? "**PASS**" : "**MISS**";
}

double ratio(double a, double b) {
    return b > 0 && !std::isnan(a) && !std::isnan(b) ? a / b : kNaN;
}

// ---------------------------------------------------------------------------------------------
// json-compact

int json_compact() {
    try {
        const nlohmann::json j = nlohmann::json::parse(std::cin);
        std::cout << j.dump() << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-report json-compact: %s\n", e.what());
        return 1;
    }
}

// ---------------------------------------------------------------------------------------------
// pgbench

// The number after `label` on the line that starts with it ("tps = 123.4 (without …").
double number_after(const std::string& text, std::string_view label) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(label, 0) != 0) continue;
        try {
            return std::stod(line.substr(label.size()));
        } catch (const std::exception&) {
            return kNaN;
        }
    }
    return kNaN;
}

int pgbench_summary(const std::string& output_path, const std::string& out_path,
                    const std::vector<std::string>& logs) {
    std::ifstream in(output_path);
    if (!in) {
        std::fprintf(stderr, "bench-report pgbench: cannot read %s\n", output_path.c_str());
        return 1;
    }
    const std::string output{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<double> latency_ms;
    long failed_in_log = 0;
    for (const auto& path : logs) {
        std::ifstream log(path);
        if (!log) {
            std::fprintf(stderr, "bench-report pgbench: cannot read %s\n", path.c_str());
            return 1;
        }
        std::string line;
        while (std::getline(log, line)) {
            // client_id transaction_no time script_no time_epoch time_us [...]
            std::istringstream fields(line);
            std::string client, tx, time;
            if (!(fields >> client >> tx >> time)) continue;
            try {
                latency_ms.push_back(std::stod(time) / 1000.0);
            } catch (const std::exception&) {
                ++failed_in_log;  // "failed" or "skipped"
            }
        }
    }
    const auto s = roadside::sim::summarize(latency_ms);
    std::ofstream out(out_path);
    out << "tps=" << fixed(number_after(output, "tps = "), 3) << "\ntransactions="
        << fixed(number_after(output, "number of transactions actually processed: "), 0)
        << "\nfailed=" << fixed(number_after(output, "number of failed transactions: "), 0)
        << "\nclients=" << fixed(number_after(output, "number of clients: "), 0)
        << "\nthreads=" << fixed(number_after(output, "number of threads: "), 0)
        << "\nduration_s=" << fixed(number_after(output, "duration: "), 0) << "\nlogged=" << s.count
        << "\nlog_failed=" << failed_in_log << "\nmean_ms=" << s.mean << "\np50_ms=" << s.p50
        << "\np90_ms=" << s.p90 << "\np99_ms=" << s.p99 << "\nmax_ms=" << s.max << "\n";
    if (!out) {
        std::fprintf(stderr, "bench-report pgbench: cannot write %s\n", out_path.c_str());
        return 1;
    }
    std::printf("pgbench: %s tps, latency ms p50 %.2f, p90 %.2f, p99 %.2f, max %.2f (%zu logged)\n",
                fixed(number_after(output, "tps = "), 1).c_str(), s.p50, s.p90, s.p99, s.max,
                s.count);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// bench-select's output

// "<label>mean X us, p50 Y us, p99 Z us" → X, Y, Z.
bool timing_line(const std::string& text, std::string_view label, double out[3]) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(label, 0) != 0) continue;
        return std::sscanf(line.c_str() + label.size(), "mean %lf us, p50 %lf us, p99 %lf us",
                           &out[0], &out[1], &out[2]) == 3;
    }
    return false;
}

int select_summary(const std::string& output_path, const std::string& out_path) {
    std::ifstream in(output_path);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    double index[3], brute[3], answers[3] = {kNaN, kNaN, kNaN};
    timing_line(text, "geodesics to the answers alone: ", answers);
    if (!timing_line(text, "index: ", index) || !timing_line(text, "brute force: ", brute)) {
        std::fprintf(stderr, "bench-report select: no timings in %s\n", output_path.c_str());
        return 1;
    }
    unsigned long brute_queries = 0, queries = 0, compared = 0, differ = 0;
    std::istringstream lines(text);
    std::string line;
    std::string identical = "?";
    while (std::getline(lines, line)) {
        std::sscanf(line.c_str(), "brute force measured on the first %lu of %lu", &brute_queries,
                    &queries);
        char word[8] = {};
        if (std::sscanf(line.c_str(), "results identical: %7s (%lu queries compared, %lu differ)",
                        word, &compared, &differ) == 3) {
            identical = std::string(word) + " (" + std::to_string(compared) + " compared, " +
                        std::to_string(differ) + " differ)";
        }
    }
    std::ofstream out(out_path);
    out << "queries=" << queries << "\nbrute_queries=" << brute_queries
        << "\nindex_us_mean=" << index[0] << "\nindex_us_p50=" << index[1]
        << "\nindex_us_p99=" << index[2] << "\nbrute_us_mean=" << brute[0]
        << "\nbrute_us_p50=" << brute[1] << "\nbrute_us_p99=" << brute[2]
        << "\nfloor_us_mean=" << answers[0] << "\nidentical=" << identical << "\n";
    return out ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// The plot: hand-written SVG, six small panels.

struct Bar {
    std::string label;
    double value;
    std::string colour;
    std::string caption;  // printed above the bar
};

constexpr const char* kServerColour = "#2b6cb0";
constexpr const char* kServerAltColour = "#90cdf4";
constexpr const char* kBaselineColour = "#c05621";
constexpr const char* kBaselineAltColour = "#f6ad55";
constexpr const char* kGreyColour = "#718096";

class Svg {
  public:
    static constexpr double kPanelW = 320, kPanelH = 250;
    static constexpr double kPlotLeft = 50, kPlotTop = 40, kPlotW = 250, kPlotH = 150;

    Svg(int columns, int rows, const std::string& title) {
        const double w = columns * kPanelW + 20, h = rows * kPanelH + 50;
        out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
             << "\" viewBox=\"0 0 " << w << " " << h
             << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
             << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
             << "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">"
             << xml_escape(title) << "</text>\n";
    }

    // Bars in panel (col, row); log10 scale when `log` (values must be > 0). An optional target
    // line at `target` (NaN: none).
    void panel(int col, int row, const std::string& title, const std::string& unit,
               const std::vector<Bar>& bars, bool log, double target = kNaN,
               const std::string& target_label = "") {
        const double x0 = 10 + col * kPanelW, y0 = 40 + row * kPanelH;
        out_ << "<g transform=\"translate(" << x0 << "," << y0 << ")\">\n"
             << "<text x=\"" << kPlotLeft << "\" y=\"16\" font-weight=\"bold\">"
             << xml_escape(title) << "</text>\n"
             << "<text x=\"" << kPlotLeft << "\" y=\"30\" fill=\"" << kGreyColour << "\">"
             << xml_escape(unit);
        if (!std::isnan(target)) {
            out_ << " <tspan fill=\"#c53030\">– – " << xml_escape(target_label) << "</tspan>";
        }
        out_ << "</text>\n";
        const Scale scale = scale_of(bars, log, target);
        axis(scale);
        for (std::size_t i = 0; i < bars.size(); ++i) bar(bars[i], i, bars.size(), scale);
        if (!std::isnan(target)) {
            const double y = scale.y_of(target);
            out_ << "<line x1=\"" << kPlotLeft << "\" x2=\"" << kPlotLeft + kPlotW << "\" y1=\""
                 << y << "\" y2=\"" << y << "\" stroke=\"#c53030\" stroke-dasharray=\"5,3\"/>\n";
        }
        out_ << "</g>\n";
    }

    std::string finish() {
        out_ << "</svg>\n";
        return out_.str();
    }

  private:
    // A panel's value axis: from 0 to `top` in steps of `step`, or on a log scale from 10^bottom
    // to 10^top.
    struct Scale {
        bool log = false;
        double bottom = 0, top = 0, step = 0;

        // The y of value v, clamped to the plot.
        double y_of(double v) const {
            const double f =
                log ? (std::log10(std::max(v, 1e-300)) - bottom) / (top - bottom) : v / top;
            return kPlotTop + kPlotH * (1.0 - std::clamp(f, 0.0, 1.0));
        }
    };

    // An axis that holds every bar and the target, up to a round number.
    static Scale scale_of(const std::vector<Bar>& bars, bool log, double target) {
        Scale s{log};
        for (const auto& b : bars) {
            if (!std::isnan(b.value)) s.top = std::max(s.top, b.value);
        }
        if (!std::isnan(target)) s.top = std::max(s.top, target);
        if (s.top <= 0) s.top = 1;
        if (log) {
            double lowest = s.top;
            for (const auto& b : bars) {
                if (!std::isnan(b.value) && b.value > 0) lowest = std::min(lowest, b.value);
            }
            s.bottom = std::floor(std::log10(lowest / 2));  // the smallest bar stays visible
            s.top = std::ceil(std::log10(s.top) + 0.05);
            if (s.top <= s.bottom) s.top = s.bottom + 1;
        } else {
            s.step = nice_step(s.top * 1.12 / 4.0);
            s.top = s.step * std::ceil(s.top * 1.12 / s.step);
        }
        return s;
    }

    // The gridlines with their labels, and the two axes.
    void axis(const Scale& s) {
        const int ticks = static_cast<int>(std::lround(s.log ? s.top - s.bottom : s.top / s.step));
        for (int i = 0; i <= ticks; ++i) {
            const double v = s.log ? std::pow(10.0, s.bottom + i) : s.step * i;
            const double y = s.y_of(v);
            out_ << "<line x1=\"" << kPlotLeft << "\" x2=\"" << kPlotLeft + kPlotW << "\" y1=\""
                 << y << "\" y2=\"" << y << "\" stroke=\"#e2e8f0\"/>\n"
                 << "<text x=\"" << kPlotLeft - 4 << "\" y=\"" << y + 4
                 << "\" text-anchor=\"end\" fill=\"" << kGreyColour << "\">"
                 << axis_label(v, s.step) << "</text>\n";
        }
        out_ << "<line x1=\"" << kPlotLeft << "\" x2=\"" << kPlotLeft << "\" y1=\"" << kPlotTop
             << "\" y2=\"" << kPlotTop + kPlotH << "\" stroke=\"#4a5568\"/>\n"
             << "<line x1=\"" << kPlotLeft << "\" x2=\"" << kPlotLeft + kPlotW << "\" y1=\""
             << kPlotTop + kPlotH << "\" y2=\"" << kPlotTop + kPlotH << "\" stroke=\"#4a5568\"/>\n";
    }

    // The i-th of n bars: the bar with its caption above (none for a missing value), and its
    // label below, which may have two lines, split at '\n'.
    void bar(const Bar& b, std::size_t i, std::size_t n, const Scale& s) {
        const double slot = kPlotW / static_cast<double>(std::max<std::size_t>(n, 1));
        const double width = std::min(slot * 0.7, 48.0);
        const double cx = kPlotLeft + slot * (static_cast<double>(i) + 0.5);
        if (!std::isnan(b.value)) {
            const double y = s.y_of(b.value);
            out_ << "<rect x=\"" << cx - width / 2 << "\" y=\"" << y << "\" width=\"" << width
                 << "\" height=\"" << kPlotTop + kPlotH - y << "\" fill=\"" << b.colour << "\"/>\n"
                 << "<text x=\"" << cx << "\" y=\"" << y - 3
                 << "\" text-anchor=\"middle\" font-size=\"10\">" << xml_escape(b.caption)
                 << "</text>\n";
        }
        const auto nl = b.label.find('\n');
        out_ << "<text x=\"" << cx << "\" y=\"" << kPlotTop + kPlotH + 14
             << "\" text-anchor=\"middle\" font-size=\"10\">" << xml_escape(b.label.substr(0, nl))
             << "</text>\n";
        if (nl != std::string::npos) {
            out_ << "<text x=\"" << cx << "\" y=\"" << kPlotTop + kPlotH + 26
                 << "\" text-anchor=\"middle\" font-size=\"10\">"
                 << xml_escape(b.label.substr(nl + 1)) << "</text>\n";
        }
    }

    // The smallest of 1, 2, 2.5, 5 × 10ⁿ at least v.
    static double nice_step(double v) {
        if (!(v > 0)) return 1;
        const double p = std::pow(10.0, std::floor(std::log10(v)));
        for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }
    // As many decimals as the step between ticks needs (0 on a log scale).
    static std::string axis_label(double v, double step) {
        if (v >= 1000) return grouped(v);
        int decimals = 0;
        while (decimals < 4 && step > 0) {
            const double scaled = step * std::pow(10.0, decimals);
            if (std::abs(scaled - std::round(scaled)) < 1e-9) break;
            ++decimals;
        }
        return fixed(v, decimals);
    }

    std::ostringstream out_;
};

// ---------------------------------------------------------------------------------------------
// The report

// Where the CPU went during a run, in % of one core (the machine has cores × 100 %), and per
// call in ms.
struct CpuSplit {
    double machine = kNaN, server = kNaN, postgres = kNaN, driver = kNaN;
    double other() const {
        const double known =
            postgres + (std::isnan(server) ? 0 : server) + (std::isnan(driver) ? 0 : driver);
        return std::isnan(machine) || std::isnan(known) ? kNaN : std::max(0.0, machine - known);
    }
};

CpuSplit cpu_of(Results& r, const std::string& run, bool http) {
    CpuSplit c;
    c.machine = r.num(run + ".stats", "machine_cpu_pct");
    c.postgres = r.num(run + ".stats", "pg_cpu_pct");
    if (http) {
        c.server = r.num(run, "server_cpu_pct");
        c.driver = r.num(run, "driver_cpu_pct");
    } else {
        c.driver = r.num(run + ".stats", "driver_cpu_pct");  // pgbench, from bench.sh
    }
    return c;
}

// ms of CPU per transaction for a share of `pct` % of one core over `seconds`.
double ms_per(double pct, double seconds, double transactions) {
    return transactions > 0 ? pct / 100.0 * seconds * 1000.0 / transactions : kNaN;
}

struct PerCall {
    double pg_ms = kNaN, server_ms = kNaN, driver_ms = kNaN;
    double per_flush = kNaN, flush_ms = kNaN;
    double total_ms() const {
        return pg_ms + (std::isnan(server_ms) ? 0 : server_ms) +
               (std::isnan(driver_ms) ? 0 : driver_ms);
    }
};

PerCall per_call(Results& r, const std::string& run, const CpuSplit& cpu, double transactions) {
    PerCall p;
    const double seconds = r.num(run + ".stats", "elapsed_s");
    p.pg_ms = ms_per(cpu.postgres, seconds, transactions);
    p.server_ms = ms_per(cpu.server, seconds, transactions);
    p.driver_ms = ms_per(cpu.driver, seconds, transactions);
    const double syncs = r.num(run + ".stats", "wal_syncs");
    if (syncs > 0) {
        p.per_flush = transactions / syncs;
        p.flush_ms = r.num(run + ".stats", "wal_sync_ms") / syncs;
    }
    return p;
}

std::string pct(double v) {
    return std::isnan(v) ? "–" : fixed(v, 0) + " %";
}

std::string ms3(double v) {
    return std::isnan(v) ? "–" : fixed(v, 3) + " ms";
}

std::string commands_list(const std::string& text) {
    std::ostringstream md;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        md << "- " << line.substr(0, tab) << ":\n\n  ```sh\n  " << line.substr(tab + 1)
           << "\n  ```\n";
    }
    return md.str();
}

// The sum of the percentages of a perf report's lines that contain any of `needles`.
double perf_share(const std::string& report, std::initializer_list<std::string_view> needles) {
    double total = 0;
    std::istringstream lines(report);
    std::string line;
    while (std::getline(lines, line)) {
        for (const auto n : needles) {
            if (line.find(n) == std::string::npos) continue;
            total += std::atof(line.c_str());
            break;
        }
    }
    return total;
}

std::string code_block(const std::string& text) {
    return "```\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + "```\n";
}
// The receipt photo's figures (bench-upload, issue 14).
void upload_section(std::ostream& md, Results& r) {
    const double photo_mb = r.num("upload", "photo_bytes") / 1e6;
    md << "## Receipt photos: `POST /v1/receipt-images`\n\n"
       << "A phone photo (" << r.str("upload", "photo_width") << " × "
       << r.str("upload", "photo_height") << ", " << fixed(photo_mb, 2)
       << " MB of JPEG) uploaded by an agent over loopback, decoded, turned upright, re-encoded "
          "without metadata by libvips (quality 85) and stored in PostgreSQL "
          "(`bench-upload`, each upload a distinct file).\n\n"
       << "| | |\n|---|---|\n"
       << "| end to end, one at a time (" << r.str("upload", "runs")
       << " uploads): p50 / p90 / max | " << fixed(r.num("upload", "latency_ms_p50"), 0) << " / "
       << fixed(r.num("upload", "latency_ms_p90"), 0) << " / "
       << fixed(r.num("upload", "latency_ms_max"), 0) << " ms |\n"
       << "| server CPU per upload, the whole process (reading the body, SHA-256, decoding, "
          "re-encoding, storing) | "
       << fixed(r.num("upload", "server_cpu_ms_per_upload"), 0) << " ms |\n"
       << "| server CPU per upload of the same size refused at once (no image: read, hashed, "
          "sniffed) | "
       << fixed(r.num("upload", "server_cpu_ms_per_refused_upload"), 0) << " ms |\n"
       << "| so the decoding, re-encoding and storing of the photo | "
       << fixed(r.num("upload", "reencode_cpu_ms_per_upload"), 0) << " ms of CPU |\n"
       << "| an image worker busy with one upload (wall time, libvips's own threads included) | "
       << fixed(r.num("upload", "worker_ms_per_upload"), 0) << " ms |\n"
       << "| " << r.str("upload", "concurrent") << " uploads at once: all answered after | "
       << fixed(r.num("upload", "concurrent_wall_ms"), 0) << " ms |\n"
       << "| resident memory before / at the peak during / after the "
       << r.str("upload", "concurrent") << " uploads (sampled every 10 ms) | "
       << fixed(mb_of_kb(r.num("upload", "rss_before_kb")), 1)
       << " / " << fixed(mb_of_kb(r.num("upload", "rss_peak_kb")), 1) << " / "
       << fixed(mb_of_kb(r.num("upload", "rss_after_kb")), 1) << " MB |\n\n"
       << "Two image workers re-encode (`image_workers`), the others wait in a bounded queue "
          "(`image_queue_max`); each waiting upload holds its body (up to 10 MB) and a copy for "
          "the worker, and a worker holds its decoded strips and the new JPEG, which is what the "
          "peak is made of. The I/O thread only moves bytes: other requests are answered "
          "meanwhile.\n\n";
}


// Live events (bench-events): a target row and a section, when the run measured them.
constexpr double kEventDelayP99MaxMs = 1000.0;  // issue 13: to another server within 1 s

std::string events_target_row(Results& r) {
    if (!r.has("events")) return "";
    const double p99 = r.num("events", "p99_ms");
    return "| a partner's request to an agent's live stream ≤ " + fixed(kEventDelayP99MaxMs, 0) +
           " ms (p99), " + grouped(r.num("events", "streams")) + " other streams open | p50 " +
           fixed(r.num("events", "p50_ms"), 1) + " ms, p99 " + fixed(p99, 1) + " ms | " +
           verdict(p99 <= kEventDelayP99MaxMs) + " |\n";
}

void events_section(Results& r, std::ostream& md) {
    if (!r.has("events")) return;
    md << "## Live events: a partner's request to an agent's stream\n\n"
       << "`bench-events` opened " << grouped(r.num("events", "streams"))
       << " agent streams (`GET /v1/events`; each receives every event, as a console does, and "
       << "one thread reads them all: " << fixed(r.num("events", "other_streams_bytes") / 1e6, 1)
       << " MB during the run) in " << fixed(r.num("events", "open_s"), 1)
       << " s, and one measured agent stream" << (r.num("events", "cross_server") > 0
                                                     ? " on a second server"
                                                     : " on the same server")
       << ". It then took " << grouped(r.num("events", "jobs"))
       << " jobs through their life; for each of the partner's requests (accept, en route, on "
       << "scene, complete) the time runs from just before the request is sent until its event "
       << "arrives on the measured stream: the request itself, the commit, the server reading "
       << "the events table (woken at once by its own write; other servers by a PostgreSQL "
       << "notification), the fan-out to every stream and the write.\n\n"
       << "| events | p50 | p90 | p99 | max | server resident memory, streams open |\n"
       << "|---|---|---|---|---|---|\n"
       << "| " << grouped(r.num("events", "events")) << " | " << fixed(r.num("events", "p50_ms"), 2)
       << " ms | " << fixed(r.num("events", "p90_ms"), 2) << " ms | "
       << fixed(r.num("events", "p99_ms"), 2) << " ms | " << fixed(r.num("events", "max_ms"), 2)
       << " ms | " << fixed(mb_of_kb(r.num("events", "rss_streams_kb")), 1) << " MB |\n\n"
       << "Between two servers on one database the same delay is measured by "
       << "`tests/e2e/event_streams_test.cpp` (which asserts it stays under 1 s).\n\n";
}

// The report of a run: its figures, read once from the result files, and the sections of
// docs/benchmarks.md and the plot written from them.
struct Report {
    explicit Report(Results& results) : r(results) {}

    std::string markdown() const;
    std::string plot() const;
    // The targets and their results, on stdout.
    void print_targets() const;

    // The sections of the report, in order.
    void opening(std::ostream& md) const;
    void targets(std::ostream& md) const;
    void intake_table(std::ostream& md) const;
    void intake_method(std::ostream& md) const;
    void coverage(std::ostream& md) const;
    void selection(std::ostream& md) const;
    void agreement(std::ostream& md) const;
    void memory(std::ostream& md) const;
    void limits_machine(std::ostream& md) const;
    void limits_intake(std::ostream& md) const;
    void limits_shipped(std::ostream& md) const;
    void intake_fixes(std::ostream& md) const;
    void limits_coverage(std::ostream& md) const;
    void limits_selection(std::ostream& md) const;
    void limits_memory(std::ostream& md) const;
    void profiles(std::ostream& md) const;
    void machine(std::ostream& md) const;
    void commands(std::ostream& md) const;
    void reproduce(std::ostream& md) const;

    Results& r;
    // Machine and settings
    const int clients = static_cast<int>(r.num("machine", "clients"));
    const double cores = r.num("machine", "cores");
    const std::string pool = r.str("machine", "db_pool_size");
    const std::string io_threads = r.str("machine", "io_threads");
    const std::string default_pool = r.str("machine", "default_pool");
    const std::string default_io = r.str("machine", "default_io_threads");
    const double wake_cross_us = r.num("machine", "wakeup_cross_us");
    const double wake_same_us = r.num("machine", "wakeup_same_us");
    const bool quick = r.str("machine", "quick") == "1";
    // Intake
    const double http_rps = r.num("http_intake", "rps");
    const double http_p50 = r.num("http_intake", "p50_ms");
    const double http_p99 = r.num("http_intake", "p99_ms");
    const double def_rps = r.num("http_intake_default", "rps");
    const double def_p99 = r.num("http_intake_default", "p99_ms");
    const double pgb_tps = r.num("pgb_intake", "tps");
    const double pgb_p50 = r.num("pgb_intake", "p50_ms");
    const double pgb_p99 = r.num("pgb_intake", "p99_ms");
    const double intake_ratio = ratio(http_rps, pgb_tps);
    const double default_ratio = ratio(def_rps, pgb_tps);
    const CpuSplit http_cpu = cpu_of(r, "http_intake", true);
    const CpuSplit pgb_cpu = cpu_of(r, "pgb_intake", false);
    const CpuSplit def_cpu = cpu_of(r, "http_intake_default", true);
    const PerCall http_call = per_call(r, "http_intake", http_cpu, r.num("http_intake", "ok"));
    const PerCall pgb_call =
        per_call(r, "pgb_intake", pgb_cpu, r.num("pgb_intake", "transactions"));
    const PerCall def_call =
        per_call(r, "http_intake_default", def_cpu, r.num("http_intake_default", "ok"));
    // Coverage
    const double cov_rps = r.num("http_coverage", "rps");
    const double cov_pgb_tps = r.num("pgb_coverage", "tps");
    const CpuSplit cov_cpu = cpu_of(r, "http_coverage", true);
    const CpuSplit cov_pgb_cpu = cpu_of(r, "pgb_coverage", false);
    const PerCall cov_call = per_call(r, "http_coverage", cov_cpu, r.num("http_coverage", "ok"));
    const PerCall cov_pgb_call =
        per_call(r, "pgb_coverage", cov_pgb_cpu, r.num("pgb_coverage", "transactions"));
    // Selection
    const double pg_us = r.num("postgis", "postgis_us_mean");
    const double pg_db_us = r.num("postgis", "postgis_db_us_mean");
    const double idx_us = r.num("postgis", "index_us_mean");
    const double speedup = r.num("postgis", "speedup");
    const double floor_us = r.num("select", "floor_us_mean");
    const double idx30_us = r.num("select30", "index_us_mean");
    const double select_idx_us = r.num("select", "index_us_mean");
    // Memory
    const double rss_idle_mb = mb_of_kb(r.num("memory", "rss_idle_kb"));
    const double rss_load_mb = mb_of_kb(r.num("http_intake", "server_rss_max_kb"));
    const double hwm_mb = mb_of_kb(r.num("memory", "hwm_end_kb"));
    const double memory_max_mb = std::max({rss_idle_mb, rss_load_mb, hwm_mb});
    // Profiles (absent with --no-profile or without perf)
    const std::string prof_comm = r.text("profile_comm.txt");
    const std::string prof_server = r.text("profile_server.txt");
    const std::string prof_pg = r.text("profile_postgres.txt");
    const std::string prof_index = r.text("profile_index.txt");
    // Targets
    const bool ratio_pass = intake_ratio >= kIntakeRatioMin;
    const bool p99_pass = http_p99 <= kIntakeP99MaxMs;
    const bool speed_pass = speedup >= kSelectionSpeedupMin;
    const bool memory_pass = memory_max_mb < kMemoryMaxMb;
    // What limits each figure
    const double machine_total = 100.0 * cores;
    // The server's I/O threads: on a CPU or runnable and waiting for one, per thread.
    const double threads = r.num("machine", "io_threads");
    const double def_threads = r.num("machine", "default_io_threads");
    const double loop_busy = (http_cpu.server + r.num("http_intake", "server_runq_pct")) / threads;
    const double def_loop_busy =
        (def_cpu.server + r.num("http_intake_default", "server_runq_pct")) / def_threads;
    const double flushing =
        r.num("http_intake.stats", "wal_sync_ms") / 10.0 / r.num("http_intake.stats", "elapsed_s");
    const double pgb_flushing =
        r.num("pgb_intake.stats", "wal_sync_ms") / 10.0 / r.num("pgb_intake.stats", "elapsed_s");
    const bool machine_bound = http_cpu.machine >= 0.95 * machine_total;
    const bool loop_bound = loop_busy >= 85.0;
    const bool virtual_machine = !r.str("machine", "virt").empty();
};

std::string Report::markdown() const {
    std::ostringstream md;
    opening(md);
    targets(md);
    intake_table(md);
    intake_method(md);
    coverage(md);
    selection(md);
    agreement(md);
    memory(md);
    if (r.has("upload")) upload_section(md, r);
    events_section(r, md);
    limits_machine(md);
    limits_intake(md);
    limits_shipped(md);
    intake_fixes(md);
    limits_coverage(md);
    limits_selection(md);
    limits_memory(md);
    profiles(md);
    machine(md);
    commands(md);
    reproduce(md);
    return md.str();
}

// Who wrote the report, when, and on what.
void Report::opening(std::ostream& md) const {
    md << "# Benchmarks\n\n"
       << "Written by `scripts/bench.sh` (through `build/bin/bench-report`) on "
       << r.str("machine", "date") << "; do not edit by hand, run it again. ";
    if (quick) md << "**This was a `--quick` run: short runs, rough figures.** ";
    md << "All figures come from one run of " << r.str("machine", "wall_s") << " s on the "
       << "machine described under [Machine](#machine): " << r.str("machine", "cores")
       << " cores shared by the server, PostgreSQL and the load drivers, and by whatever else "
       << "ran on it (load average " << r.str("machine", "load_before") << " before the run, "
       << r.str("machine", "load_after") << " after).\n\n";
}

// The targets and the measured figures, those at the threshold, and the settings the
// server ran with.
void Report::targets(std::ostream& md) const {
    md << "## Targets\n\n"
       << "| target | measured | result |\n|---|---|---|\n"
       << "| call intake ≥ " << fixed(kIntakeRatioMin, 1) << " × pgbench on the same SQL, "
       << clients << " clients | " << ratio_text(intake_ratio) << " (" << grouped(http_rps)
       << " calls/s against " << grouped(pgb_tps) << " transactions/s) | " << verdict(ratio_pass)
       << " |\n"
       << "| call intake p99 ≤ " << fixed(kIntakeP99MaxMs, 0) << " ms at " << clients
       << " clients | " << fixed(http_p99, 1) << " ms | " << verdict(p99_pass) << " |\n"
       << "| candidate selection ≥ " << fixed(kSelectionSpeedupMin, 0)
       << " × faster than PostGIS | " << ratio_text(speedup) << " (" << fixed(idx_us, 1)
       << " µs against " << fixed(pg_us, 0) << " µs per query) | " << verdict(speed_pass) << " |\n"
       << "| server memory < " << fixed(kMemoryMaxMb, 0) << " MB | " << fixed(rss_idle_mb, 1)
       << " MB idle, " << fixed(rss_load_mb, 1) << " MB under load, peak " << fixed(hwm_mb, 1)
       << " MB | " << verdict(memory_pass) << " |\n"
       << events_target_row(r) << "\n";
    const auto near = [](double value, double target) {
        return std::abs(value - target) <= 0.1 * target;
    };
    std::vector<std::string> close;
    if (near(intake_ratio, kIntakeRatioMin)) close.push_back("the intake ratio");
    if (near(http_p99, kIntakeP99MaxMs)) close.push_back("the intake p99");
    if (near(speedup, kSelectionSpeedupMin)) close.push_back("the selection ratio");
    if (!close.empty()) {
        md << "At the threshold: ";
        for (std::size_t i = 0; i < close.size(); ++i) {
            md << (i == 0 ? "" : i + 1 == close.size() ? " and " : ", ") << close[i];
        }
        md << (close.size() == 1 ? " is" : " are") << " within 10 % of the target; runs on "
           << "this shared virtual machine differ from one another by as much, so another run "
           << "may fall on the other side.\n\n";
    }
    md << "The selection ratio includes PostgreSQL's round trip, which on this virtual machine "
       << "is mostly the cost of waking processes (see [What limits each "
       << "figure](#what-limits-each-figure)) and changes with what else the machine is doing; "
       << "inside the database, without round trips, PostGIS takes " << fixed(pg_db_us, 0)
       << " µs per query: the index is " << ratio_text(r.num("postgis", "speedup_db"))
       << " faster.\n\n"
       << "The server ran with `ROADSIDE_DB_POOL_SIZE=" << pool
       << "` (a database connection for each of the " << clients << " clients, as pgbench has "
       << "one per client) and `ROADSIDE_IO_THREADS=" << io_threads << "` (one per core), both "
       << "production settings (`db_pool_size`, `io_threads` in `config/server.json`). ";
    if (!std::isnan(def_rps)) {
        md << "With the shipped settings (pool of " << default_pool << ", " << default_io
           << " I/O thread) the intake made " << grouped(def_rps) << " calls/s ("
           << ratio_text(default_ratio) << " pgbench, "
           << (default_ratio >= kIntakeRatioMin ? "PASS" : "MISS") << ") with p99 "
           << fixed(def_p99, 1) << " ms (" << (def_p99 <= kIntakeP99MaxMs ? "PASS" : "MISS")
           << "). See [What limits each figure](#what-limits-each-figure).";
    }
    md << "\n\n![throughput, latency, selection time, memory and CPU](benchmarks.svg)\n\n";
}

// Call intake: the server against pgbench, side by side.
void Report::intake_table(std::ostream& md) const {
    md << "## Call intake: `POST /v1/calls` against pgbench on the same SQL\n\n"
       << clients << " closed-loop clients for " << r.str("machine", "duration_s")
       << " s on each side, on the same PostgreSQL cluster with fsync and synchronous_commit "
       << "on: a call is durable when it is answered.\n\n"
       << "| | roadside (HTTP) | pgbench (same SQL) | roadside / pgbench |\n|---|---|---|---|\n"
       << "| throughput | " << grouped(http_rps) << " calls/s | " << grouped(pgb_tps) << " tx/s | "
       << ratio_text(intake_ratio) << " |\n"
       << "| latency p50 | " << fixed(http_p50, 1) << " ms | " << fixed(pgb_p50, 1) << " ms | "
       << ratio_text(ratio(http_p50, pgb_p50)) << " |\n"
       << "| latency p90 | " << fixed(r.num("http_intake", "p90_ms"), 1) << " ms | "
       << fixed(r.num("pgb_intake", "p90_ms"), 1) << " ms | |\n"
       << "| latency p99 | " << fixed(http_p99, 1) << " ms | " << fixed(pgb_p99, 1) << " ms | "
       << ratio_text(ratio(http_p99, pgb_p99)) << " |\n"
       << "| latency max | " << fixed(r.num("http_intake", "max_ms"), 1) << " ms | "
       << fixed(r.num("pgb_intake", "max_ms"), 1) << " ms | |\n"
       << "| answers | " << r.str("http_intake", "statuses") << " (status:count), "
       << grouped(r.num("http_intake", "failures")) << " unanswered | "
       << grouped(r.num("pgb_intake", "transactions")) << " done, "
       << grouped(r.num("pgb_intake", "failed")) << " failed | |\n"
       << "| CPU busy, whole machine (of " << fixed(100 * cores, 0) << " %) | "
       << pct(http_cpu.machine) << " | " << pct(pgb_cpu.machine) << " | |\n"
       << "| — PostgreSQL | " << pct(http_cpu.postgres) << " | " << pct(pgb_cpu.postgres)
       << " | |\n"
       << "| — roadside server, on a CPU / runnable but waiting for one | " << pct(http_cpu.server)
       << " / " << pct(r.num("http_intake", "server_runq_pct")) << " | – | |\n"
       << "| — load driver (bench-http / pgbench) | " << pct(http_cpu.driver) << " | "
       << pct(pgb_cpu.driver) << " | |\n"
       << "| — other processes | " << pct(http_cpu.other()) << " | " << pct(pgb_cpu.other())
       << " | |\n"
       << "| CPU per call: PostgreSQL | " << ms3(http_call.pg_ms) << " | " << ms3(pgb_call.pg_ms)
       << " | |\n"
       << "| CPU per call: server + driver | " << ms3(http_call.server_ms) << " + "
       << ms3(http_call.driver_ms) << " | – + " << ms3(pgb_call.driver_ms) << " | |\n"
       << "| calls per WAL flush (group commit) | " << fixed(http_call.per_flush, 1) << " | "
       << fixed(pgb_call.per_flush, 1) << " | |\n"
       << "| WAL flush (fdatasync), mean | " << ms3(http_call.flush_ms) << " | "
       << ms3(pgb_call.flush_ms) << " | |\n\n";
}

// Call intake: the shipped settings, and what each side did.
void Report::intake_method(std::ostream& md) const {
    if (!std::isnan(def_rps)) {
        md << "With the shipped settings (pool of " << default_pool << ", " << default_io
           << " I/O thread): " << grouped(def_rps) << " calls/s, p50 "
           << fixed(r.num("http_intake_default", "p50_ms"), 1) << " ms, p99 " << fixed(def_p99, 1)
           << " ms, " << fixed(def_call.per_flush, 1) << " calls per WAL flush; CPU: machine "
           << pct(def_cpu.machine) << ", PostgreSQL " << pct(def_cpu.postgres) << ", server "
           << pct(def_cpu.server) << " on a CPU and "
           << pct(r.num("http_intake_default", "server_runq_pct")) << " waiting for one, driver "
           << pct(def_cpu.driver) << ".\n\n";
    }
    md << "**roadside**: `bench-http` runs " << clients << " threads, each with its own "
       << "keep-alive connection, sending `POST /v1/calls` (no `Idempotency-Key`) for a random "
       << "demo contract (`DEMO-00001` … `DEMO-00" << r.str("machine", "contracts") << "`) at "
       << "a random point of Japan, with problem, occupants, odometer, caller and notes, and "
       << "times every request. The server authenticates the agent token from its token cache "
       << "(the token is read from the database once per `token_cache_ttl_s` = 30 s, not per "
       << "request), validates the body, runs `contract_find_by_no`, decides coverage in C++, "
       << "runs `incident_insert` (the incident and its two events in one statement) and answers "
       << "201 with the verdict: two prepared statements, each in its own autocommit "
       << "transaction.\n\n"
       << "**pgbench**: `bench/intake.sql` runs the same two statements, `-M prepared`, " << clients
       << " connections. Their SQL text is the server's: bench.sh compares it with what the "
       << "server's connections last ran (`pg_stat_activity`) — " << r.str("machine", "sql_check")
       << " — with one difference pgbench imposes: a "
       << "parameter used twice (`$1`, `$2`, `$19` of `incident_insert`) is sent twice. The "
       << "values are those of a call the server stored during the warm-up, the one with the "
       << "median coverage size (" << r.str("machine", "coverage_bytes") << " bytes of coverage "
       << "JSON and " << r.str("machine", "events_bytes") << " bytes of events, as the server "
       << "writes them), in the server's text formats; each client uses one random demo "
       << "contract. Latency percentiles are computed the same way on both sides (nearest rank "
       << "over every request or transaction: pgbench's `-l` log); pgbench's rate is its \"tps "
       << "… without initial connection time\". Before each run: `VACUUM (ANALYZE)` of the "
       << "written tables and a `CHECKPOINT`, so that neither side pays for the other's "
       << "checkpoint.\n\n";
}

// Coverage checks: the server against pgbench.
void Report::coverage(std::ostream& md) const {
    md << "## Coverage checks: `POST /v1/coverage/check` against pgbench on the same query\n\n"
       << "| | roadside (HTTP) | pgbench (same SQL) | roadside / pgbench |\n|---|---|---|---|\n"
       << "| throughput | " << grouped(cov_rps) << " checks/s | " << grouped(cov_pgb_tps)
       << " tx/s | " << ratio_text(ratio(cov_rps, cov_pgb_tps)) << " |\n"
       << "| latency p50 | " << fixed(r.num("http_coverage", "p50_ms"), 2) << " ms | "
       << fixed(r.num("pgb_coverage", "p50_ms"), 2) << " ms | |\n"
       << "| latency p99 | " << fixed(r.num("http_coverage", "p99_ms"), 2) << " ms | "
       << fixed(r.num("pgb_coverage", "p99_ms"), 2) << " ms | |\n"
       << "| answers | " << r.str("http_coverage", "statuses") << " | "
       << grouped(r.num("pgb_coverage", "transactions")) << " done, "
       << grouped(r.num("pgb_coverage", "failed")) << " failed | |\n"
       << "| CPU: PostgreSQL / server / driver / other | " << pct(cov_cpu.postgres) << " / "
       << pct(cov_cpu.server) << " / " << pct(cov_cpu.driver) << " / " << pct(cov_cpu.other())
       << " | " << pct(cov_pgb_cpu.postgres) << " / – / " << pct(cov_pgb_cpu.driver) << " / "
       << pct(cov_pgb_cpu.other()) << " | |\n"
       << "| CPU per check: PostgreSQL / server / driver | " << ms3(cov_call.pg_ms) << " / "
       << ms3(cov_call.server_ms) << " / " << ms3(cov_call.driver_ms) << " | "
       << ms3(cov_pgb_call.pg_ms) << " / – / " << ms3(cov_pgb_call.driver_ms) << " | |\n\n"
       << "The same `contract_find_by_no` SELECT on both sides (`bench/coverage.sql`); the "
       << "server also decides the verdict and serialises it (about a kilobyte of JSON). No "
       << "target here: the read costs PostgreSQL a few tens of microseconds, so the HTTP "
       << "exchange and the JSON set the rate.\n\n";
}

// Nearest partners: the index against PostGIS, by kind of query, and the statement.
void Report::selection(std::ostream& md) const {
    md << "## Nearest partners: `geo::PartnerIndex` against PostGIS\n\n"
       << grouped(r.num("postgis", "partners"))
       << " partners (bench-select's Japan-like population, seed " << r.str("postgis", "seed")
       << "), " << grouped(r.num("postgis", "queries")) << " breakdown points, the "
       << r.str("postgis", "k") << " nearest available partners with a wrecker or a carrier "
       << "(`capabilities & 6 <> 0`) within " << r.str("postgis", "radius_km")
       << " km. Both sides answer one query after the other, the index on one thread, PostGIS "
       << "over one connection: sequential and single-connection is fair to both (the "
       << "server's selection runs on its I/O thread, one query at a time). Each side is timed "
       << "after " << r.str("postgis", "warmup") << " warm-up queries over "
       << r.str("postgis", "passes")
       << " alternating passes, and its best pass counts (the machine is "
       << "shared).\n\n"
       << "| | µs per query, mean | p50 | p99 | PostGIS / index (mean) |\n|---|---|---|---|---|\n"
       << "| PartnerIndex, in process (40 km cells, as the server) | " << fixed(idx_us, 2) << " | "
       << fixed(r.num("postgis", "index_us_p50"), 2) << " | "
       << fixed(r.num("postgis", "index_us_p99"), 1) << " | 1 × |\n"
       << "| PostGIS " << r.str("postgis", "postgis_version")
       << ", prepared statement over a Unix socket | " << fixed(pg_us, 1) << " | "
       << fixed(r.num("postgis", "postgis_us_p50"), 1) << " | "
       << fixed(r.num("postgis", "postgis_us_p99"), 1) << " | **" << ratio_text(speedup) << "** |\n"
       << "| PostGIS inside the database: all queries in one `LATERAL` statement, no round "
       << "trips | " << fixed(pg_db_us, 1) << " | | | "
       << ratio_text(r.num("postgis", "speedup_db")) << " |\n"
       << "| brute force over every partner (bench-select, first "
       << r.str("select", "brute_queries") << " queries) | "
       << grouped(r.num("select", "brute_us_mean")) << " | "
       << grouped(r.num("select", "brute_us_p50")) << " | "
       << grouped(r.num("select", "brute_us_p99")) << " | |\n\n"
       << "By kind of query: " << grouped(r.num("postgis", "full_queries")) << " found "
       << r.str("postgis", "k") << " partners (index "
       << fixed(r.num("postgis", "index_us_mean_full"), 1) << " µs, PostGIS "
       << fixed(r.num("postgis", "postgis_us_mean_full"), 0) << " µs), "
       << grouped(r.num("postgis", "short_queries")) << " fewer, in sparse country or at sea "
       << "(index " << fixed(r.num("postgis", "index_us_mean_short"), 1) << " µs, PostGIS "
       << fixed(r.num("postgis", "postgis_us_mean_short"), 0) << " µs). The p50 ratio is "
       << ratio_text(r.num("postgis", "speedup_p50")) << ".\n\n"
       << "The PostGIS statement, prepared with `$1` typed `geography` (read once per query), "
       << "on a `geography(Point,4326)` column with a GiST index; its plan is the KNN index "
       << "scan (`Order By: geog <-> $1`, `Index Cond: geog && _st_expand($1, $3)`):\n\n```sql\n"
       << "SELECT id, ST_Distance(geog, $1), geog <-> $1 FROM bench_partners\n"
       << " WHERE available AND capabilities & $2 <> 0 AND ST_DWithin(geog, $1, $3)\n"
       << " ORDER BY geog <-> $1 LIMIT $4\n```\n\n";
}

// Nearest partners: how far the index's answers and PostGIS's agree.
void Report::agreement(std::ostream& md) const {
    const double spheroid_diff_m = r.num("postgis", "max_spheroid_diff_m");
    md << "**Agreement.** " << grouped(r.num("postgis", "identical")) << " of "
       << grouped(r.num("postgis", "queries")) << " answers are identical (same partners in the "
       << "same order); " << grouped(r.num("postgis", "same_set_other_order"))
       << " have the same partners in another order and "
       << grouped(r.num("postgis", "other_partners")) << " a different partner. For a partner "
       << "both chose, PostGIS's `ST_Distance` (spheroid) and the index's distance "
       << (spheroid_diff_m == 0 ? std::string("are identical to the last bit (both are Karney's "
                                              "algorithm)")
                                : "differ by at most " + length_text(spheroid_diff_m) +
                                      " (both are Karney's algorithm)")
       << ", but the `<->` distance PostGIS orders by differs from the geodesic by up to "
       << fixed(r.num("postgis", "max_sphere_diff_m"), 0) << " m, and where the answers "
       << "differ, the distances at the same rank differ by up to "
       << fixed(r.num("postgis", "max_rank_diff_m"), 0) << " m. Why: `<->` on geography "
       << "measures on a sphere (PostGIS: \"for geography KNN is based on sphere rather than "
       << "spheroid\"), up to about 0.5 % off the WGS84 geodesic, so two partners whose "
       << "distances differ by less than that can swap places and the fifth place can go to "
       << "another partner. `ST_DWithin` does use the spheroid, so both sides agree on the "
       << "radius. The index orders by the exact geodesic (ties by id), which is what the "
       << "rules decide on; PostGIS could match it only by fetching more than k by `<->` and "
       << "re-sorting by `ST_Distance`, which costs more again.\n\n"
       << "**Index against brute force** (`bench-select`, " << grouped(r.num("select", "queries"))
       << " queries): index " << fixed(select_idx_us, 1) << " µs mean, brute force "
       << grouped(r.num("select", "brute_us_mean"))
       << " µs mean, results identical: " << r.str("select", "identical") << ".\n\n";
}

// The server's memory, idle and under load.
void Report::memory(std::ostream& md) const {
    md << "## Memory of the server\n\n"
       << "| | resident (VmRSS) |\n|---|---|\n"
       << "| idle, just after start with the demo data (" << r.str("machine", "contracts")
       << " contracts, " << r.str("machine", "partners") << " partners, pool of " << pool << ") | "
       << fixed(rss_idle_mb, 1) << " MB |\n"
       << "| under the " << clients << "-client intake load (largest sample, every 100 ms) | "
       << fixed(rss_load_mb, 1) << " MB |\n"
       << "| after the coverage run: VmRSS / VmHWM (the peak since start) | "
       << fixed(mb_of_kb(r.num("memory", "rss_end_kb")), 1) << " MB / " << fixed(hwm_mb, 1)
       << " MB |\n\n"
       << "MB = 10⁶ bytes. Memory is the code and its libraries, the partner index, the token "
       << "cache and the buffers of the open connections; requests are bounded (body, headers, "
       << "connections) and buffers are reused, so load barely moves it.\n\n";
}

// What limits each figure: the machine itself.
void Report::limits_machine(std::ostream& md) const {
    md << "## What limits each figure\n\n";
    md << "**The machine.** " << r.str("machine", "cores") << " cores run the server, "
       << "PostgreSQL and the load driver (pgbench's client runs here too), and "
       << pct(http_cpu.other()) << " / " << pct(pgb_cpu.other()) << " of a core went to other "
       << "processes during the two intake runs. ";
    if (!std::isnan(wake_cross_us)) {
        md << (virtual_machine ? "It is a virtual machine, where waking a thread on the other, "
                                 "idle, vCPU is slow: a "
                               : "Waking a thread on another CPU: a ")
           << "ping-pong between two processes (`perf bench sched pipe`) takes "
           << fixed(wake_cross_us, 0) << " µs per round trip across the CPUs and "
           << fixed(wake_same_us, 1) << " µs on one; a round trip is two wake-ups. Every "
           << "exchange between two processes here (client and server, server and PostgreSQL) "
           << "pays it when the other side was asleep.";
    }
    md << "\n\n";
}

// What limits the call intake: the CPU, the event loop or the round trips, and pgbench
// under the same work.
void Report::limits_intake(std::ostream& md) const {
    md << "**Call intake.** Through the server: " << grouped(http_rps) << " calls/s. Every "
       << "call passes through the server's event loop (" << io_threads << " I/O thread"
       << (threads == 1 ? "" : "s") << "), which was on a CPU " << pct(http_cpu.server)
       << " and runnable but waiting for a CPU " << pct(r.num("http_intake", "server_runq_pct"))
       << " of the time (" << fixed(loop_busy, 0) << " % per thread); the machine was "
       << pct(http_cpu.machine) << " busy of " << fixed(machine_total, 0) << " %. ";
    if (machine_bound) {
        md << "That is CPU-bound, so the CPU each call costs decides the rate, and the "
           << "server's threads queue for a CPU behind PostgreSQL's backends and the driver's "
           << "threads. A call through the server costs " << ms3(http_call.total_ms())
           << " of CPU (PostgreSQL " << ms3(http_call.pg_ms) << ", server "
           << ms3(http_call.server_ms) << ", driver " << ms3(http_call.driver_ms)
           << "), the same statements from pgbench " << ms3(pgb_call.total_ms()) << " (PostgreSQL "
           << ms3(pgb_call.pg_ms) << ", pgbench " << ms3(pgb_call.driver_ms)
           << "): their quotient, " << fixed(ratio(pgb_call.total_ms(), http_call.total_ms()), 2)
           << ", against the measured ratio of " << fixed(intake_ratio, 2) << ". ";
    } else if (loop_bound) {
        md << "The CPU had room; the event loop had not: it sets the rate. Its waiting is "
           << "mostly being woken: each call puts the loop to sleep and wakes it several times "
           << "(the request, each statement's answer), at the cost measured above. ";
    } else {
        md << "Neither the CPU nor the event loop was saturated: the round trips of each call "
           << "(client, server, PostgreSQL, the WAL flush) set the rate. ";
    }
    md << "A WAL flush was in progress " << pct(flushing) << " of the time, "
       << fixed(http_call.per_flush, 1) << " calls sharing each (group commit).\n\n"
       << "Under pgbench: " << grouped(pgb_tps) << " transactions/s, a WAL flush in progress "
       << pct(pgb_flushing) << " of the time with " << fixed(pgb_call.per_flush, 1)
       << " transactions sharing each, the machine " << pct(pgb_cpu.machine)
       << " busy. pgbench's client needs " << ms3(pgb_call.driver_ms)
       << " of CPU per transaction, on two threads that rarely sleep, where the server "
       << "needs " << ms3(http_call.server_ms) << " per call on its event loop. PostgreSQL "
       << "itself spent " << ms3(http_call.pg_ms) << " of CPU per call under the server and "
       << ms3(pgb_call.pg_ms) << " under pgbench "
       << "for the same statements";
    if (ratio(http_call.pg_ms, pgb_call.pg_ms) > 1.1) {
        md << ", the same number of statements per call (2 commits per call on both sides) "
           << "and about as much WAL per call ("
           << grouped(r.num("http_intake.stats", "wal_bytes") / r.num("http_intake", "ok"))
           << " and "
           << grouped(r.num("pgb_intake.stats", "wal_bytes") / r.num("pgb_intake", "transactions"))
           << " bytes). The difference is most likely in how the work arrives: with fewer calls "
           << "per flush each call pays a larger share of a WAL write and fdatasync ("
           << fixed(1.0 / http_call.per_flush, 2) << " flushes per call against "
           << fixed(1.0 / pgb_call.per_flush, 2) << "), and backends that wait on a busy event "
           << "loop between statements go to sleep and are woken more often";
    }
    md << ".\n\n";
}

// What limits the call intake with the shipped settings, and the server's profile.
void Report::limits_shipped(std::ostream& md) const {
    if (!std::isnan(def_rps)) {
        md << "With the shipped settings (pool of " << default_pool << ", " << default_io
           << " I/O thread) the loop was " << fixed(def_loop_busy, 0) << " % busy or waiting "
           << "and the intake made " << grouped(def_rps) << " calls/s: "
           << (http_rps > 1.1 * def_rps
                   ? "the larger pool and the second thread are worth " +
                         fixed(100.0 * (http_rps / def_rps - 1.0), 0) + " %"
                   : std::string("the larger pool and the extra threads change little here"))
           << ". Latency is closed-loop: " << clients << " calls in flight / " << grouped(http_rps)
           << " calls/s = " << fixed(1000.0 * clients / http_rps, 1)
           << " ms (Little's law; measured mean " << fixed(r.num("http_intake", "mean_ms"), 1)
           << " ms); the tail, p99 " << fixed(http_p99, 1) << " ms, comes from scheduling on "
           << "the shared cores and from WAL flushes.\n\n";
    }
    if (!prof_server.empty()) {
        const double json_share = perf_share(prof_server, {"nlohmann"});
        const double alloc_share = perf_share(prof_server, {"malloc", "free", "_int_", "cfree"});
        const double kernel_share = perf_share(prof_server, {"[kernel"});
        md << "In the server's profile (below), among its top symbols: memory allocation "
           << fixed(alloc_share, 0) << " %, the kernel (waking threads, sockets) "
           << fixed(kernel_share, 0) << " %, JSON (nlohmann) " << fixed(json_share, 0)
           << " % of its CPU.\n\n";
    }
}

// What would fix the intake miss, or raise the intake further.
void Report::intake_fixes(std::ostream& md) const {
    md << (!ratio_pass || !p99_pass ? "**What would fix the intake miss**"
                                    : "**What would raise the intake further**")
       << " (server code and deployment, not changed here). ";
    const double needed_ms = pgb_call.total_ms() / kIntakeRatioMin;
    if (!ratio_pass && machine_bound) {
        md << "On this CPU-bound machine, " << fixed(kIntakeRatioMin, 1) << " × pgbench needs a "
           << "call through the server to cost at most " << ms3(needed_ms) << " of CPU (pgbench's "
           << ms3(pgb_call.total_ms()) << " / " << fixed(kIntakeRatioMin, 1) << "), "
           << ms3(http_call.total_ms() - needed_ms) << " less than now.";
    }
    md << "\n\n"
       << "1. Less CPU per call on the event loop (" << ms3(http_call.server_ms) << "): "
       << "`create_call` builds the verdict as a `nlohmann::json` tree (a `std::map` node "
       << "and a string for every field: much of the allocator's share of the profile), dumps it "
       << "for the incident row, then deep-copies the tree into the reply and dumps it again. "
       << "Splicing the already-dumped `coverage_json` into the 201 body saves a copy, a "
       << "serialisation of about a kilobyte and most of the allocations per call; the same "
       << "holds for the coverage check.\n"
       << "2. Give PostgreSQL cores of its own (another machine, or CPU sets): then the "
       << "server's and the driver's CPU would not be taken from it.\n";
    if (virtual_machine) {
        md << "3. On KVM guests, let idle vCPUs poll briefly before halting (the "
           << "`cpuidle-haltpoll` driver, or the host's `halt_poll_ns`): it cuts the wake-up "
           << "cost above, which every call pays several times, in the server and in "
           << "PostgreSQL's backends. On bare metal a wake-up costs a few microseconds.\n";
    }
    if (!std::isnan(def_rps) && http_rps > 1.1 * def_rps) {
        md << (virtual_machine ? "4" : "3")
           << ". Ship `io_threads` = cores and a `db_pool_size` of the expected concurrent "
           << "calls: they are worth " << fixed(100.0 * (http_rps / def_rps - 1.0), 0)
           << " % here (" << grouped(def_rps) << " → " << grouped(http_rps) << " calls/s).\n";
    } else if (!std::isnan(def_rps)) {
        md << (virtual_machine ? "4" : "3") << ". Not the settings: the shipped pool of "
           << default_pool << " and " << default_io << " I/O thread made " << grouped(def_rps)
           << " calls/s, against " << grouped(http_rps) << " with " << pool << " and " << io_threads
           << ".\n";
    }
    md << "\n";
}

// What limits the coverage checks.
void Report::limits_coverage(std::ostream& md) const {
    md << "**Coverage checks.** The server used " << pct(cov_cpu.server) << " of a core (its "
       << io_threads << (io_threads == "1" ? " I/O thread" : " I/O threads") << " can use at most "
       << fixed(100.0 * r.num("machine", "io_threads"), 0) << " %) and the driver "
       << pct(cov_cpu.driver) << ": " << ms3(cov_call.server_ms)
       << " of server CPU per check against " << ms3(cov_call.pg_ms) << " of PostgreSQL. HTTP, "
       << "the verdict and its JSON set the rate, not the database; the same change as "
       << "for the intake (less JSON work per request) is what would move it.\n\n";
}

// What limits the selection, and what would make it faster.
void Report::limits_selection(std::ostream& md) const {
    md << "**Selection.** PostGIS costs " << fixed(pg_us, 0) << " µs per query through a "
       << "prepared statement: about " << fixed(pg_us - pg_db_us, 0) << " µs of round trip "
       << "(wake-ups of two processes on a virtual machine) and " << fixed(pg_db_us, 0)
       << " µs in the executor (the GiST KNN scan, the filter, the sphere and spheroid "
       << "distances). The index costs " << fixed(idx_us, 1) << " µs";
    if (!prof_index.empty()) {
        const double geodesic = perf_share(prof_index, {"GeographicLib", "libm"});
        const double walk = perf_share(prof_index, {"visit_ring"});
        const double scan = perf_share(prof_index, {"::scan", "::run"});
        md << ", of which (profile below) exact WGS84 geodesics (GeographicLib and libm) "
           << fixed(geodesic, 0) << " %, the walk over the rings of cells (`visit_ring`) "
           << fixed(walk, 0) << " % and reading the cells' partners (`scan`, `run`) "
           << fixed(scan, 0) << " %";
    }
    md << ". The geodesics to the answers alone cost " << fixed(floor_us, 1) << " µs per query "
       << "(bench-select), a floor for any exact method: against PostGIS's " << fixed(pg_us, 0)
       << " µs no exact index can be more than " << ratio_text(ratio(pg_us, floor_us))
       << " faster. Queries that find fewer than k partners (sparse country, the sea) cost the "
       << "index " << fixed(r.num("postgis", "index_us_mean_short"), 1) << " µs against "
       << fixed(r.num("postgis", "index_us_mean_full"), 1) << " µs: with fewer than k matches "
       << "it must visit every cell within the radius, most of them empty.\n\n";
    if (!speed_pass) {
        md << "**What would fix the selection miss** (in `geo/`, not changed here):\n\n";
    } else {
        md << "**What would make the selection faster still** (in `geo/`):\n\n";
    }
    md << "1. Cell size: the same index with the 20 km cells it had before takes "
       << fixed(idx30_us, 1) << " µs against " << fixed(select_idx_us, 1)
       << " µs with the server's 40 km (`bench-select --cell-km 20`, same queries), "
       << ratio_text(ratio(pg_us, idx30_us * idx_us / select_idx_us))
       << " PostGIS at this run's figures. `PartnerIndex`'s cell size is a constructor "
       << "argument; the dispatcher uses the default.\n"
       << "2. Skip empty columns without looking at their cells: a set of the occupied (u, v) "
       << "columns per axis, or a coarse second grid of counts, would let `visit_ring` pass "
       << "over sea and mountains in one lookup instead of one per cell. That is where the "
       << "time above the geodesic floor goes.\n"
       << "3. Beyond that the floor decides: " << fixed(floor_us, 1) << " µs of exact "
       << "geodesics for the " << r.str("postgis", "k") << " answers. A "
       << fixed(kSelectionSpeedupMin, 0) << " × target needs PostGIS at "
       << fixed(kSelectionSpeedupMin * (floor_us + 1.0), 0)
       << " µs or more even with only 1 µs of search on top of them; here it took "
       << fixed(pg_us, 0) << " µs.\n\n";
}

// The memory against its target.
void Report::limits_memory(std::ostream& md) const {
    md << "**Memory.** " << fixed(memory_max_mb, 1) << " MB at most, " << fixed(kMemoryMaxMb, 0)
       << " MB allowed.\n\n";
}

// The profiles, when the run took them.
void Report::profiles(std::ostream& md) const {
    if (!prof_comm.empty() || !prof_index.empty()) {
        md << "## Profiles\n\n"
           << "`perf record -a -g` over the whole machine during an extra call-intake run "
           << "(not one of the measured runs), and `perf record -g` of the index alone; the "
           << "first lines of `perf report --no-children`.\n\n";
        if (!prof_comm.empty()) {
            md << "CPU by process during call intake:\n\n" << code_block(prof_comm) << "\n";
        }
        if (!prof_server.empty()) {
            md << "The server (`roadside`), % of its samples:\n\n"
               << code_block(prof_server) << "\n";
        }
        if (!prof_pg.empty()) {
            md << "PostgreSQL's backends, % of their samples:\n\n" << code_block(prof_pg) << "\n";
        }
        if (!prof_index.empty()) {
            md << "The index alone (`bench-postgis --index-only`: 20 passes over the queries, "
               << "the partners and queries generated once):\n\n"
               << code_block(prof_index) << "\n";
        }
    }
}

// The machine the run measured.
void Report::machine(std::ostream& md) const {
    md << "## Machine\n\n| | |\n|---|---|\n"
       << "| CPU | " << r.str("machine", "cpu") << " |\n"
       << "| cores | " << r.str("machine", "cores") << " |\n"
       << "| memory | " << r.str("machine", "ram") << " |\n"
       << "| kernel | " << r.str("machine", "kernel") << " |\n"
       << "| system | " << r.str("machine", "os") << " |\n"
       << "| virtualisation | " << r.str("machine", "virt") << " |\n"
       << "| PostgreSQL | " << r.str("machine", "postgresql") << " |\n"
       << "| PostGIS | " << r.str("machine", "postgis") << " |\n"
       << "| compiler | " << r.str("machine", "compiler") << " |\n"
       << "| build | " << r.str("machine", "build") << " |\n"
       << "| PostgreSQL settings | " << r.str("machine", "pg_settings") << " |\n"
       << "| server settings | " << r.str("machine", "server_settings") << " |\n"
       << "| load average (1 min) before / after | " << r.str("machine", "load_before") << " / "
       << r.str("machine", "load_after") << " |\n"
       << "| bench.sh wall time | " << r.str("machine", "wall_s") << " s |\n\n";
}

// The command lines as bench.sh ran them.
void Report::commands(std::ostream& md) const {
    md << "## Command lines\n\n"
       << "As bench.sh ran them: `$RUN` is the run's temporary directory (cluster, socket, "
       << "logs), `$PGPORT` and `$HTTP_PORT` the free ports it found, `$SERVER_PID` the "
       << "server's process, `$AGENT_TOKEN` the agent token it created through `POST "
       << "/v1/tokens`. The server ran as `ROADSIDE_DB_POOL_SIZE=" << pool
       << " ROADSIDE_IO_THREADS=" << io_threads << " build/bin/roadside serve` (with "
       << default_pool << " and " << default_io << " for `http_intake_default`), the captured "
       << "call's values were passed to pgbench as `-D "
       << "name=value` (they are kept in `build/bench-results/intake.params`).\n\n"
       << commands_list(r.text("commands.txt")) << "\n";
}

// How to run it again.
void Report::reproduce(std::ostream& md) const {
    md << "## How to reproduce\n\n"
       << "```sh\n"
       << "scripts/bench.sh                  # about 4 minutes; writes docs/benchmarks.md and "
          "docs/benchmarks.svg\n"
       << "scripts/bench.sh --quick          # a smoke test: short runs\n"
       << "scripts/bench.sh --duration 30 --clients 64 --no-profile\n"
       << "```\n\n"
       << "It installs what is missing (PostGIS among it), builds Release into `build/`, starts "
       << "a throwaway PostgreSQL cluster (in `/tmp`, on a free port from 45432) and the server "
       << "(on a free port from 48080), and stops and removes both on exit, failure included; "
       << "the raw results stay in `build/bench-results/`. Run it on an otherwise idle machine: "
       << "the load average above tells how idle this one was.\n";
}

std::string Report::plot() const {
    Svg svg(3, 2, "roadside benchmarks — " + r.str("machine", "date"));
    svg.panel(0, 0, "Call intake, " + std::to_string(clients) + " clients", "calls/s",
              {{"roadside\npool " + pool + ", " + io_threads + " thr", http_rps, kServerColour,
                grouped(http_rps)},
               {"roadside\nshipped", def_rps, kServerAltColour, grouped(def_rps)},
               {"pgbench\nsame SQL", pgb_tps, kBaselineColour, grouped(pgb_tps)}},
              false, pgb_tps * kIntakeRatioMin, "0.5 × pgbench");
    svg.panel(1, 0, "Call intake latency", "ms",
              {{"roadside\np50", http_p50, kServerAltColour, fixed(http_p50, 1)},
               {"roadside\np99", http_p99, kServerColour, fixed(http_p99, 1)},
               {"pgbench\np50", pgb_p50, kBaselineAltColour, fixed(pgb_p50, 1)},
               {"pgbench\np99", pgb_p99, kBaselineColour, fixed(pgb_p99, 1)}},
              false, kIntakeP99MaxMs, "p99 target");
    svg.panel(2, 0, "Coverage checks", "checks/s",
              {{"roadside", cov_rps, kServerColour, grouped(cov_rps)},
               {"pgbench\nsame SQL", cov_pgb_tps, kBaselineColour, grouped(cov_pgb_tps)}},
              false);
    svg.panel(0, 1, "Nearest 5 of 10,000 partners", "µs per query, log scale",
              {{"index", idx_us, kServerColour, adaptive(idx_us)},
               {"PostGIS\nin DB", pg_db_us, kBaselineAltColour, adaptive(pg_db_us)},
               {"PostGIS +\nround trip", pg_us, kBaselineColour, adaptive(pg_us)},
               {"brute\nforce", r.num("select", "brute_us_mean"), kGreyColour,
                adaptive(r.num("select", "brute_us_mean"))}},
              true, pg_us / kSelectionSpeedupMin, "PostGIS / 20");
    svg.panel(1, 1, "Server memory", "MB resident",
              {{"idle", rss_idle_mb, kServerAltColour, fixed(rss_idle_mb, 1)},
               {"under load", rss_load_mb, kServerColour, fixed(rss_load_mb, 1)},
               {"peak\n(VmHWM)", hwm_mb, kServerColour, fixed(hwm_mb, 1)}},
              false, kMemoryMaxMb, "100 MB target");
    svg.panel(
        2, 1, "CPU per call, intake", "ms of CPU per call",
        {{"PG under\nroadside", http_call.pg_ms, kServerAltColour, fixed(http_call.pg_ms, 3)},
         {"server +\ndriver",
          (std::isnan(http_call.server_ms) ? 0 : http_call.server_ms) +
              (std::isnan(http_call.driver_ms) ? 0 : http_call.driver_ms),
          kServerColour,
          fixed((std::isnan(http_call.server_ms) ? 0 : http_call.server_ms) +
                    (std::isnan(http_call.driver_ms) ? 0 : http_call.driver_ms),
                3)},
         {"PG under\npgbench", pgb_call.pg_ms, kBaselineColour, fixed(pgb_call.pg_ms, 3)},
         {"pgbench\nclient", pgb_call.driver_ms, kBaselineAltColour, fixed(pgb_call.driver_ms, 3)}},
        false);
    return svg.finish();
}

void Report::print_targets() const {
    std::printf(
        "targets: intake %s x pgbench %s, p99 %s ms %s, selection %s x %s, memory %s MB %s\n",
        fixed(intake_ratio, 2).c_str(), ratio_pass ? "PASS" : "MISS", fixed(http_p99, 1).c_str(),
        p99_pass ? "PASS" : "MISS", fixed(speedup, 1).c_str(), speed_pass ? "PASS" : "MISS",
        fixed(memory_max_mb, 1).c_str(), memory_pass ? "PASS" : "MISS");
}

int write_report(const fs::path& dir, const fs::path& md_path, const fs::path& svg_path) {
    Results r(dir);
    for (const char* required : {"machine", "http_intake", "pgb_intake", "http_coverage",
                                 "pgb_coverage", "postgis", "select", "memory"}) {
        if (!r.has(required)) {
            std::fprintf(stderr, "bench-report: %s/%s.kv is missing or empty\n",
                         dir.string().c_str(), required);
            return 1;
        }
    }
    const Report report(r);
    std::ofstream md_out(md_path);
    md_out << report.markdown();
    if (!md_out) {
        std::fprintf(stderr, "bench-report: cannot write %s\n", md_path.string().c_str());
        return 1;
    }
    std::ofstream svg_out(svg_path);
    svg_out << report.plot();
    if (!svg_out) {
        std::fprintf(stderr, "bench-report: cannot write %s\n", svg_path.string().c_str());
        return 1;
    }
    std::printf("wrote %s and %s\n", md_path.string().c_str(), svg_path.string().c_str());
    report.print_targets();
    return 0;
}

void usage(std::FILE* to) {
    std::fputs(
        "usage: bench-report json-compact < JSON\n"
        "       bench-report pgbench --output FILE --out FILE LOG...\n"
        "       bench-report select --output FILE --out FILE\n"
        "       bench-report write --results DIR --md FILE --svg FILE\n",
        to);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        usage(stderr);
        return 2;
    }
    const std::string& command = args[0];
    std::map<std::string, std::string> named;
    std::vector<std::string> positional;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].rfind("--", 0) == 0 && i + 1 < args.size()) {
            named[args[i]] = args[i + 1];
            ++i;
        } else {
            positional.push_back(args[i]);
        }
    }
    if (command == "json-compact" && args.size() == 1) return json_compact();
    if (command == "pgbench" && named.count("--output") && named.count("--out") &&
        !positional.empty()) {
        return pgbench_summary(named["--output"], named["--out"], positional);
    }
    if (command == "select" && named.count("--output") && named.count("--out")) {
        return select_summary(named["--output"], named["--out"]);
    }
    if (command == "write" && named.count("--results") && named.count("--md") &&
        named.count("--svg")) {
        return write_report(named["--results"], named["--md"], named["--svg"]);
    }
    if (command == "--help" || command == "-h") {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
