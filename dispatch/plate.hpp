#pragma once
// Japanese number plates (自動車登録番号 / 車両番号).
#include <optional>
#include <string>
#include <string_view>

namespace roadside::dispatch {

// The matching key of a plate: full-width folded to half-width, every space and the separators
// people write between digits ("-", "・", "･") removed.
// "品川　３００　あ　１２３４" and "品川 300 あ 12-34" both become "品川300あ1234".
std::string normalize_plate(std::string_view plate);

// The first digit of the 分類番号 ("300" -> 3), when the plate carries one.
std::optional<int> plate_class_digit(std::string_view plate);

}  // namespace roadside::dispatch
