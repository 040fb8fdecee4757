// Profile settings, profile names, forms, and the host context of the lowering.
#include <algorithm>

#include "parsers/windows/detail.hpp"

namespace rulegap {

std::string_view to_string(WindowsForm f) {
    switch (f) {
        case WindowsForm::unknown:
            return "unknown";
        case WindowsForm::wfw:
            return "wfw";
        case WindowsForm::reg:
            return "reg";
        case WindowsForm::gpo_xml:
            return "gpo-xml";
        case WindowsForm::csv:
            return "csv";
        case WindowsForm::rule_strings:
            return "rule-strings";
        case WindowsForm::format_list:
            return "format-list";
    }
    return "unknown";
}

std::string_view to_string(WindowsProfile p) {
    switch (p) {
        case WindowsProfile::domain:
            return "Domain";
        case WindowsProfile::private_:
            return "Private";
        case WindowsProfile::public_:
            return "Public";
    }
    return "Domain";
}

std::optional<WindowsProfile> parse_windows_profile(std::string_view name) {
    name = windows::trim(name);
    if (windows::iequals(name, "Domain")) return WindowsProfile::domain;
    if (windows::iequals(name, "Private")) return WindowsProfile::private_;
    if (windows::iequals(name, "Public")) return WindowsProfile::public_;
    return std::nullopt;
}

void WindowsContext::bind(std::string_view keyword, WindowsAddressBinding b) {
    std::string k = windows_address_keyword(keyword);
    addresses[k.empty() ? std::string(keyword) : k] = std::move(b);
}

const WindowsAddressBinding* WindowsContext::find(std::string_view keyword) const {
    std::string k = windows_address_keyword(keyword);
    auto it = addresses.find(k.empty() ? std::string(keyword) : k);
    if (it != addresses.end()) return &it->second;
    for (const auto& [name, b] : addresses)  // bound under another capitalisation
        if (windows::iequals(name, keyword)) return &b;
    return nullptr;
}

namespace windows {

std::optional<WindowsProfileKey> profile_key(std::string_view name) {
    if (iequals(name, "DomainProfile")) return WindowsProfileKey::domain;
    if (iequals(name, "PrivateProfile")) return WindowsProfileKey::private_;
    if (iequals(name, "PublicProfile")) return WindowsProfileKey::public_;
    if (iequals(name, "StandardProfile")) return WindowsProfileKey::standard;
    return std::nullopt;
}

// Registry: DWORD 0 = allow, 1 = block; GPO XML: true = block. Both read as a boolean "block".
namespace {

constexpr const char* modelled_settings[] = {"EnableFirewall", "DefaultInboundAction",
                                             "DefaultOutboundAction", "DoNotAllowExceptions",
                                             "AllowLocalPolicyMerge"};

}  // namespace

bool mark_unreadable(WindowsProfileSettings& s, std::string_view name, const SourceLoc& at) {
    for (const char* known : modelled_settings) {
        if (!iequals(name, known)) continue;
        s.present = true;
        s.add_unreadable(known);
        s.set_where(known, at);
        return true;
    }
    return false;
}

bool apply_profile_value(WindowsProfileSettings& s, std::string_view name, std::string_view value,
                         const SourceLoc& at) {
    s.present = true;
    std::optional<bool> b = parse_bool(value);
    bool ok = true;
    for (const char* known : modelled_settings)
        if (iequals(name, known)) s.set_where(known, at);
    auto action = [&](std::optional<WindowsAction>& into) {
        if (b)
            into = *b ? WindowsAction::block : WindowsAction::allow;
        else
            ok = !mark_unreadable(s, name, at);
    };
    auto flag = [&](std::optional<bool>& into) {
        if (b)
            into = *b;
        else
            ok = !mark_unreadable(s, name, at);
    };
    if (iequals(name, "EnableFirewall"))
        flag(s.enable_firewall);
    else if (iequals(name, "DefaultInboundAction"))
        action(s.default_inbound);
    else if (iequals(name, "DefaultOutboundAction"))
        action(s.default_outbound);
    else if (iequals(name, "DoNotAllowExceptions"))
        flag(s.do_not_allow_exceptions);
    else if (iequals(name, "AllowLocalPolicyMerge"))
        flag(s.allow_local_policy_merge);
    else
        s.others.emplace_back(std::string(name), std::string(value));
    return ok;
}

}  // namespace windows
}  // namespace rulegap
