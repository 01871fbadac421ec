// Reading request bodies (api/json_in.hpp): every 400 names the offending field by its dotted path,
// so that a client can fix its request without guessing (spec/api.md "Conventions": "400 malformed
// JSON / wrong types / missing fields (details name the field)").
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "api/errors.hpp"
#include "api/json_in.hpp"

namespace roadside::api {
namespace {

using nlohmann::json;

// What a rejection looks like from the outside: the status, the stable code and the field named in
// the details ("" when the details name none). {0, "", ""} means nothing was thrown.
struct Outcome {
    int status = 0;
    std::string code;
    std::string field;
    bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
    if (o.status == 0) return out << "{accepted}";
    return out << "{" << o.status << ", \"" << o.code << "\", field \"" << o.field << "\"}";
}

const Outcome kAccepted{};

Outcome missing(const std::string& field) {
    return {400, "missing_field", field};
}
Outcome invalid(const std::string& field) {
    return {400, "invalid_field", field};
}
Outcome bad_coordinates(const std::string& field) {
    return {400, "invalid_coordinates", field};
}
const Outcome kMalformed{400, "malformed_json", ""};

// Runs `read` and reports the ApiError it throws. Any other exception escapes and fails the test:
// bad input must never surface as anything but an ApiError (it would become a 500).
template <class Read>
Outcome outcome_of(Read&& read) {
    try {
        read();
    } catch (const ApiError& e) {
        const json& details = e.details();
        EXPECT_TRUE(details.is_object()) << e.code();
        std::string field;
        if (details.is_object() && details.contains("field") && details["field"].is_string()) {
            field = details["field"].get<std::string>();
        }
        return {e.status(), e.code(), field};
    }
    return kAccepted;
}

// The body {"<name>": <value>} where <value> is JSON text, so that numbers such as 1e300 or
// 99999999999999999999 reach the parser exactly as a client would send them.
json doc_with(const std::string& name, const std::string& value_text) {
    return parse_body("{\"" + name + "\": " + value_text + "}");
}

std::string repeat(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// Text of a body {"a": [[[…]]]} nested `depth` levels deep in total (the outer object counts).
std::string nested_body(int depth) {
    return "{\"a\": " + repeat("[", static_cast<std::size_t>(depth - 1)) +
           repeat("]", static_cast<std::size_t>(depth - 1)) + "}";
}

// ---------------------------------------------------------------------------------------------
// parse_body

TEST(ParseBody, AcceptsAnObject) {
    EXPECT_EQ(outcome_of([] { parse_body("{}"); }), kAccepted);
    EXPECT_EQ(parse_body(R"({"a": 1, "b": "x"})")["a"], 1);
}

TEST(ParseBody, RejectsWhatIsNotAJsonObject) {
    struct Case {
        const char* description;
        std::string body;
    };
    // clang-format off
    const Case cases[] = {
        {"empty body", ""},
        {"only whitespace", "  \r\n\t "},
        {"array", "[]"},
        {"array of objects", R"([{"role": "agent"}])"},
        {"string", R"("role")"},
        {"number", "42"},
        {"null", "null"},
        {"true", "true"},
        {"unterminated object", "{"},
        {"unterminated string", R"({"a": "b)"},
        {"trailing comma", R"({"a": 1,})"},
        {"single quotes", "{'a': 1}"},
        {"trailing garbage", R"({"a": 1} x)"},
        {"two objects", "{}{}"},
        {"comment", "{/* c */}"},
        {"NaN literal", R"({"a": NaN})"},
        {"number too large for a double", R"({"a": 1e400})"},
        {"invalid UTF-8 byte in a string", "{\"a\": \"\xff\"}"},
        {"overlong UTF-8 in a string", "{\"a\": \"\xc0\xaf\"}"},
        {"UTF-16 surrogate encoded in UTF-8", "{\"a\": \"\xed\xa0\x80\"}"},
        {"truncated UTF-8 sequence", "{\"a\": \"\xe5\xb1\"}"},
        {"lone surrogate escape", R"({"a": "\ud800"})"},
        {"raw control character in a string", "{\"a\": \"x\x01y\"}"},
        // nlohmann stops at a NUL byte as if the text ended there; JSON text never holds one.
        {"NUL byte after the object", std::string("{\"a\": 1}\0", 9)},
        {"NUL byte and garbage after the object", std::string("{\"a\": 1}\0garbage", 16)},
        {"only a NUL byte", std::string("\0", 1)},
    };
    // clang-format on
    for (const Case& c : cases) {
        EXPECT_EQ(outcome_of([&] { parse_body(c.body); }), kMalformed) << c.description;
    }
}

TEST(ParseBody, NestingDepthIsBoundedAt32) {
    // kMaxJsonDepth keeps every later recursive walk of the document (dump, destruction) shallow.
    static_assert(kMaxJsonDepth == 32);
    EXPECT_EQ(outcome_of([] { parse_body(nested_body(32)); }), kAccepted);
    EXPECT_EQ(outcome_of([] { parse_body(nested_body(33)); }), kMalformed);
    EXPECT_EQ(outcome_of([] { parse_body(nested_body(10'000)); }), kMalformed);
    // Objects count as much as arrays.
    std::string objects;
    for (int i = 0; i < 33; ++i) objects += "{\"a\": ";
    objects += "1";
    objects += repeat("}", 33);
    EXPECT_EQ(outcome_of([&] { parse_body(objects); }), kMalformed);
    // Depth, not the number of brackets: many shallow siblings are fine.
    std::string siblings = "{\"a\": [";
    for (int i = 0; i < 100; ++i) {
        // Appended piecewise: GCC 12 reports a false -Wrestrict on operator+ here.
        if (i > 0) siblings += ",";
        siblings += "[[1]]";
    }
    siblings += "]}";
    EXPECT_EQ(outcome_of([&] { parse_body(siblings); }), kAccepted);
}

TEST(ParseBody, BracketsInsideStringsAreNotCounted) {
    const std::string deep_text = repeat("[{", 100);
    EXPECT_EQ(outcome_of([&] { parse_body("{\"a\": \"" + deep_text + "\"}"); }), kAccepted);
    // An escaped quote does not end the string...
    EXPECT_EQ(outcome_of([&] { parse_body("{\"a\": \"\\\"" + deep_text + "\"}"); }), kAccepted);
    // ...but an escaped backslash before a quote does, and what follows counts again.
    const std::string after_backslash =
        "{\"a\": \"\\\\\", \"b\": " + repeat("[", 33) + repeat("]", 33) + "}";
    EXPECT_EQ(outcome_of([&] { parse_body(after_backslash); }), kMalformed);
    // Keys are strings too.
    EXPECT_EQ(outcome_of([&] { parse_body("{\"" + deep_text + "\": 1}"); }), kAccepted);
}

TEST(ParseBody, EscapedNulIsValidJsonLeftToTheFieldReaders) {
    const json doc = parse_body(R"({"a": "x\u0000y"})");
    EXPECT_EQ(doc["a"].get<std::string>().size(), 3u);
    EXPECT_EQ(outcome_of([&] { Fields(doc).string("a"); }), invalid("a"));
}

// ---------------------------------------------------------------------------------------------
// Presence: missing, null and present

TEST(Fields, MissingAndNullAreBothAbsent) {
    const json doc = parse_body(R"({"n": null, "f": false, "z": 0, "e": ""})");
    const Fields f(doc);
    EXPECT_FALSE(f.has("absent"));
    EXPECT_FALSE(f.has("n"));
    EXPECT_EQ(f.raw("n"), nullptr);
    EXPECT_TRUE(f.has("f"));  // false, 0 and "" are values, not absence
    EXPECT_TRUE(f.has("z"));
    EXPECT_TRUE(f.has("e"));
    // Required accessors report both as missing_field, naming the field.
    EXPECT_EQ(outcome_of([&] { f.string("absent"); }), missing("absent"));
    EXPECT_EQ(outcome_of([&] { f.string("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.integer("n", 0, 10); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.number("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.boolean("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.date("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.instant("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.latlon("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.object("n"); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.string_array("n", 5, 5); }), missing("n"));
    EXPECT_EQ(outcome_of([&] { f.one_of("n", {"a"}); }), missing("n"));
    // Optional accessors return nothing for both.
    EXPECT_EQ(f.opt_string("n"), std::nullopt);
    EXPECT_EQ(f.opt_string("absent"), std::nullopt);
    EXPECT_EQ(f.opt_integer("n", 0, 10), std::nullopt);
    EXPECT_EQ(f.opt_boolean("n"), std::nullopt);
    EXPECT_EQ(f.opt_date("n"), std::nullopt);
    EXPECT_EQ(f.opt_instant("n"), std::nullopt);
    EXPECT_FALSE(f.opt_object("n").has_value());
}

TEST(Fields, WrongTypesAreInvalidField) {
    const json doc = parse_body(
        R"({"s": 5, "i": "5", "b": 1, "bool": true, "d": 20260105, "t": 1770000000, "o": [1],
            "a": "x",
            "num": "1.5", "bs": "true"})");
    const Fields f(doc);
    EXPECT_EQ(outcome_of([&] { f.string("s"); }), invalid("s"));
    EXPECT_EQ(outcome_of([&] { f.opt_string("s"); }), invalid("s"));
    EXPECT_EQ(outcome_of([&] { f.integer("i", 0, 10); }), invalid("i"));
    EXPECT_EQ(outcome_of([&] { f.opt_integer("i", 0, 10); }), invalid("i"));
    EXPECT_EQ(outcome_of([&] { f.integer("bool", 0, 10); }), invalid("bool"));
    EXPECT_EQ(outcome_of([&] { f.boolean("b"); }), invalid("b"));
    EXPECT_EQ(outcome_of([&] { f.boolean("bs"); }), invalid("bs"));
    EXPECT_EQ(outcome_of([&] { f.opt_boolean("bs"); }), invalid("bs"));
    EXPECT_EQ(outcome_of([&] { f.number("num"); }), invalid("num"));
    EXPECT_EQ(outcome_of([&] { f.number("bs"); }), invalid("bs"));
    EXPECT_EQ(outcome_of([&] { f.date("d"); }), invalid("d"));
    EXPECT_EQ(outcome_of([&] { f.instant("t"); }), invalid("t"));
    EXPECT_EQ(outcome_of([&] { f.object("o"); }), invalid("o"));
    EXPECT_EQ(outcome_of([&] { f.opt_object("a"); }), invalid("a"));
    EXPECT_EQ(outcome_of([&] { f.latlon("o"); }), invalid("o"));
    EXPECT_EQ(outcome_of([&] { f.string_array("a", 5, 5); }), invalid("a"));
    EXPECT_EQ(outcome_of([&] { f.one_of("s", {"5"}); }), invalid("s"));
}

TEST(Fields, InvalidFieldDetailsSayWhatWasExpected) {
    const json doc = parse_body(R"({"n": 11})");
    try {
        Fields(doc).integer("n", 1, 10);
        FAIL() << "11 is above the maximum";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.details()["field"], "n");
        EXPECT_EQ(e.details()["expected"], "an integer between 1 and 10");
        EXPECT_NE(std::string(e.what()).find("\"n\""), std::string::npos) << e.what();
    }
}

// ---------------------------------------------------------------------------------------------
// Integers: whole numbers within bounds, however the client spelt them

TEST(FieldsInteger, BoundsAreInclusive) {
    struct Case {
        const char* value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"1", kAccepted},      {"120", kAccepted},     {"0", invalid("n")},
        {"121", invalid("n")}, {"-1", invalid("n")},   {"60", kAccepted},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("n", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).integer("n", 1, 120); }), c.expected) << c.value;
    }
}

TEST(FieldsInteger, WholeFloatsAreIntegersFractionsAreNot) {
    struct Case {
        const char* value;
        Outcome expected;
        std::int64_t read = 0;
    };
    // clang-format off
    const Case cases[] = {
        {"5.0", kAccepted, 5},
        {"5e0", kAccepted, 5},
        {"5E2", kAccepted, 500},
        {"-0.0", kAccepted, 0},
        {"1e15", kAccepted, 1'000'000'000'000'000},
        {"5.5", invalid("n")},
        {"5.000001", invalid("n")},
        {"0.1", invalid("n")},
        {"-2.5", invalid("n")},
        // Beyond 2^53 a double is no longer exact: refused rather than rounded.
        {"1e16", invalid("n")},
        {"1e300", invalid("n")},
        {"-1e300", invalid("n")},
        {"1.7976931348623157e308", invalid("n")},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("n", c.value);
        const Fields f(doc);
        const auto max = std::numeric_limits<std::int64_t>::max();
        const auto min = std::numeric_limits<std::int64_t>::min();
        EXPECT_EQ(outcome_of([&] { f.integer("n", min, max); }), c.expected) << c.value;
        if (c.expected == kAccepted) {
            EXPECT_EQ(f.integer("n", min, max), c.read) << c.value;
        }
    }
}

TEST(FieldsInteger, HugeAndOverflowingIntegers) {
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    struct Case {
        const char* value;
        std::int64_t min;
        std::int64_t max;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"9223372036854775807", kMin, kMax, kAccepted},
        {"-9223372036854775808", kMin, kMax, kAccepted},
        // One past INT64_MAX still fits a uint64: it must not wrap around to a negative number.
        {"9223372036854775808", kMin, kMax, invalid("n")},
        {"18446744073709551615", kMin, kMax, invalid("n")},
        {"18446744073709551615", 0, 10'000'000, invalid("n")},
        // Wrapped, UINT64_MAX would read as -1 and pass a range that only holds negatives.
        {"18446744073709551615", -10, -1, invalid("n")},
        {"9223372036854775809", -10, -1, invalid("n")},
        // Past uint64 the parser makes it a double.
        {"99999999999999999999", kMin, kMax, invalid("n")},
        {"-99999999999999999999", kMin, kMax, invalid("n")},
        {"-9223372036854775809", kMin, kMax, invalid("n")},
        {"-5", -10, -1, kAccepted},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("n", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).integer("n", c.min, c.max); }), c.expected)
            << c.value << " in [" << c.min << ", " << c.max << "]";
    }
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST(FieldsString, EmptyBlankAndControlCharacters) {
    struct Case {
        const char* description;
        std::string value;  // JSON text
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"plain", R"("abc")", kAccepted},
        {"Japanese", R"("山田 太郎")", kAccepted},
        {"empty", R"("")", invalid("s")},
        {"spaces only", R"("   ")", invalid("s")},
        {"tabs and newlines only", R"("\t\n\r")", invalid("s")},
        // The ideographic space U+3000 is a space (spec/api.md: full-width and half-width text are
        // the same), so a value made of it is as empty as one made of ASCII spaces.
        {"ideographic spaces only", R"("　　")", invalid("s")},
        {"NUL", R"("a\u0000b")", invalid("s")},
        {"bell", R"("a\u0007b")", invalid("s")},
        {"carriage return", R"("a\rb")", invalid("s")},
        {"escape", R"("a\u001bb")", invalid("s")},
        {"newline inside text", R"("a\nb")", kAccepted},
        {"tab inside text", R"("a\tb")", kAccepted},
        {"surrounding spaces", R"("  a  ")", kAccepted},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("s", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).string("s"); }), c.expected) << c.description;
    }
}

TEST(FieldsString, MaximumLengthCountsCodePointsNotBytes) {
    struct Case {
        const char* description;
        std::string value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"100 ASCII", repeat("a", 100), kAccepted},
        {"101 ASCII", repeat("a", 101), invalid("s")},
        {"100 kanji (300 bytes)", repeat("山", 100), kAccepted},
        {"101 kanji", repeat("山", 101), invalid("s")},
        {"100 full-width digits", repeat("３", 100), kAccepted},
        {"100 emoji (400 bytes)", repeat("🚗", 100), kAccepted},
        {"101 emoji", repeat("🚗", 101), invalid("s")},
        {"99 kanji and an ASCII letter", repeat("山", 99) + "a", kAccepted},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = {{"s", c.value}};
        EXPECT_EQ(outcome_of([&] { Fields(doc).string("s", 100); }), c.expected) << c.description;
    }
    // The default maximum is 200 characters.
    const json doc = {{"long", repeat("あ", 201)}, {"ok", repeat("あ", 200)}};
    EXPECT_EQ(outcome_of([&] { Fields(doc).string("long"); }), invalid("long"));
    EXPECT_EQ(outcome_of([&] { Fields(doc).string("ok"); }), kAccepted);
}

TEST(FieldsString, OptionalStringAllowsEmptyButNotBlank) {
    const json doc = parse_body(R"({"e": "", "b": "  ", "v": "x", "c": "\u0001", "n": null})");
    const Fields f(doc);
    EXPECT_EQ(f.opt_string("e"), std::string());  // "" clears an optional text
    EXPECT_EQ(f.opt_string("v"), "x");
    EXPECT_EQ(f.opt_string("n"), std::nullopt);
    EXPECT_EQ(outcome_of([&] { f.opt_string("b"); }), invalid("b"));
    EXPECT_EQ(outcome_of([&] { f.opt_string("c"); }), invalid("c"));
    const json long_doc = {{"s", repeat("字", 41)}};
    EXPECT_EQ(outcome_of([&] { Fields(long_doc).opt_string("s", 40); }), invalid("s"));
}

TEST(FieldsString, OneOfIsExactAndCaseSensitive) {
    const json doc = parse_body(R"({"a": "agent", "b": "Agent", "c": "agent ", "d": 1, "e": ""})");
    const Fields f(doc);
    EXPECT_EQ(f.one_of("a", {"admin", "agent"}), "agent");
    EXPECT_EQ(outcome_of([&] { f.one_of("b", {"admin", "agent"}); }), invalid("b"));
    EXPECT_EQ(outcome_of([&] { f.one_of("c", {"admin", "agent"}); }), invalid("c"));
    EXPECT_EQ(outcome_of([&] { f.one_of("d", {"admin", "agent"}); }), invalid("d"));
    EXPECT_EQ(outcome_of([&] { f.one_of("e", {"admin", "agent"}); }), invalid("e"));
    try {
        f.one_of("b", {"admin", "agent"});
    } catch (const ApiError& e) {
        EXPECT_EQ(e.details()["expected"], "one of admin|agent");
    }
}

TEST(FieldsString, StringArrayNamesTheItem) {
    struct Case {
        const char* description;
        std::string value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"two strings", R"(["ferry", "beach"])", kAccepted},
        {"empty array", "[]", kAccepted},
        {"not an array", R"("remote_island")", invalid("refusal_grounds")},
        {"object", R"({"0": "ferry"})", invalid("refusal_grounds")},
        {"number at index 2", R"(["a", "b", 3])", invalid("refusal_grounds[2]")},
        {"empty string at index 1", R"(["a", ""])", invalid("refusal_grounds[1]")},
        {"null at index 0", R"([null])", invalid("refusal_grounds[0]")},
        {"nested array at index 0", R"([["a"]])", invalid("refusal_grounds[0]")},
        {"too many items", R"(["a", "b", "c", "d"])", invalid("refusal_grounds")},
        {"item of 5 kanji", R"(["山山山山山"])", kAccepted},
        {"item of 6 characters", R"(["a", "abcdef"])", invalid("refusal_grounds[1]")},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("refusal_grounds", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).string_array("refusal_grounds", 3, 5); }),
                  c.expected)
            << c.description;
    }
    const json doc = parse_body(R"({"g": ["x", "y"]})");
    EXPECT_EQ(Fields(doc).string_array("g", 3, 5), (std::vector<std::string>{"x", "y"}));
}

// ---------------------------------------------------------------------------------------------
// Dates and instants (spec/api.md "Conventions")

TEST(FieldsDate, StrictYearMonthDay) {
    struct Case {
        const char* value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {R"("2026-01-05")", kAccepted},
        {R"("2028-02-29")", kAccepted},
        {R"("2026-02-29")", invalid("d")},  // 2026 is not a leap year
        {R"("2026-04-31")", invalid("d")},
        {R"("2026-13-01")", invalid("d")},
        {R"("2026-00-10")", invalid("d")},
        {R"("2026-1-5")", invalid("d")},
        {R"("2026/01/05")", invalid("d")},
        {R"("20260105")", invalid("d")},
        {R"("2026-01-05T00:00:00+09:00")", invalid("d")},
        {R"(" 2026-01-05")", invalid("d")},
        {R"("１９８０-０４-０１")", invalid("d")},
        {R"("1899-12-31")", invalid("d")},
        {R"("")", invalid("d")},
        {"20260105", invalid("d")},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("d", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).date("d"); }), c.expected) << c.value;
    }
    using namespace std::chrono;
    const json doc = parse_body(R"({"d": "2026-01-05"})");
    EXPECT_EQ(Fields(doc).date("d"), core::Date(year{2026}, month{1}, day{5}));
}

TEST(FieldsInstant, Rfc3339WithAnOffset) {
    struct Case {
        const char* value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {R"("2026-02-05T10:30:00+09:00")", kAccepted},
        {R"("2026-02-05T01:30:00Z")", kAccepted},
        {R"("2026-02-05T01:30:00.123456Z")", kAccepted},
        {R"("2026-02-04T20:30:00-05:00")", kAccepted},
        {R"("2026-02-05T10:30:00")", invalid("t")},  // the offset is mandatory
        {R"("2026-02-05")", invalid("t")},
        {R"("2026-02-05T24:00:00Z")", invalid("t")},
        {R"("2026-02-05T10:60:00Z")", invalid("t")},
        {R"("2026-02-05T10:30:00+09:60")", invalid("t")},
        {R"("2026-02-05T10:30:00+0900")", invalid("t")},
        {R"("2026-02-30T10:30:00Z")", invalid("t")},
        {R"("2026-02-05T10:30:00Z ")", invalid("t")},
        {R"("2026-02-05T10:30:00.Z")", invalid("t")},
        {R"("yesterday")", invalid("t")},
        // Instants whose Japan-time day has no YYYY-MM-DD form (spec/api.md "Conventions").
        {R"("9999-12-31T14:59:59Z")", kAccepted},
        {R"("9999-12-31T15:00:00Z")", invalid("t")},
        {R"("9999-12-31T23:59:59-23:59")", invalid("t")},
        {R"("1900-01-01T00:00:00+09:00")", kAccepted},
        {R"("1900-01-01T00:00:00+23:59")", invalid("t")},
        {"1770255000", invalid("t")},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("t", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).instant("t"); }), c.expected) << c.value;
    }
    // Any offset names the same instant.
    const json doc = parse_body(
        R"({"jst": "2026-02-05T10:30:00+09:00", "utc": "2026-02-05T01:30:00Z",
            "ny": "2026-02-04T20:30:00-05:00"})");
    const Fields f(doc);
    EXPECT_EQ(f.instant("jst"), f.instant("utc"));
    EXPECT_EQ(f.instant("ny"), f.instant("utc"));
}

// ---------------------------------------------------------------------------------------------
// Coordinates: lat in [-90, 90], lon in [-180, 180], anything else is a 400 (spec/api.md
// "Conventions")

TEST(FieldsLatLon, RangeAndTypes) {
    struct Case {
        const char* description;
        std::string value;
        Outcome expected;
    };
    // clang-format off
    const Case cases[] = {
        {"Tokyo station", R"({"lat": 35.6812, "lon": 139.7671})", kAccepted},
        {"integers", R"({"lat": 35, "lon": 139})", kAccepted},
        {"north pole", R"({"lat": 90, "lon": 0})", kAccepted},
        {"south pole", R"({"lat": -90.0, "lon": 0})", kAccepted},
        {"lon 180", R"({"lat": 0, "lon": 180})", kAccepted},
        {"lon -180", R"({"lat": 0, "lon": -180.0})", kAccepted},
        {"extra keys are ignored", R"({"lat": 1, "lon": 2, "alt": 3})", kAccepted},
        {"lat 91", R"({"lat": 91, "lon": 139})", bad_coordinates("home")},
        {"lat just over 90", R"({"lat": 90.000001, "lon": 0})", bad_coordinates("home")},
        {"lat -90.5", R"({"lat": -90.5, "lon": 0})", bad_coordinates("home")},
        {"lon -180.5", R"({"lat": 35, "lon": -180.5})", bad_coordinates("home")},
        {"lon 181", R"({"lat": 35, "lon": 181})", bad_coordinates("home")},
        {"lat 1e300", R"({"lat": 1e300, "lon": 0})", bad_coordinates("home")},
        {"lon huge integer", R"({"lat": 0, "lon": 99999999999999999999})",
         bad_coordinates("home")},
        {"lat as string", R"({"lat": "35.6", "lon": 139})", invalid("home.lat")},
        {"lon as bool", R"({"lat": 35.6, "lon": true})", invalid("home.lon")},
        {"lat as object", R"({"lat": {}, "lon": 139})", invalid("home.lat")},
        {"lat missing", R"({"lon": 139})", missing("home.lat")},
        {"lon null", R"({"lat": 35, "lon": null})", missing("home.lon")},
        {"pair as array", "[35.6, 139.7]", invalid("home")},
        {"pair as string", R"("35.6,139.7")", invalid("home")},
        {"latitude/longitude spelt out", R"({"latitude": 35, "longitude": 139})",
         missing("home.lat")},
    };
    // clang-format on
    for (const Case& c : cases) {
        const json doc = doc_with("home", c.value);
        EXPECT_EQ(outcome_of([&] { Fields(doc).latlon("home"); }), c.expected) << c.description;
    }
    const json doc = parse_body(R"({"home": {"lat": 35.6812, "lon": 139.7671}})");
    const geo::LatLon p = Fields(doc).latlon("home");
    EXPECT_DOUBLE_EQ(p.lat_deg, 35.6812);
    EXPECT_DOUBLE_EQ(p.lon_deg, 139.7671);
}

// ---------------------------------------------------------------------------------------------
// Nested objects: the path says where the problem is

TEST(FieldsNested, ErrorsNameTheDottedPath) {
    const json doc = parse_body(R"({
        "vehicle": {"length_mm": "4690mm", "width_mm": 1690.5, "kind": "truck"},
        "holder": {"birth_date": "1980-04-31"},
        "call": {"location": {"lat": "x", "lon": 1}, "caller": {"info": {"name": ""}}},
        "far": {"location": {"lat": 95, "lon": 1}}
    })");
    const Fields f(doc);
    const Fields vehicle = f.object("vehicle");
    EXPECT_EQ(vehicle.path("plate"), "vehicle.plate");
    EXPECT_EQ(outcome_of([&] { vehicle.integer("length_mm", 1, 100'000); }),
              invalid("vehicle.length_mm"));
    EXPECT_EQ(outcome_of([&] { vehicle.integer("width_mm", 1, 100'000); }),
              invalid("vehicle.width_mm"));
    EXPECT_EQ(outcome_of([&] { vehicle.one_of("kind", {"small"}); }), invalid("vehicle.kind"));
    EXPECT_EQ(outcome_of([&] { vehicle.string("plate"); }), missing("vehicle.plate"));
    EXPECT_EQ(outcome_of([&] { f.object("holder").date("birth_date"); }),
              invalid("holder.birth_date"));
    const Fields call = f.object("call");
    EXPECT_EQ(outcome_of([&] { call.latlon("location"); }), invalid("call.location.lat"));
    EXPECT_EQ(outcome_of([&] { f.object("far").latlon("location"); }),
              bad_coordinates("far.location"));
    EXPECT_EQ(outcome_of([&] { call.object("caller").object("info").string("name"); }),
              invalid("call.caller.info.name"));
    EXPECT_EQ(outcome_of([&] { call.object("caller").object("nobody"); }),
              missing("call.caller.nobody"));
    EXPECT_EQ(outcome_of([&] { vehicle.object("length_mm"); }), invalid("vehicle.length_mm"));
    const json arrays = parse_body(R"({"incident": {"refusal_grounds": ["a", "b", false]}})");
    EXPECT_EQ(outcome_of([&] {
                  Fields(arrays).object("incident").string_array("refusal_grounds", 25, 64);
              }),
              invalid("incident.refusal_grounds[2]"));
}

TEST(FieldsNested, OptionalObject) {
    const json doc = parse_body(R"({"caller": {"name": "x"}, "none": null, "text": "x"})");
    const Fields f(doc);
    ASSERT_TRUE(f.opt_object("caller").has_value());
    EXPECT_EQ(f.opt_object("caller")->string("name"), "x");
    EXPECT_EQ(outcome_of([&] { f.opt_object("caller")->string("phone"); }),
              missing("caller.phone"));
    EXPECT_FALSE(f.opt_object("none").has_value());
    EXPECT_FALSE(f.opt_object("absent").has_value());
    EXPECT_EQ(outcome_of([&] { f.opt_object("text"); }), invalid("text"));
}

// ---------------------------------------------------------------------------------------------
// UUIDs: only the canonical text form reaches PostgreSQL's uuid type

TEST(IsUuid, CanonicalFormOnly) {
    struct Case {
        std::string text;
        bool expected;
    };
    // clang-format off
    const Case cases[] = {
        {"123e4567-e89b-12d3-a456-426614174000", true},
        {"00000000-0000-0000-0000-000000000000", true},
        {"123E4567-E89B-12D3-A456-426614174000", true},
        {"ffffffff-FFFF-ffff-FFFF-ffffffffffff", true},
        {"", false},
        {"not-a-uuid", false},
        {"123e4567e89b12d3a456426614174000", false},        // no hyphens
        {"{123e4567-e89b-12d3-a456-426614174000}", false},  // braces
        {"123e4567-e89b-12d3-a456-42661417400", false},     // 35 characters
        {"123e4567-e89b-12d3-a456-4266141740000", false},   // 37 characters
        {"123e4567-e89b-12d3-a456-42661417400g", false},
        {"123e4567-e89b-12d3-a4564-26614174000", false},    // hyphen moved
        {"123e4567+e89b-12d3-a456-426614174000", false},
        {"123e4567-e89b-12d3-a456-42661417400 ", false},
        {std::string("123e4567-e89b-12d3-a456-42661417400\0", 36), false},
        {"123e4567-e89b-12d3-a456-42661417400\xff", false},
        {"１23e4567-e89b-12d3-a456-4266141740", false},
        {"------------------------------------", false},
    };
    // clang-format on
    for (const Case& c : cases) EXPECT_EQ(is_uuid(c.text), c.expected) << "\"" << c.text << "\"";
}

// ---------------------------------------------------------------------------------------------
// The error body itself (spec/api.md "Conventions")

TEST(ErrorBody, HasCodeMessageAndDetails) {
    const json body = json::parse(error_body("invalid_field", "bad", {{"field", "a.b"}}));
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(body.size(), 1u);
    EXPECT_EQ(body["error"]["code"], "invalid_field");
    EXPECT_EQ(body["error"]["message"], "bad");
    EXPECT_EQ(body["error"]["details"]["field"], "a.b");
    const json empty = json::parse(error_body("unauthorized", "no"));
    EXPECT_TRUE(empty["error"]["details"].is_object());
    EXPECT_TRUE(empty["error"]["details"].empty());
}

TEST(ErrorBody, InvalidUtf8InAMessageStillMakesValidJson) {
    // A message may quote what the client sent; the body must stay valid UTF-8 JSON anyway.
    const std::string text = error_body("bad_request", "bad byte \xff here", {{"field", "\xfe"}});
    const json body = json::parse(text, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << text;
    EXPECT_EQ(body["error"]["code"], "bad_request");
}

TEST(ErrorHelpers, MissingAndInvalidFieldThrowNamedErrors) {
    EXPECT_EQ(outcome_of([] { missing_field("holder.name"); }), missing("holder.name"));
    EXPECT_EQ(outcome_of([] { invalid_field("refusal_grounds[0]", "one of x"); }),
              invalid("refusal_grounds[0]"));
}

}  // namespace
}  // namespace roadside::api
