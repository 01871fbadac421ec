#include "function_length.hpp"

#include <cctype>
#include <cstddef>

namespace roadside::tidy {
namespace {

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The source with comments, literals and preprocessor lines turned into spaces (newlines kept), so
// that every brace left is a real one.
class Blanker {
  public:
    explicit Blanker(std::string_view in) : in_(in), out_(in) {}

    std::string run() {
        bool line_start = true;
        while (i_ < in_.size()) {
            const char c = in_[i_];
            if (line_start && c == '#') {
                preprocessor_line();
                continue;
            }
            if (c == '\n') line_start = true;
            else if (c != ' ' && c != '\t') line_start = false;
            if (starts("//")) line_comment();
            else if (starts("/*")) block_comment();
            else if (c == '"' && raw_prefix()) raw_string();
            else if (c == '"' || c == '\'') quoted(c);
            else if (std::isdigit(static_cast<unsigned char>(c)) != 0 && !after_ident()) number();
            else ++i_;
        }
        return out_;
    }

  private:
    bool starts(std::string_view s) const { return in_.substr(i_, s.size()) == s; }
    bool after_ident() const { return i_ > 0 && ident_char(in_[i_ - 1]); }
    void blank(std::size_t j) {
        if (out_[j] != '\n') out_[j] = ' ';
    }
    void preprocessor_line() {
        while (i_ < in_.size() && in_[i_] != '\n') {
            if (in_[i_] == '\\' && i_ + 1 < in_.size() && in_[i_ + 1] == '\n') {
                blank(i_);
                i_ += 2;
                continue;
            }
            blank(i_++);
        }
    }
    void line_comment() {
        while (i_ < in_.size() && in_[i_] != '\n') blank(i_++);
    }
    void block_comment() {
        blank(i_++);
        blank(i_++);
        while (i_ < in_.size() && !starts("*/")) blank(i_++);
        if (i_ < in_.size()) {
            blank(i_++);
            blank(i_++);
        }
    }
    // R"delim( … )delim", with an optional u8/u/U/L prefix before the R.
    bool raw_prefix() const { return i_ > 0 && in_[i_ - 1] == 'R' && (i_ < 2 || !ident_char(in_[i_ - 2]) || in_[i_ - 2] == '8' || in_[i_ - 2] == 'u' || in_[i_ - 2] == 'U' || in_[i_ - 2] == 'L'); }
    void raw_string() {
        const std::size_t open = in_.find('(', i_);
        if (open == std::string_view::npos) {
            ++i_;
            return;
        }
        std::string close(1, ')');
        close.append(in_.substr(i_ + 1, open - i_ - 1)).push_back('"');
        const std::size_t end = in_.find(close, open);
        const std::size_t stop = end == std::string_view::npos ? in_.size() : end + close.size();
        while (i_ < stop) blank(i_++);
    }
    void quoted(char q) {
        blank(i_++);
        while (i_ < in_.size() && in_[i_] != q && in_[i_] != '\n') {
            if (in_[i_] == '\\' && i_ + 1 < in_.size()) blank(i_++);
            blank(i_++);
        }
        if (i_ < in_.size() && in_[i_] == q) blank(i_++);
    }
    // A pp-number, so that digit separators (10'000) are not taken for character literals.
    void number() {
        while (i_ < in_.size()) {
            const char c = in_[i_];
            const bool sign = (c == '+' || c == '-') && i_ > 0 &&
                              (in_[i_ - 1] == 'e' || in_[i_ - 1] == 'E' || in_[i_ - 1] == 'p' ||
                               in_[i_ - 1] == 'P');
            if (!(ident_char(c) || c == '.' || c == '\'' || sign)) break;
            ++i_;
        }
    }

    std::string_view in_;
    std::string out_;
    std::size_t i_ = 0;
};

enum class Scope { space, type, function, other };

bool has_word(std::string_view s, std::string_view word) {
    for (std::size_t p = s.find(word); p != std::string_view::npos; p = s.find(word, p + 1)) {
        const bool left = p == 0 || !ident_char(s[p - 1]);
        const bool right = p + word.size() >= s.size() || !ident_char(s[p + word.size()]);
        if (left && right) return true;
    }
    return false;
}

// The statement without a leading template<…> header, whose "class"/"typename" are not a type's.
std::string_view without_template(std::string_view s) {
    const std::size_t t = s.find("template");
    if (t == std::string_view::npos || !has_word(s.substr(0, t + 8), "template")) return s;
    int depth = 0;
    for (std::size_t i = s.find('<', t); i < s.size(); ++i) {
        if (s[i] == '<') ++depth;
        if (s[i] == '>' && --depth == 0) return without_template(s.substr(i + 1));
    }
    return s;
}

// Positions of parentheses at depth 0 in the statement: the first '(' and the last ')'.
struct Parens {
    std::size_t first_open = std::string_view::npos;
    std::size_t first_close = std::string_view::npos;  // the one that closes first_open
    std::size_t last_close = std::string_view::npos;
    bool assignment = false;  // an '=' outside parentheses: an initializer, not a function
};

Parens parens_of(std::string_view s) {
    Parens p;
    int depth = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '(') {
            if (depth++ == 0 && p.first_open == std::string_view::npos) p.first_open = i;
        } else if (c == ')') {
            if (--depth == 0) {
                p.last_close = i;
                if (p.first_close == std::string_view::npos) p.first_close = i;
            }
        } else if (c == '=' && depth == 0) {
            const char before = i > 0 ? s[i - 1] : ' ';
            const char after = i + 1 < s.size() ? s[i + 1] : ' ';
            const bool comparison = after == '=' || before == '=' || before == '!' ||
                                    before == '<' || before == '>';
            const bool op = s.substr(0, i).find("operator") != std::string_view::npos &&
                            p.first_open == std::string_view::npos;
            if (!comparison && !op) p.assignment = true;
        }
    }
    return p;
}

char last_non_space(std::string_view s) {
    for (std::size_t i = s.size(); i > 0; --i) {
        if (std::isspace(static_cast<unsigned char>(s[i - 1])) == 0) return s[i - 1];
    }
    return ' ';
}

std::string name_before(std::string_view s, std::size_t open) {
    std::size_t end = open;
    while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1])) != 0) --end;
    std::size_t begin = end;
    while (begin > 0 && (ident_char(s[begin - 1]) || s[begin - 1] == ':' || s[begin - 1] == '~' ||
                         s[begin - 1] == '<' || s[begin - 1] == '>' || s[begin - 1] == '=' ||
                         s[begin - 1] == '!' || s[begin - 1] == '[' || s[begin - 1] == ']')) {
        --begin;
    }
    return std::string(s.substr(begin, end - begin));
}

// What a '{' opens, at namespace or class scope, given the statement before it.
Scope classify(std::string_view statement, std::string* name) {
    const std::string_view s = without_template(statement);
    if (has_word(s, "namespace") || has_word(s, "extern")) return Scope::space;
    const Parens p = parens_of(s);
    if (p.assignment) return Scope::other;
    const bool type_word = has_word(s, "class") || has_word(s, "struct") ||
                           has_word(s, "union") || has_word(s, "enum");
    if (type_word && p.first_open == std::string_view::npos) return Scope::type;
    if (p.last_close == std::string_view::npos) return Scope::other;
    // After the parameters: qualifiers, a trailing return type, or a constructor's initializer
    // list. In the list, a brace after a member's name initialises it; the body follows ')' or '}'.
    const std::string_view tail = s.substr(p.first_close + 1);
    const bool init_list = tail.find(':') != std::string_view::npos &&
                           tail.find("::") == std::string_view::npos;
    const char before = last_non_space(s);
    if (init_list && before != ')' && before != '}') return Scope::other;
    *name = name_before(s, p.first_open);
    return Scope::function;
}

}  // namespace

std::vector<FunctionSpan> function_spans(std::string_view source) {
    const std::string text = Blanker(source).run();
    struct Open {
        Scope scope;
        int line;
        std::string name;
    };
    std::vector<Open> stack;
    std::vector<FunctionSpan> out;
    std::string statement;  // what precedes the next brace at namespace or class scope
    int line = 1;
    // Braces are classified only where declarations live; inside a function body, an
    // initializer or a lambda, every brace is part of what contains it.
    const auto at_declarations = [&] {
        return stack.empty() || stack.back().scope == Scope::space ||
               stack.back().scope == Scope::type;
    };
    for (const char c : text) {
        if (c == '\n') ++line;
        if (c == '{') {
            Open o{Scope::other, line, {}};
            if (at_declarations()) o.scope = classify(statement, &o.name);
            if (o.scope != Scope::other) statement.clear();
            stack.push_back(std::move(o));
        } else if (c == '}') {
            if (stack.empty()) continue;
            const Open o = std::move(stack.back());
            stack.pop_back();
            if (o.scope == Scope::function) out.push_back({o.name, o.line, line});
            if (at_declarations()) {
                // An initializer's braces stay part of the statement (a constructor's member
                // initialisers come before its body).
                if (o.scope == Scope::other) statement += "{}";
                else statement.clear();
            }
        } else if (at_declarations()) {
            if (c == ';') statement.clear();
            else statement.push_back(c);
        }
    }
    return out;
}

}  // namespace roadside::tidy
