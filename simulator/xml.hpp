#pragma once
// Text for hand-written SVG: the day's picture (roadside-sim day --svg) and the benchmark plot.
#include <string>
#include <string_view>

namespace roadside::sim {

// `s` with &, <, > and " escaped: safe as element text and inside a double-quoted attribute.
inline std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace roadside::sim
