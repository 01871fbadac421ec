// roadside-sim day: runs the day, audits it, prints the summary (and, with --svg, draws it).
// Only the wiring lives here; the engine, the auditor and the picture are library code.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "config/products.hpp"
#include "config/tariff.hpp"
#include "simulator/audit.hpp"
#include "simulator/commands.hpp"
#include "simulator/day.hpp"
#include "simulator/day_svg.hpp"

namespace roadside::sim {

namespace {

constexpr std::uint64_t kMaxCalls = 1'000'000;
constexpr std::uint64_t kMaxPartners = 99'999;  // partner ids are P00000 … P99999

void usage(std::FILE* to) {
    std::fputs(
        "usage: roadside-sim day [options]\n"
        "\n"
        "Simulates one day of road-service calls across Japan in process: the real dispatch and\n"
        "billing code under a simulated clock, the same result for the same options. An\n"
        "independent auditor then checks the day's log; the summary goes to stdout, the wall\n"
        "time to stderr.\n"
        "\n"
        "  --seed N            random seed (default 1)\n"
        "  --calls N           calls over the day, 1..1000000 (default 10000); one contract each\n"
        "  --partners N        tow partners, 1..99999 (default 3000)\n"
        "  --date YYYY-MM-DD   the Japan-time day simulated (default 2026-08-14)\n"
        "  --config DIR        configuration folder with products/ and tariff.json (default\n"
        "                      $ROADSIDE_CONFIG_DIR, else the source tree's config/)\n"
        "  --svg FILE          also draw the day as an SVG picture into FILE\n"
        "  --inject-fault NAME make the engine misbehave once, to prove the auditor notices:\n"
        "                      ",
        to);
    bool first = true;
    for (const Fault f : kAllFaults) {
        if (f == Fault::none) continue;
        if (!first) std::fputs(", ", to);
        std::fputs(std::string(to_string(f)).c_str(), to);
        first = false;
    }
    std::fputs(
        "\n"
        "  --help              this text\n"
        "\n"
        "exit status: 0 every invariant holds, 1 the auditor found violations, 2 bad arguments\n",
        to);
}

std::optional<std::uint64_t> parse_count(std::string_view s, std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

// $ROADSIDE_CONFIG_DIR, else the source tree's config/ (the build passes its path).
std::filesystem::path default_config_dir() {
    if (const char* env = std::getenv("ROADSIDE_CONFIG_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return ROADSIDE_SOURCE_CONFIG_DIR;
}

int bad(const std::string& message) {
    std::fprintf(stderr, "roadside-sim day: %s (see --help)\n", message.c_str());
    return 2;
}

struct DayArgs {
    DayOptions options;
    std::optional<std::filesystem::path> config_dir;
    std::optional<std::string> svg_file;
};

// The command line into `a`; an exit status when the command ends there (--help, a bad argument).
std::optional<int> parse_args(const std::vector<std::string>& args, DayArgs& a) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= args.size()) return bad("unknown option or missing value: " + arg);
        const std::string& value = args[++i];
        if (arg == "--seed") {
            const auto v = parse_count(value, 0, UINT64_MAX);
            if (!v) return bad("--seed wants a whole number");
            a.options.seed = *v;
        } else if (arg == "--calls") {
            const auto v = parse_count(value, 1, kMaxCalls);
            if (!v) return bad("--calls wants a whole number in 1..1000000");
            a.options.calls = static_cast<std::size_t>(*v);
        } else if (arg == "--partners") {
            const auto v = parse_count(value, 1, kMaxPartners);
            if (!v) return bad("--partners wants a whole number in 1..99999");
            a.options.partners = static_cast<std::size_t>(*v);
        } else if (arg == "--date") {
            const auto d = core::parse_date(value);
            if (!d) return bad("--date wants YYYY-MM-DD");
            a.options.date = *d;
        } else if (arg == "--config") {
            a.config_dir = value;
        } else if (arg == "--svg") {
            a.svg_file = value;
        } else if (arg == "--inject-fault") {
            const auto f = parse_fault(value);
            if (!f) return bad("unknown fault '" + value + "'");
            a.options.fault = *f;
        } else {
            return bad("unknown option " + arg);
        }
    }
    return std::nullopt;
}

// The wall time of the run, and whether the injected fault found its occasion, on stderr.
void report_run(const DayOptions& options, const DayResult& day, double simulated_s,
                double audited_s) {
    std::fprintf(stderr,
                 "roadside-sim day: %zu calls, %zu events, %zu log entries: simulated in %.2f s, "
                 "audited and reported in %.2f s\n",
                 options.calls, day.events, day.log.entries.size(), simulated_s, audited_s);
    if (options.fault == Fault::none) return;
    if (day.fault_applied) {
        std::fprintf(stderr, "roadside-sim day: injected %s at %s\n",
                     std::string(to_string(options.fault)).c_str(), day.fault_target.c_str());
    } else {
        std::fprintf(stderr, "roadside-sim day: the fault %s found no occasion on this day\n",
                     std::string(to_string(options.fault)).c_str());
    }
}

}  // namespace

int day_command(const std::vector<std::string>& args) {
    DayArgs parsed;
    if (const auto status = parse_args(args, parsed)) return *status;
    const DayOptions& options = parsed.options;

    const std::filesystem::path dir = parsed.config_dir.value_or(default_config_dir());
    config::ProductCatalog products;
    config::Tariff tariff;
    try {
        products = config::load_products(dir / "products");
        tariff = config::load_tariff(dir / "tariff.json");
    } catch (const config::ConfigError& e) {
        return bad(std::string("configuration: ") + e.what());
    }

    const auto started = std::chrono::steady_clock::now();
    DayResult day = run_day(options, products, tariff);
    const auto simulated = std::chrono::steady_clock::now();
    const AuditReport audit_report = audit(day.log, tariff);
    const DayReport report = report_day(day.log);
    const auto audited = std::chrono::steady_clock::now();

    std::fputs(format_summary(options, report, audit_report).c_str(), stdout);
    std::fflush(stdout);

    if (parsed.svg_file) {
        std::ofstream out(*parsed.svg_file, std::ios::binary | std::ios::trunc);
        out << day_svg(options, day.log, report, audit_report);
        out.close();
        if (!out) {
            std::fprintf(stderr, "roadside-sim day: cannot write %s\n", parsed.svg_file->c_str());
            return 1;
        }
    }

    const auto seconds = [](auto a, auto b) {
        return std::chrono::duration<double>(b - a).count();
    };
    report_run(options, day, seconds(started, simulated), seconds(simulated, audited));
    return audit_report.clean() ? 0 : 1;
}

}  // namespace roadside::sim
