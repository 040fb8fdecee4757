// The Group Policy and local stores ([MS-FASP] 3.1.3): the settings a profile gets from both,
// and combining the exports of one host into one policy.
#include <algorithm>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

WindowsProfileKey own_key(WindowsProfile p) {
    return p == WindowsProfile::domain     ? WindowsProfileKey::domain
           : p == WindowsProfile::private_ ? WindowsProfileKey::private_
                                           : WindowsProfileKey::public_;
}

std::string shown(bool b) { return b ? "true" : "false"; }
std::string shown(WindowsAction a) { return std::string(to_string(a)); }

// How an entry is named in messages: its GPO, else its file.
std::string named(const WindowsProfileSettings& s) {
    return s.gpo.empty() ? s.where.file : "GPO '" + s.gpo + "'";
}

std::string store_name(WindowsStore s) {
    return s == WindowsStore::group_policy ? "Group Policy" : "the local store";
}

// Merges the entries of the stores into one WindowsProfileSettings, remembering which entry set
// each option so that conflicts and overrides name both sides.
class Merger {
public:
    Merger(WindowsProfileSettings& out, Diagnostics& diagnostics) : out_(out), diagnostics_(diagnostics) {}

    template <typename T>
    void take(std::optional<T>& into, const WindowsProfileSettings*& origin, const std::optional<T>& from,
              const WindowsProfileSettings& entry, const char* name) {
        if (!from) return;
        if (!into) {
            into = from;
            origin = &entry;
            if (const SourceLoc* at = entry.where_of(name)) out_.set_where(name, *at);
            return;
        }
        if (*into == *from) return;
        if (origin->store == entry.store) {
            std::string between = !origin->gpo.empty() && !entry.gpo.empty()
                                      ? "GPOs ('" + origin->gpo + "' and '" + entry.gpo + "')"
                                      : (entry.store == WindowsStore::group_policy ? "Group Policy exports ("
                                                                                   : "local exports (") +
                                            named(*origin) + " and " + named(entry) + ")";
            diagnostics_.warning(
                origin->where, std::string(name) + " differs between " + between + "; the first one is used");
        } else {
            diagnostics_.note(entry.where, std::string(name) + " " + shown(*from) +
                                               " in the local store is overridden by " + "Group Policy (" +
                                               shown(*into) + ", " + named(*origin) + ")");
        }
    }

    void entry(const WindowsProfileSettings& e) {
        if (!out_.present) {
            out_.present = true;
            out_.where = e.where;
            out_.gpo = e.gpo;
            out_.store = e.store;
        }
        take(out_.enable_firewall, enable_, e.enable_firewall, e, "EnableFirewall");
        take(out_.default_inbound, inbound_, e.default_inbound, e, "DefaultInboundAction");
        take(out_.default_outbound, outbound_, e.default_outbound, e, "DefaultOutboundAction");
        // An unreadable setting counts where a readable one would: unless an entry before it
        // (Group Policy, or the first GPO) set it.
        for (const std::string& name : e.unreadable) {
            bool set = (name == "EnableFirewall" && out_.enable_firewall) ||
                       (name == "DefaultInboundAction" && out_.default_inbound) ||
                       (name == "DefaultOutboundAction" && out_.default_outbound) ||
                       (name == "DoNotAllowExceptions" && out_.do_not_allow_exceptions);
            if (name == "AllowLocalPolicyMerge" || set) continue;  // (merge: see allow_local_policy_merge)
            if (!out_.is_unreadable(name))
                if (const SourceLoc* at = e.where_of(name)) out_.set_where(name, *at);
            out_.add_unreadable(name);
        }
        take(out_.do_not_allow_exceptions, shielded_, e.do_not_allow_exceptions, e, "DoNotAllowExceptions");
        out_.others.insert(out_.others.end(), e.others.begin(), e.others.end());
    }

    void allow_local_policy_merge(const WindowsProfileSettings& e) {
        take(out_.allow_local_policy_merge, merge_, e.allow_local_policy_merge, e, "AllowLocalPolicyMerge");
    }

private:
    WindowsProfileSettings& out_;
    Diagnostics& diagnostics_;
    const WindowsProfileSettings *enable_ = nullptr, *inbound_ = nullptr, *outbound_ = nullptr,
                                 *shielded_ = nullptr, *merge_ = nullptr;
};

}  // namespace

std::string_view to_string(WindowsStore s) {
    return s == WindowsStore::group_policy ? "group-policy" : "local";
}

WindowsProfileSettings WindowsPolicy::settings(WindowsProfile p, Diagnostics& diagnostics) const {
    WindowsProfileSettings out;
    Merger merger(out, diagnostics);
    const std::string pname(to_string(p));
    bool group_policy_present = false;
    for (WindowsStore store : {WindowsStore::group_policy, WindowsStore::local}) {
        WindowsProfileKey key = own_key(p);
        std::vector<const WindowsProfileSettings*> entries = windows::profile_entries(*this, p, store, &key);
        if (store == WindowsStore::group_policy) {
            group_policy_present = !entries.empty();
            if (p != WindowsProfile::domain && key != WindowsProfileKey::standard)
                for (const auto& [k, e] : profiles)
                    if (k == WindowsProfileKey::standard && e.present && e.store == store)
                        diagnostics.note(e.where, "StandardProfile of Group Policy is ignored for the " +
                                                      pname +
                                                      " profile: the policy has PrivateProfile or "
                                                      "PublicProfile ([MS-GPFAS] 2.2.3)");
        }
        for (const WindowsProfileSettings* e : entries) {
            merger.entry(*e);
            // Group Policy's AllowLocalPolicyMerge, unreadable: whether local rules apply is unknown.
            if (store == WindowsStore::group_policy && key != WindowsProfileKey::standard &&
                !out.allow_local_policy_merge && e->is_unreadable("AllowLocalPolicyMerge"))
                out.add_unreadable("AllowLocalPolicyMerge");
            if (!e->allow_local_policy_merge) continue;
            const std::string value = "AllowLocalPolicyMerge=" + shown(*e->allow_local_policy_merge);
            if (key == WindowsProfileKey::standard) {
                diagnostics.note(e->where, value +
                                               " under StandardProfile is ignored: it is set per profile "
                                               "(DomainProfile, PrivateProfile, PublicProfile)");
            } else if (store == WindowsStore::local && group_policy_present) {
                diagnostics.note(e->where,
                                 value + " in the local store is ignored for the " + pname +
                                     " profile: only Group Policy decides whether local rules apply");
            } else if (out.is_unreadable("AllowLocalPolicyMerge")) {
                // an earlier GPO's value, unreadable, decides: unknown (to_ruleset)
            } else {
                merger.allow_local_policy_merge(*e);
                if (store == WindowsStore::local)
                    diagnostics.note(e->where,
                                     value + " in the local store has no effect for the " + pname +
                                         " profile: only Group Policy decides whether local rules apply");
            }
        }
    }
    return out;
}

WindowsProfileSettings WindowsPolicy::settings(WindowsProfile p, std::vector<std::string>* conflicts) const {
    Diagnostics diagnostics;
    WindowsProfileSettings out = settings(p, diagnostics);
    if (conflicts)
        for (const Diagnostic& d : diagnostics.items)
            if (d.severity == Severity::warning) conflicts->push_back(d.message);
    return out;
}

WindowsPolicy combine_windows_policies(std::vector<WindowsPolicy> policies) {
    if (policies.empty()) return {};
    if (policies.size() == 1) return std::move(policies.front());
    WindowsPolicy out;
    out.form = policies.front().form;
    out.store = policies.front().store;
    std::string parts;
    for (WindowsPolicy& p : policies) {
        std::vector<std::string> files =
            p.files.empty() ? std::vector<std::string>{p.file} : std::move(p.files);
        for (std::string& f : files) {
            out.file += (out.file.empty() ? "" : " + ") + f;
            parts += (parts.empty() ? "" : ", ") + f;
            out.files.push_back(std::move(f));
        }
        parts += " (" + std::string(to_string(p.form)) + ", " + store_name(p.store) + ")";
        std::move(p.rules.begin(), p.rules.end(), std::back_inserter(out.rules));
        std::move(p.profiles.begin(), p.profiles.end(), std::back_inserter(out.profiles));
        std::move(p.globals.begin(), p.globals.end(), std::back_inserter(out.globals));
        for (std::string& g : p.gpos)
            if (std::find(out.gpos.begin(), out.gpos.end(), g) == out.gpos.end())
                out.gpos.push_back(std::move(g));
        std::move(p.diagnostics.items.begin(), p.diagnostics.items.end(),
                  std::back_inserter(out.diagnostics.items));
    }
    out.diagnostics.note(
        SourceLoc{out.files.front(), 0, 0},
        std::to_string(out.files.size()) + " exports of one host combined into one policy: " + parts);
    return out;
}

namespace windows {

std::vector<const WindowsProfileSettings*> profile_entries(const WindowsPolicy& policy, WindowsProfile p,
                                                           WindowsStore store, WindowsProfileKey* key_used) {
    WindowsProfileKey want = own_key(p);
    auto has = [&](WindowsProfileKey k) {
        for (const auto& [key, s] : policy.profiles)
            if (key == k && s.present && s.store == store) return true;
        return false;
    };
    if (store == WindowsStore::local) {
        // The local store keeps the private profile under StandardProfile.
        if (p == WindowsProfile::private_ && !has(want) && has(WindowsProfileKey::standard))
            want = WindowsProfileKey::standard;
    } else if (p != WindowsProfile::domain && has(WindowsProfileKey::standard) &&
               !has(WindowsProfileKey::private_) && !has(WindowsProfileKey::public_)) {
        // Group Policy ([MS-GPFAS] 2.2.3): StandardProfile applies to both the private and the
        // public profile when neither PrivateProfile nor PublicProfile exists; otherwise it is ignored.
        want = WindowsProfileKey::standard;
    }
    std::vector<const WindowsProfileSettings*> out;
    for (const auto& [key, s] : policy.profiles)
        if (key == want && s.present && s.store == store) out.push_back(&s);
    if (key_used) *key_used = want;
    return out;
}

}  // namespace windows
}  // namespace rulegap
