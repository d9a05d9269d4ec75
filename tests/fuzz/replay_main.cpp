// Replays files (or every file under directories) through check(): keeps the seed corpora and any
// saved crash inputs valid in builds without libFuzzer. Exit status 0 when every input passed
// (a failing check aborts), 1 when an argument could not be read or no input was found.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "fuzz_check.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      std::cerr << "cannot read " << arg << "\n";
      return 1;
    }
  }
  if (inputs.empty()) {
    std::cerr << "usage: " << argv[0] << " FILE|DIR...  (no inputs found)\n";
    return 1;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cerr << "replaying " << path.string() << " (" << bytes.size() << " bytes)\n";
    sy::fuzz::check(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::cerr << inputs.size() << " inputs passed\n";
  return 0;
}
