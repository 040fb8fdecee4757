// rulegap — iptables-save reader: turning one parsed rule specification into model rules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "parsers/common/error_handler.hpp"
#include "parsers/iptables/ast.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::iptables {

using common::ErrorHandler;
using common::error_handler_tag;
using common::LineIndex;
using common::quote;

// One option of a rule: `[!] -opt args...` (or the old `-opt ! args...`).
struct Item {
    const ast::Token* option = nullptr;
    bool negated = false;
    const ast::Token* args = nullptr;
    std::uint32_t n_args = 0;

    std::string_view name() const { return option->text(); }
    const char* at() const { return option->begin; }
    std::string_view arg(std::size_t i) const { return args[i].text(); }
    const char* arg_at(std::size_t i) const { return args[i].begin; }
    const char* end() const;  // one past the last character of the item
};

struct LowerResult {
    bool ok = true;  // false: an error was reported and one unparsed rule was produced
    int family = 0;  // 4 or 6 when the rule's addresses (or -4/-6) tie it to a family
    bool icmpv6 = false;
};

struct Builder;

class Lowerer {
public:
    // `texts` keeps the texts rules cannot view in the input (comments with escapes).
    Lowerer(ErrorHandler& handler, Ruleset& texts, const IptablesOptions& options);
    ~Lowerer();
    Lowerer(const Lowerer&) = delete;
    Lowerer& operator=(const Lowerer&) = delete;

    // `spec` holds the tokens after the chain (and after an -I position). `text` is the rule as
    // written, from the command on. Appends one rule, or several when iptables would expand the
    // line (-s/-d comma lists, multiport --ports).
    LowerResult lower(std::span<const ast::Token> spec, std::string_view text, std::uint32_t line,
                      std::uint32_t column, std::vector<Rule>& out);

private:
    ErrorHandler& eh_;
    Ruleset& texts_;
    std::vector<Item> items_;  // reused from rule to rule
    std::vector<Item> target_options_;
    std::unique_ptr<Builder> builder_;  // reused from rule to rule
};

// The rule a line becomes when it cannot be read: its verdict is unknown.
Rule unparsed_rule(std::string_view text, std::uint32_t line, std::uint32_t column, std::string reason);

// Splits tokens into items. Reports and returns false on a stray argument.
bool group_items(std::span<const ast::Token> spec, ErrorHandler& eh, std::vector<Item>& items);

// Text of a possibly quoted token, with quotes removed and backslash escapes resolved.
std::string unquote(std::string_view token);
// The same as a view into the token, when that needs no change but dropping enclosing quotes.
std::optional<std::string_view> plain_text(std::string_view token);

}  // namespace rulegap::iptables
