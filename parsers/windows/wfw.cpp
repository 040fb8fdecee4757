// .wfw files (wf.msc "Export Policy", netsh advfirewall export): a registry hive, read with
// hivex. Rules are the values of FirewallRules (value name = rule id); profile keys and the
// policy's own values give the settings.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>

#include <hivex.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};
template <typename T> using CPtr = std::unique_ptr<T, FreeDeleter>;

struct Hive {
    hive_h* h = nullptr;
    int fd = -1;
    ~Hive() {
        if (h) hivex_close(h);
        if (fd >= 0) ::close(fd);
    }
};

std::string node_name(hive_h* h, hive_node_h n) {
    CPtr<char> name(hivex_node_name(h, n));
    return name ? std::string(name.get()) : std::string();
}

// hivex returns NULL (errno set) when a list cannot be read, e.g. a cell it points to is not a
// valid cell: `failed` is set then, so the caller reports it instead of reading "no children".
std::vector<hive_node_h> children(hive_h* h, hive_node_h n, bool* failed = nullptr) {
    std::vector<hive_node_h> out;
    CPtr<hive_node_h> list(hivex_node_children(h, n));
    if (list)
        for (std::size_t i = 0; list.get()[i]; ++i) out.push_back(list.get()[i]);
    else if (failed)
        *failed = true;
    return out;
}

// One value: its name and its data as text (strings decoded from UTF-16, numbers in decimal).
struct Value {
    std::string name;
    std::string text;
    bool is_string = false;
    bool ok = true;
};

std::vector<Value> values(hive_h* h, hive_node_h n, bool* failed = nullptr) {
    std::vector<Value> out;
    CPtr<hive_value_h> list(hivex_node_values(h, n));
    if (!list) {
        if (failed) *failed = true;
        return out;
    }
    for (std::size_t i = 0; list.get()[i]; ++i) {
        hive_value_h v = list.get()[i];
        Value val;
        CPtr<char> key(hivex_value_key(h, v));
        val.name = key ? key.get() : "";
        hive_type stored{};
        std::size_t len = 0;
        CPtr<char> data(hivex_value_value(h, v, &stored, &len));
        if (!data) {
            val.ok = false;
            out.push_back(std::move(val));
            continue;
        }
        // hivex passes the type field of the cell as it is: in a damaged hive any 32-bit number,
        // which is no value of the enum. Read its bits as a number (loading it as the enum is UB).
        std::uint32_t type = 0;
        static_assert(sizeof(stored) == sizeof(type));
        std::memcpy(&type, &stored, sizeof(type));
        std::string_view bytes(data.get(), len);
        if (type == hive_t_REG_SZ || type == hive_t_REG_EXPAND_SZ || type == hive_t_REG_MULTI_SZ) {
            val.is_string = true;
            auto s = windows::utf16le_to_utf8(bytes);
            if (s)
                val.text = *s;
            else
                val.ok = false;
        } else if ((type == hive_t_REG_DWORD && len >= 4) || (type == hive_t_REG_QWORD && len >= 8)) {
            std::uint64_t x = 0;
            for (std::size_t b = (type == hive_t_REG_DWORD ? 4 : 8); b-- > 0;)
                x = (x << 8) | static_cast<unsigned char>(bytes[b]);
            val.text = std::to_string(x);
        } else {
            static constexpr char digits[] = "0123456789abcdef";
            val.text = "hex:";
            for (unsigned char c : bytes) {
                val.text += digits[c >> 4];
                val.text += digits[c & 15];
            }
        }
        out.push_back(std::move(val));
    }
    return out;
}

// The key holding FirewallRules and the profile keys: the root or a descendant.
std::optional<hive_node_h> policy_node(hive_h* h) {
    std::deque<std::pair<hive_node_h, int>> todo{{hivex_root(h), 0}};
    while (!todo.empty()) {
        auto [n, depth] = todo.front();
        todo.pop_front();
        for (hive_node_h c : children(h, n)) {
            std::string name = node_name(h, c);
            if (windows::iequals(name, "FirewallRules") || windows::profile_key(name)) return n;
        }
        if (depth < 8)
            for (hive_node_h c : children(h, n)) todo.emplace_back(c, depth + 1);
    }
    return std::nullopt;
}

// Every value under n, named by its path; `failed` is set when a list or a value cannot be read.
void flatten(hive_h* h, hive_node_h n, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out, int depth, bool& failed) {
    for (const Value& v : values(h, n, &failed)) {
        out.emplace_back(prefix + v.name, v.ok ? v.text : "(unreadable)");
        if (!v.ok) failed = true;
    }
    if (depth < 4)
        for (hive_node_h c : children(h, n, &failed))
            flatten(h, c, prefix + node_name(h, c) + "\\", out, depth + 1, failed);
}

}  // namespace

WindowsPolicy read_windows_wfw(std::string_view bytes, std::string file) {
    // wf.msc "Export Policy" and netsh advfirewall export write the local store.
    WindowsPolicy policy = windows::new_policy(WindowsForm::wfw, WindowsStore::local, file);
    SourceLoc whole{file, 0, 0};
    if (bytes.size() < 4096 || bytes.substr(0, 4) != "regf") {
        policy.diagnostics.error(whole, "not a registry hive (no 'regf' header)");
        windows::add_unread_rule(policy, whole, "(the hive)");
        return policy;
    }
    Hive hive;
    hive.fd = ::memfd_create("rulegap-wfw", MFD_CLOEXEC);
    if (hive.fd < 0) {
        policy.diagnostics.error(whole, std::string("cannot buffer the hive: ") + std::strerror(errno));
        windows::add_unread_rule(policy, whole, "(the hive)");
        return policy;
    }
    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(hive.fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) {
            policy.diagnostics.error(whole, "cannot buffer the hive");
            windows::add_unread_rule(policy, whole, "(the hive)");
            return policy;
        }
        written += static_cast<std::size_t>(n);
    }
    std::string path = "/proc/self/fd/" + std::to_string(hive.fd);
    hive.h = hivex_open(path.c_str(), 0);
    if (!hive.h) {
        policy.diagnostics.error(whole, std::string("hivex cannot open the hive: ") + std::strerror(errno));
        windows::add_unread_rule(policy, whole, "(the hive)");
        return policy;
    }
    hive_h* h = hive.h;
    auto root = policy_node(h);
    if (!root) {
        policy.diagnostics.error(whole, "the hive has no FirewallRules or profile keys");
        return policy;
    }
    // A key whose value or subkey list hivex cannot read: an error, and (it may hold rules) an
    // unread placeholder rule, so no verdict is decided by what could not be read.
    auto unreadable = [&](const std::string& key, const char* what) {
        policy.diagnostics.error(whole, "key '" + key + "': cannot read its " + what + " (corrupt hive)");
        windows::add_unread_rule(policy, whole, "(" + key + ")");
    };
    bool failed = false;
    for (const Value& v : values(h, *root, &failed)) {
        policy.globals.emplace_back(v.name, v.ok ? v.text : "(unreadable)");
        if (!v.ok) failed = true;
    }
    if (failed) unreadable(node_name(h, *root), "values");
    failed = false;
    std::vector<hive_node_h> keys = children(h, *root, &failed);
    if (failed) unreadable(node_name(h, *root), "subkeys");
    for (hive_node_h c : keys) {
        std::string name = node_name(h, c);
        if (windows::iequals(name, "FirewallRules")) {
            failed = false;
            std::vector<Value> rules = values(h, c, &failed);
            if (failed) unreadable(name, "values");
            for (const Value& v : rules) {
                if (!v.ok || !v.is_string) {
                    policy.diagnostics.error(
                        whole, "rule '" + v.name + "': not a readable string value (invalid UTF-16?)");
                    WindowsRule r;
                    r.id = v.name;
                    r.where = whole;
                    r.readable = false;
                    policy.rules.push_back(std::move(r));
                    continue;
                }
                policy.rules.push_back(parse_windows_rule_string(v.text, v.name, whole, policy.diagnostics));
            }
        } else if (auto pk = windows::profile_key(name)) {
            WindowsProfileSettings s;
            s.present = true;
            s.where = SourceLoc{file, 0, 0, name};
            failed = false;
            for (const Value& v : values(h, c, &failed)) {
                const SourceLoc at{file, 0, 0,
                                   name + "\\" + v.name};  // a hive has no lines: the value's name
                if (!v.ok) {
                    failed = true;
                    if (windows::mark_unreadable(s, v.name, at))
                        policy.diagnostics.error(
                            whole, "key '" + name + "': value " + v.name +
                                       " cannot be read (corrupt hive): what it decides is unknown");
                } else if (!windows::apply_profile_value(s, v.name, v.text, at)) {
                    policy.diagnostics.error(whole, "key '" + name + "': " + v.name +
                                                        " is not 0 or 1: what it decides is unknown");
                }
            }
            if (failed) unreadable(name, "values");
            failed = false;
            for (hive_node_h sub : children(h, c, &failed))
                flatten(h, sub, node_name(h, sub) + "\\", s.others, 1, failed);
            if (failed)
                policy.diagnostics.error(
                    whole, "key '" + name + "': a subkey or value list cannot be read (corrupt hive)");
            policy.profiles.emplace_back(*pk, std::move(s));
        } else {
            failed = false;
            flatten(h, c, name + "\\", policy.globals, 1, failed);
            if (failed)
                policy.diagnostics.error(
                    whole, "key '" + name + "': a subkey or value list cannot be read (corrupt hive)");
        }
    }
    return policy;
}

}  // namespace rulegap
