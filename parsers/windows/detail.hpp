// rulegap — Windows Firewall readers: what the per-form readers share (private).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/common/text.hpp"
#include "rulegap/source.hpp"
#include "rulegap/windows.hpp"

namespace rulegap::windows {

// ----- text (parsers/common/text.hpp) -----

using common::decode_text;
using common::DecodedText;
using common::iequals;
using common::LineIndex;
using common::TextEncoding;
using common::trim;
using common::utf16le_to_utf8;

// Part of the input that may hold rules was not read (a cut or undecodable file, a line that
// cannot be parsed): a placeholder rule whose action and direction are unknown, so that every
// verdict it could touch is `unknown` — never allowed by omission. `id` says what was lost.
// The placeholder belongs to the store being read (a .reg section may differ from policy.store).
inline void add_unread_rule(WindowsPolicy& policy, SourceLoc where, std::string id) {
    WindowsRule r;
    r.id = std::move(id);
    r.where = std::move(where);
    r.readable = false;
    r.store = policy.store;
    policy.rules.push_back(std::move(r));
}

// The text could not be decoded (`!text.ok`): an error, and an unread rule for the rest of the
// file. `store_told_later`: the form names each rule's store later (a key, a column), so until
// then the unread rule counts as Group Policy's, which AllowLocalPolicyMerge never leaves out.
inline void add_undecodable_rest(WindowsPolicy& policy, const std::string& file, const DecodedText& text,
                                 bool store_told_later) {
    policy.diagnostics.error(SourceLoc{file, 0, 0}, text.error + "; the rest of the file is not read");
    add_unread_rule(policy, SourceLoc{file, 0, 0}, "(the rest of the file)");
    if (store_told_later) policy.rules.back().store = WindowsStore::group_policy;
}

// A reader's empty policy: its form, store and file.
inline WindowsPolicy new_policy(WindowsForm form, WindowsStore store, const std::string& file) {
    WindowsPolicy p;
    p.form = form;
    p.store = store;
    p.file = file;
    p.files = {file};
    return p;
}

// ----- rule keys (rule_string/lower.cpp) -----

// Appends key=value to the rule's key list and interprets it. `at` locates the value.
void apply_field(WindowsRule& rule, std::string_view key, std::string_view value, const SourceLoc& at,
                 Diagnostics& diagnostics);
// After the last field: checks what every rule needs (Action, Dir).
void finish_rule(WindowsRule& rule, Diagnostics& diagnostics);
// Human name of a rule for messages: "rule 'Name' (id)".
std::string describe(const WindowsRule& rule);

// ----- values (rule_string/values.cpp) -----

std::optional<WindowsPort> parse_port_item(std::string_view text, std::string* error);
std::optional<WindowsAddress> parse_address_item(std::string_view text, int family_hint, std::string* error);
std::optional<WindowsIcmp> parse_icmp_item(std::string_view text, std::string* error);
std::optional<bool> parse_bool(std::string_view text);  // TRUE/FALSE, true/false, 1/0

// ----- profile settings (profiles.cpp) -----

// Applies a registry-style profile value (DWORD or text; GPO XML: booleans where true = block),
// read at `at`. False when `name` is a modelled setting whose value is not a boolean: it is then
// recorded as unreadable (the caller reports where).
bool apply_profile_value(WindowsProfileSettings& s, std::string_view name, std::string_view value,
                         const SourceLoc& at);
// Records a modelled setting whose value could not be read at all; false for other names.
bool mark_unreadable(WindowsProfileSettings& s, std::string_view name, const SourceLoc& at);
std::optional<WindowsProfileKey> profile_key(std::string_view name);  // "DomainProfile" ...

// ----- stores (stores.cpp) -----

// The profile entries of one store that give a profile its settings: its own key, else (local
// store, private) StandardProfile; Group Policy: StandardProfile for private and public when
// the store has neither PrivateProfile nor PublicProfile ([MS-GPFAS] 2.2.3). `key_used` gets the
// key chosen.
std::vector<const WindowsProfileSettings*> profile_entries(const WindowsPolicy& policy, WindowsProfile p,
                                                           WindowsStore store,
                                                           WindowsProfileKey* key_used = nullptr);

}  // namespace rulegap::windows
