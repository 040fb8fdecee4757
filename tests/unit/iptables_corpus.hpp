// The real-world iptables rulesets in ../shared/iptables-corpus, as RULESETS.txt lists them.
// Tests read them there (never copies in the repo) and skip, saying so, when the folder is absent.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rulegap::test {

struct CorpusFile {
    std::string name;  // as RULESETS.txt gives it
    std::filesystem::path path;
};

// Empty, after a MESSAGE, when the corpus is not there.
inline std::vector<CorpusFile> iptables_corpus() {
    std::filesystem::path dir = std::filesystem::path(RULEGAP_SHARED_DIR) / "iptables-corpus";
    std::vector<CorpusFile> files;
    if (!std::filesystem::exists(dir / "RULESETS.txt")) {
        MESSAGE("no corpus at " << dir.string() << ": skipped");
        return files;
    }
    std::ifstream list(dir / "RULESETS.txt");
    std::string name;
    while (std::getline(list, name))
        if (!name.empty()) files.push_back({name, dir / name});
    return files;
}

}  // namespace rulegap::test
