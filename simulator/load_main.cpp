// roadside-sim load: the command line of the HTTP load generator (simulator/load.hpp).
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "simulator/commands.hpp"
#include "simulator/load.hpp"

namespace roadside::sim {

namespace {

using loadgen::LoadOptions;
using loadgen::LoadReport;

constexpr const char* kDefaultUrl = "http://127.0.0.1:8080";
constexpr const char* kDefaultTokenFile = "var/admin_token";
constexpr double kMaxRatePerS = 100'000;
constexpr int kMaxConcurrency = 1024;
constexpr double kMaxDurationS = 7 * 86'400;
constexpr int kMaxContracts = 100'000;

void usage(std::FILE* to) {
    std::fputs(
        "usage: roadside-sim load [options]\n"
        "\n"
        "Drives the day's workload against a running server over HTTP — agents taking calls,\n"
        "partners accepting and completing jobs, stranded customers claiming — then reads every\n"
        "incident back through the API and re-checks the invariants. Loopback servers only.\n"
        "\n"
        "  --url URL               the server (default http://127.0.0.1:8080; 127.0.0.0/8, ::1\n"
        "                          or localhost only)\n"
        "  --admin-token T         the admin token (else $ROADSIDE_ADMIN_TOKEN, else "
        "--token-file)\n"
        "  --token-file FILE       a file holding the admin token (default var/admin_token)\n"
        "  --rate R                new calls per second (default 10)\n"
        "  --concurrency C         calls in flight at most, one worker each (default 16)\n"
        "  --duration S            seconds during which new calls start (default 60)\n"
        "  --max-calls N           start at most N calls\n"
        "  --seed N                the workload's seed (default 1)\n"
        "  --contracts N           use DEMO-00001 … DEMO-N (default 300)\n"
        "  --travel-share X        share of calls made away from home, 0–1 (default the\n"
        "                          workload's 0.12; more gives more remote breakdowns and claims)\n"
        "  --drain-timeout S       seconds calls in flight may take to finish (default 30)\n"
        "  --request-timeout S     seconds per request (default 10)\n"
        "  --sms-outbox FILE       where the server appends its text messages, for the\n"
        "                          customers' sign-in codes (default $ROADSIDE_SMS_OUTBOX,\n"
        "                          else var/sms-outbox.log, which scripts/run.sh sets)\n"
        "  --json FILE             also write the report as JSON\n"
        "  --quiet                 no progress lines on stderr\n"
        "  --help                  this text\n"
        "\n"
        "Exit status: 0 all well; 1 a 5xx, a transport error, an unexpected answer or an "
        "invariant\n"
        "violated; 2 bad arguments.\n",
        to);
}

struct BadArgument : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::int64_t parse_int(const std::string& name, const std::string& text, std::int64_t lo,
                       std::int64_t hi) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) {
        throw BadArgument(name + " wants a whole number in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "], not '" + text + "'");
    }
    return v;
}

std::uint64_t parse_seed(const std::string& text) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw BadArgument("--seed wants a whole number, not '" + text + "'");
    }
    return v;
}

double parse_positive(const std::string& name, const std::string& text, double hi,
                      bool zero_ok = false) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(v == v) ||
        (zero_ok ? v < 0 : v <= 0) || v > hi) {
        throw BadArgument(name + " wants a number in " + (zero_ok ? "[0, " : "(0, ") +
                          std::to_string(static_cast<long long>(hi)) + "], not '" + text + "'");
    }
    return v;
}

// http://HOST[:PORT][/], HOST an IPv4 address, [IPv6] or localhost. Anything but a loopback
// address is refused: this tool floods whatever it points at.
void parse_url(const std::string& url, LoadOptions& o) {
    constexpr std::string_view kScheme = "http://";
    if (url.rfind(kScheme, 0) != 0) throw BadArgument("--url must start with http://");
    std::string rest = url.substr(kScheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('/') != std::string::npos) throw BadArgument("--url takes no path: " + url);
    std::string host;
    std::string port;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) throw BadArgument("--url has an unclosed [: " + url);
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') throw BadArgument("--url is malformed: " + url);
            port = rest.substr(close + 2);
        }
    } else {
        const auto colon = rest.find(':');
        host = rest.substr(0, colon);
        if (colon != std::string::npos) port = rest.substr(colon + 1);
    }
    if (host.empty()) throw BadArgument("--url names no host: " + url);
    o.port = port.empty() ? 80 : static_cast<int>(parse_int("the --url port", port, 1, 65535));
    if (host == "localhost") host = "127.0.0.1";
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec || !address.is_loopback()) {
        throw BadArgument("refusing " + url +
                          ": roadside-sim load only drives a server on this machine (127.0.0.0/8, "
                          "::1 or localhost)");
    }
    o.host = address.to_string();
}

std::optional<std::string> read_token_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() &&
           (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
        token.pop_back();
    }
    if (token.empty()) return std::nullopt;
    return token;
}

struct Parsed {
    LoadOptions options;
    std::optional<std::string> json_file;
    bool help = false;
};

// Where the load goes and as whom: the server's URL and the admin token's sources, noted while
// the command line is read; admin_token() chooses among them once it is all read.
struct Target {
    std::string url = kDefaultUrl;
    std::optional<std::string> token;
    std::optional<std::string> token_file;
    std::optional<std::string> sms_outbox;
};

// The options that shape the traffic; false when `name` is not one of them. `value` takes the
// option's value from the command line.
template <typename Value>
bool traffic_option(const std::string& name, Value&& value, LoadOptions& o) {
    if (name == "--rate") {
        o.rate_per_s = parse_positive(name, value(), kMaxRatePerS);
    } else if (name == "--concurrency") {
        o.concurrency = static_cast<int>(parse_int(name, value(), 1, kMaxConcurrency));
    } else if (name == "--duration") {
        o.duration_s = parse_positive(name, value(), kMaxDurationS);
    } else if (name == "--max-calls") {
        o.max_calls = parse_int(name, value(), 1, std::int64_t{1} << 40);
    } else if (name == "--seed") {
        o.seed = parse_seed(value());
    } else if (name == "--contracts") {
        o.contracts = static_cast<int>(parse_int(name, value(), 1, kMaxContracts));
    } else if (name == "--travel-share") {
        o.travel_share = parse_positive(name, value(), 1, true);
    } else if (name == "--drain-timeout") {
        o.drain_timeout_s = parse_positive(name, value(), kMaxDurationS, true);
    } else if (name == "--request-timeout") {
        o.request_timeout_ms =
            static_cast<std::int64_t>(parse_positive(name, value(), 600) * 1000.0);
        if (o.request_timeout_ms < 1) throw BadArgument("--request-timeout is too short");
    } else {
        return false;
    }
    return true;
}

// The options that say where the load goes and where its report goes; false when `name` is not
// one of them.
template <typename Value>
bool target_option(const std::string& name, Value&& value, Target& t, Parsed& p) {
    if (name == "--url") {
        t.url = value();
    } else if (name == "--admin-token") {
        t.token = value();
        if (t.token->empty()) throw BadArgument("--admin-token is empty");
    } else if (name == "--token-file") {
        t.token_file = value();
    } else if (name == "--sms-outbox") {
        t.sms_outbox = value();
        if (t.sms_outbox->empty()) throw BadArgument("--sms-outbox names no file");
    } else if (name == "--json") {
        p.json_file = value();
        if (p.json_file->empty()) throw BadArgument("--json names no file");
    } else {
        return false;
    }
    return true;
}

// The admin token: given, else from the environment, else from a file.
std::string admin_token(const Target& t) {
    if (t.token) return *t.token;
    if (t.token_file) {
        const auto token = read_token_file(*t.token_file);
        if (!token) throw BadArgument("cannot read an admin token from " + *t.token_file);
        return *token;
    }
    if (const char* env = std::getenv("ROADSIDE_ADMIN_TOKEN"); env && *env) return env;
    if (const auto token = read_token_file(kDefaultTokenFile)) return *token;
    throw BadArgument(
        "no admin token: give --admin-token, --token-file or $ROADSIDE_ADMIN_TOKEN (scripts/"
        "run.sh keeps it in var/admin_token)");
}

Parsed parse_args(const std::vector<std::string>& args) {
    Parsed p;
    Target target;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (name == "--help" || name == "-h") {
            p.help = true;
            continue;
        }
        if (name == "--quiet") {
            p.options.quiet = true;
            continue;
        }
        const auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw BadArgument(name + " needs a value");
            return args[++i];
        };
        if (!traffic_option(name, value, p.options) && !target_option(name, value, target, p)) {
            throw BadArgument("unknown argument '" + args[i] + "'");
        }
    }
    if (p.help) return p;
    parse_url(target.url, p.options);
    p.options.admin_token = admin_token(target);
    // Where the customers' sign-in codes are read: given, else $ROADSIDE_SMS_OUTBOX, else the
    // default of scripts/run.sh (LoadOptions::sms_outbox).
    if (target.sms_outbox) {
        p.options.sms_outbox = *target.sms_outbox;
    } else if (const char* env = std::getenv("ROADSIDE_SMS_OUTBOX"); env && *env) {
        p.options.sms_outbox = env;
    }
    return p;
}

}  // namespace

int load_command(const std::vector<std::string>& args) {
    Parsed p;
    try {
        p = parse_args(args);
    } catch (const BadArgument& e) {
        std::fprintf(stderr, "roadside-sim load: %s\n", e.what());
        std::fputs("(roadside-sim load --help lists the options)\n", stderr);
        return 2;
    }
    if (p.help) {
        usage(stdout);
        return 0;
    }
    LoadReport report;
    try {
        report = loadgen::run_load(p.options);
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "roadside-sim load: %s\n", e.what());
        return 1;
    }
    const std::string text = loadgen::format_report(report);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    if (p.json_file) {
        std::ofstream out(*p.json_file);
        out << loadgen::report_json(report) << "\n";
        if (!out) {
            std::fprintf(stderr, "roadside-sim load: cannot write %s\n", p.json_file->c_str());
            return 1;
        }
    }
    return report.failed() ? 1 : 0;
}

}  // namespace roadside::sim
