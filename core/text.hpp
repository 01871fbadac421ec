#pragma once
// Text normalisation for the identifiers people type or official files carry in full width
// (全角): plates, chassis numbers, digits in the 車検証 export.
#include <string>
#include <string_view>

namespace roadside::core {

// Full-width ASCII (U+FF01..U+FF5E) becomes ASCII, the ideographic space U+3000 becomes ' ',
// and the dash look-alikes (U+2010..U+2015, U+2212) become '-'.
// Everything else, including kana and kanji, is kept. Input must be valid UTF-8.
std::string to_halfwidth(std::string_view utf8);

// Trims ASCII whitespace at both ends and collapses inner runs to one space.
std::string collapse_spaces(std::string_view text);

// to_halfwidth, then every whitespace removed: "品川　３００　あ　１２３４" -> "品川300あ1234".
std::string normalize_identifier(std::string_view utf8);

bool is_valid_utf8(std::string_view bytes);

// Number of code points (input must be valid UTF-8).
std::size_t utf8_length(std::string_view utf8);

}  // namespace roadside::core
