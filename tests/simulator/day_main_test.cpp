// `roadside-sim day` as a command (simulator/day_main.cpp): options, exit status (0 clean, 1
// violations, 2 bad arguments), the summary on stdout byte-identical for the same arguments, the
// SVG file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "simulator/commands.hpp"
#include "simulator/day.hpp"

namespace roadside::sim {
namespace {

using Args = std::vector<std::string>;

struct Ran {
    int status;
    std::string out;
    std::string err;
};

Ran day(const Args& args) {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int status = day_command(args);
    std::string out = ::testing::internal::GetCapturedStdout();
    std::string err = ::testing::internal::GetCapturedStderr();
    return {status, std::move(out), std::move(err)};
}

TEST(DayCommand, HelpNamesEveryOptionAndFault) {
    const Ran r = day({"--help"});
    EXPECT_EQ(r.status, 0);
    for (const char* option : {"--seed", "--calls", "--partners", "--date", "--config", "--svg",
                               "--inject-fault", "--help", "exit status"}) {
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
    }
    for (const Fault f : kAllFaults) {
        if (f == Fault::none) continue;
        EXPECT_NE(r.out.find(to_string(f)), std::string::npos) << to_string(f);
    }
}

TEST(DayCommand, BadArgumentsExitTwo) {
    const std::vector<Args> bad = {
        {"--calls", "0"},
        {"--calls", "ten"},
        {"--calls", "12x"},
        {"--partners", "100000"},
        {"--seed"},
        {"--bogus", "1"},
        {"--date", "2026-02-30"},
        {"--inject-fault", "nope"},
        {"--config", "/nonexistent"},
        {"extra"},
    };
    for (const Args& args : bad) {
        const Ran r = day(args);
        EXPECT_EQ(r.status, 2) << args.front();
        EXPECT_TRUE(r.out.empty()) << args.front();
        EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
    }
}

TEST(DayCommand, TheSameArgumentsPrintTheSameSummary) {
    const Args args = {"--seed", "1", "--calls", "600", "--partners", "200"};
    const Ran a = day(args);
    const Ran b = day(args);
    EXPECT_EQ(a.status, 0) << a.out << a.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_NE(a.out.find("OK: every invariant holds"), std::string::npos);
    // The wall time goes to stderr only.
    EXPECT_EQ(a.out.find(" s,"), std::string::npos);
    EXPECT_NE(a.err.find("simulated in"), std::string::npos);

    const Ran other = day({"--seed", "2", "--calls", "600", "--partners", "200"});
    EXPECT_NE(a.out, other.out);
}

TEST(DayCommand, AnInjectedFaultExitsOne) {
    const Ran r = day({"--calls", "600", "--inject-fault", "lost_call"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("! one_outcome C"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("injected lost_call"), std::string::npos) << r.err;
}

TEST(DayCommand, WritesThePicture) {
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / "roadside_day_main_test.svg";
    std::filesystem::remove(file);
    const Ran r = day({"--calls", "300", "--partners", "100", "--svg", file.string()});
    EXPECT_EQ(r.status, 0) << r.err;
    std::ifstream in(file);
    const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace roadside::sim
