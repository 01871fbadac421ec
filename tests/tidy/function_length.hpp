#pragma once
// A small C++ lexer that finds function bodies and their length, for the "short functions" rule
// (STYLE.md, TigerBeetle's tidy check: no function outside tests over about 70 lines). It is not a
// parser: it knows comments, string, character and raw string literals, preprocessor lines, and
// tells a function body from a namespace, class or initializer brace by what precedes it.
#include <string>
#include <string_view>
#include <vector>

namespace roadside::tidy {

struct FunctionSpan {
    std::string name;  // the identifier just before the parameter list, e.g. "Router::match"
    int first_line = 0;  // the line of the opening brace (1-based)
    int last_line = 0;   // the line of the closing brace
    int lines() const { return last_line - first_line + 1; }
};

// Every function body at namespace or class scope (lambdas and local blocks count as part of the
// function that contains them).
std::vector<FunctionSpan> function_spans(std::string_view source);

}  // namespace roadside::tidy
