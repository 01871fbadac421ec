#pragma once
// Grounds on which the operator refuses service, recorded by the agent on a call
// (ロードサービス規定 第6条(1)–(13), and the conditions of 第3条 that the caller cannot meet).
#include <optional>
#include <span>
#include <string_view>

namespace roadside::dispatch {

struct RefusalGround {
    std::string_view code;
    std::string_view clause;
    std::string_view description;
};

std::span<const RefusalGround> refusal_grounds();
const RefusalGround* find_refusal_ground(std::string_view code);

}  // namespace roadside::dispatch
