// Refusal grounds the agent records (dispatch/refusal.hpp): ロードサービス規定 第6条(1)–(13) and the
// conditions of 第3条 that the caller cannot or will not meet.
#include "dispatch/refusal.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace roadside::dispatch {
namespace {

TEST(RefusalGrounds, Article3ConditionsTheAgentConfirms) {
    struct Row {
        const char* code;
        const char* clause;
    };
    const Row rows[] = {
        {"documents_refused", "第3条(3)"},       // 保証書・免許証・車検証の提示, 作業報告書への署名
        {"waiver_refused", "第3条(4)"},          // 念書への署名
        {"no_police_report", "第3条(5)"},
        {"instructions_not_followed", "第3条(6)"},  // 丙及びサービス実施者の指示に従い
        {"customer_absent", "第3条(7)"},
        {"no_dangerous_goods_licensee", "第3条(8)"},
    };
    for (const Row& r : rows) {
        const RefusalGround* g = find_refusal_ground(r.code);
        ASSERT_NE(g, nullptr) << r.code;
        EXPECT_EQ(g->clause, r.clause) << r.code;
        EXPECT_FALSE(g->description.empty()) << r.code;
    }
}

TEST(RefusalGrounds, CodesAreUniqueAndSnakeCase) {
    std::set<std::string> seen;
    for (const RefusalGround& g : refusal_grounds()) {
        EXPECT_TRUE(seen.insert(std::string(g.code)).second) << g.code;
        for (const char c : g.code) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << g.code;
        EXPECT_TRUE(g.clause.starts_with("第6条") || g.clause.starts_with("第3条")) << g.code;
    }
    EXPECT_EQ(find_refusal_ground("unknown"), nullptr);
    EXPECT_EQ(find_refusal_ground(""), nullptr);
}

}  // namespace
}  // namespace roadside::dispatch
