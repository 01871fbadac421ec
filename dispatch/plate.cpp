#include "dispatch/plate.hpp"

#include "core/text.hpp"

namespace roadside::dispatch {

std::string normalize_plate(std::string_view plate) {
    const std::string folded = core::normalize_identifier(plate);
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size();) {
        if (folded[i] == '-') {
            ++i;
            continue;
        }
        // "・" (U+30FB, E3 83 BB) and "･" (U+FF65, EF BD A5) pad and separate plate digits.
        if (folded.compare(i, 3, "\xE3\x83\xBB") == 0 ||
            folded.compare(i, 3, "\xEF\xBD\xA5") == 0) {
            i += 3;
            continue;
        }
        out.push_back(folded[i++]);
    }
    return out;
}

std::optional<int> plate_class_digit(std::string_view plate) {
    // Region name (kanji, multi-byte), then the 分類番号 (ASCII digits/letters), then one kana.
    const std::string p = normalize_plate(plate);
    std::size_t i = 0;
    while (i < p.size() && static_cast<unsigned char>(p[i]) >= 0x80) ++i;
    if (i == 0 || i >= p.size()) return std::nullopt;
    if (p[i] < '0' || p[i] > '9') return std::nullopt;
    // Without a kana after the digits they are the serial number ("室蘭お1"), not a class.
    std::size_t j = i;
    while (j < p.size() && static_cast<unsigned char>(p[j]) < 0x80) ++j;
    if (j >= p.size()) return std::nullopt;
    return p[i] - '0';
}

}  // namespace roadside::dispatch
