#include "config/preflight.h"

#include <array>
#include <filesystem>
#include <fstream>

#include "config/credentials.h"

namespace sy::config {

std::string gguf_problem(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "model file '" + path + "' does not exist";
  if (std::filesystem::is_directory(path, ec)) return "model file '" + path + "' is a directory";
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in || !in.read(magic.data(), magic.size())) return "model file '" + path + "' cannot be read";
  if (std::string_view(magic.data(), magic.size()) != "GGUF") return "model file '" + path + "' is not a GGUF file";
  return {};
}

namespace {

void need_file(Preflight& out, const std::string& what, const std::string& path) {
  std::error_code ec;
  if (!path.empty() && !std::filesystem::is_regular_file(path, ec)) out.errors.push_back(what + " '" + path + "' does not exist");
}

}  // namespace

Preflight preflight(const Config& cfg) {
  Preflight out;
  for (const auto& m : cfg.models) {
    if (m.provider == ProviderKind::local) {
      if (auto why = gguf_problem(m.path); !why.empty()) out.errors.push_back("model '" + m.name + "': " + why);
      continue;
    }
    if (auto why = missing_credentials(m); !why.empty()) {
      out.warnings.push_back("cloud target '" + m.name + "' (" + to_string(m.provider) + ") has " + why +
                             ": it cannot answer, and requests skip it until its credentials are set");
    }
    need_file(out, "model '" + m.name + "': ca_file", m.ca_file);
  }
  if (cfg.listen_tls) {
    need_file(out, "listen_tls.cert", cfg.listen_tls->cert);
    need_file(out, "listen_tls.key", cfg.listen_tls->key);
    need_file(out, "listen_tls.client_ca", cfg.listen_tls->client_ca);
  }
  need_file(out, "faq.file", cfg.faq.file);
  for (const auto& d : cfg.dictionaries) need_file(out, "privacy.dictionaries", d);
  std::error_code ec;
  if (!cfg.prices.empty() && !std::filesystem::is_regular_file(cfg.prices, ec)) {
    out.warnings.push_back("prices '" + cfg.prices + "' does not exist: cloud answers are recorded without a cost");
  }
  return out;
}

}  // namespace sy::config
