// rulegap — reading a text file for the line-based readers: UTF-8 as is (a BOM is left for the
// reader to skip), UTF-16 with a BOM transcoded to UTF-8.
#pragma once

#include <string>

namespace rulegap::iptables {

// False (with `problem` set) when the file cannot be read.
bool read_text_file(const std::string& path, std::string& text, std::string& problem);

}  // namespace rulegap::iptables
