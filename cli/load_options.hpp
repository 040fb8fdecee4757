// rulegap CLI — how a command reads its ruleset (shared by explain, query and lint).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rulegap/limits.hpp"

namespace rulegap::cli {

struct LoadOptions {
    std::string format_name;         // empty: detect
    std::string ipset_path;          // iptables: an `ipset save` dump
    std::string profile = "domain";  // Windows: the profile in force
    std::string rpc_range;           // Windows: the host's RPC dynamic range "LO-HI" (default 49152-65535)
    std::uint64_t max_input_size = default_max_input_size;
    std::vector<std::string> also;  // Windows: more exports of the same host, combined with FILE
    unsigned threads = 0;           // iptables: threads for a large file (0: one per core)
};

}  // namespace rulegap::cli
