// The picture of the day (simulator/day_svg.hpp): a well-formed, self-contained SVG document
// with the three panels, their titles, axis labels and legends, and one dot per call on the map.
#include "simulator/day_svg.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/products.hpp"
#include "config/tariff.hpp"

namespace roadside::sim {
namespace {

std::filesystem::path config_dir() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return std::filesystem::path(src) / "config";
    }
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config";
}

// Every element closed in order, every entity one of XML's, quotes balanced inside tags.
// Returns the problem, or "" when the document is well-formed.
std::string well_formed(std::string_view doc) {
    std::vector<std::string> open;
    std::size_t i = 0;
    while (i < doc.size()) {
        const char c = doc[i];
        if (c == '&') {
            static const char* kEntities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool ok = false;
            for (const char* e : kEntities) ok = ok || doc.substr(i).starts_with(e);
            if (!ok) return "bare & at " + std::to_string(i);
            ++i;
            continue;
        }
        if (c == '>') return "stray > at " + std::to_string(i);
        if (c != '<') {
            ++i;
            continue;
        }
        if (doc.substr(i).starts_with("<?")) {
            const auto end = doc.find("?>", i);
            if (end == std::string_view::npos) return "unclosed <?";
            i = end + 2;
            continue;
        }
        if (doc.substr(i).starts_with("<!--")) {
            const auto end = doc.find("-->", i);
            if (end == std::string_view::npos) return "unclosed comment";
            i = end + 3;
            continue;
        }
        // A tag: find its end outside quotes.
        std::size_t j = i + 1;
        char quote = 0;
        for (; j < doc.size(); ++j) {
            if (quote != 0) {
                if (doc[j] == quote) quote = 0;
                if (doc[j] == '<') return "< inside an attribute at " + std::to_string(j);
            } else if (doc[j] == '"' || doc[j] == '\'') {
                quote = doc[j];
            } else if (doc[j] == '>') {
                break;
            }
        }
        if (j >= doc.size()) return "unclosed tag at " + std::to_string(i);
        const std::string_view tag = doc.substr(i + 1, j - i - 1);
        const bool closing = tag.starts_with('/');
        const bool self_closing = tag.ends_with('/');
        const std::string_view body = closing ? tag.substr(1) : tag;
        const std::string name(body.substr(0, body.find_first_of(" \t\n/")));
        if (name.empty()) return "empty tag name at " + std::to_string(i);
        if (closing) {
            if (open.empty() || open.back() != name) {
                return "</" + name + "> closes " + (open.empty() ? "nothing" : open.back());
            }
            open.pop_back();
        } else if (!self_closing) {
            open.push_back(name);
        }
        i = j + 1;
    }
    if (!open.empty()) return "<" + open.back() + "> never closed";
    return "";
}

std::size_t count(std::string_view doc, std::string_view what) {
    std::size_t n = 0;
    for (auto at = doc.find(what); at != std::string_view::npos; at = doc.find(what, at + 1)) ++n;
    return n;
}

TEST(WellFormed, TheCheckerCatchesWhatItShould) {
    EXPECT_EQ(well_formed("<?xml version=\"1.0\"?><svg><g><rect/></g></svg>"), "");
    EXPECT_NE(well_formed("<svg><g></svg>"), "");
    EXPECT_NE(well_formed("<svg><text>a & b</text></svg>"), "");
    EXPECT_NE(well_formed("<svg><g>"), "");
    EXPECT_NE(well_formed("<svg></g></svg>"), "");
}

class DaySvg : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const auto products = config::load_products(config_dir() / "products");
        const auto tariff = config::load_tariff(config_dir() / "tariff.json");
        options_ = new DayOptions;
        options_->calls = 1200;
        options_->partners = 360;
        options_->seed = 3;
        const DayResult day = run_day(*options_, products, tariff);
        const DayReport report = report_day(day.log);
        svg_ = new std::string(day_svg(*options_, day.log, report, audit(day.log, tariff)));
    }
    static void TearDownTestSuite() {
        delete svg_;
        delete options_;
    }
    static DayOptions* options_;
    static std::string* svg_;
};
DayOptions* DaySvg::options_ = nullptr;
std::string* DaySvg::svg_ = nullptr;

TEST_F(DaySvg, IsWellFormedAndSelfContained) {
    EXPECT_EQ(well_formed(*svg_), "");
    EXPECT_EQ(svg_->rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
    EXPECT_NE(svg_->find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(svg_->find("viewBox="), std::string::npos);
    // Nothing fetched from elsewhere: no links, images, scripts or external styles.
    for (const char* external : {"href", "<image", "<script", "@import", "url("}) {
        EXPECT_EQ(svg_->find(external), std::string::npos) << external;
    }
}

TEST_F(DaySvg, HasTheThreePanelsWithTitlesAxesAndLegends) {
    for (const char* text :
         {"A day of road service across Japan: 2026-08-14 (JST), seed 3",
          "Calls per hour, by cause", "calls per hour", "hour of the day, Japan time", "00:00",
          "12:00", "24:00", "expected", "Time from call to partner on scene",
          "minutes from the call to the partner on scene", "mean ", "p90 ", "180+",
          "Where the calls came from", "served: ", "cancelled by the customer: ",
          "no partner found: ", "not covered, declined the fee: ", "audit: "}) {
        EXPECT_NE(svg_->find(text), std::string::npos) << text;
    }
    for (const Cause c : kAllCauses) {
        EXPECT_NE(svg_->find(std::string(problem_code(c)) + " "), std::string::npos)
            << problem_code(c);
    }
}

TEST_F(DaySvg, OneDotPerCallOnTheMap) {
    // Map dots have r 1.5 (or 3.5 for calls nobody served); the legend's dots have r 5.
    const std::size_t dots = count(*svg_, "r=\"1.5\"/>") + count(*svg_, "r=\"3.5\"/>");
    EXPECT_EQ(dots, options_->calls);
    // Bars: at least one per hour of the day, and the 37 bins of the arrival histogram.
    EXPECT_GE(count(*svg_, "<rect "), 24u + 37u);
}

}  // namespace
}  // namespace roadside::sim
