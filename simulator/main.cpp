// roadside-sim: a national day of breakdowns, in process (`day`) or against a running server
// (`load`). `roadside-sim <command> --help` describes each.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/commands.hpp"

namespace {

void usage(std::FILE* to) {
    std::fputs(
        "usage: roadside-sim day  [--seed N] [--calls N] [--svg FILE] [--help]\n"
        "       roadside-sim load [--url http://127.0.0.1:8080] [--rate R] [--concurrency C]\n"
        "                         [--duration S] [--max-calls N] [--help]\n"
        "\n"
        "  day   simulates one day of breakdowns across Japan in process, with the real dispatch\n"
        "        and billing code and a simulated clock, and audits the result.\n"
        "  load  drives the same workload against a running server over HTTP (loopback only)\n"
        "        and re-checks the invariants through the API.\n",
        to);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const std::string_view command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (command == "day") return roadside::sim::day_command(args);
        if (command == "load") return roadside::sim::load_command(args);
        if (command == "--help" || command == "-h" || command == "help") {
            usage(stdout);
            return 0;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "roadside-sim %s: %s\n", argv[1], e.what());
        return 1;
    }
    std::fprintf(stderr, "roadside-sim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
