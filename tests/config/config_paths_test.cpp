// Relative paths in a config are read from the config's folder, whatever the current directory.
#include "config/config_paths.h"

#include <gtest/gtest.h>

#include <fstream>

#include "config/config.h"
#include "ops/audit_test_support.h"

namespace sy::config {
namespace {

TEST(ConfigPaths, RelativePathsResolveAgainstTheConfigFolderNotTheCurrentDirectory) {
  testing::TempDir dir("switchyard-config-paths");
  auto file = dir.file("switchyard.yaml");
  std::ofstream(file) << "store: sqlite:var/switchyard.db\n"
                         "prices: data/prices.yaml\n"
                         "log: {access: logs/access.log}\n"
                         "faq: {file: data/faq.jsonl}\n"
                         "privacy: {dictionaries: [words.txt, /etc/abs.txt]}\n"
                         "models:\n"
                         "  - {name: m, provider: local, path: ../models/m.gguf}\n"
                         "  - {name: c, provider: openai_compat, base_url: \"https://h.example/v1\", ca_file: ca.pem}\n";
  auto cfg = load_file(file);
  ASSERT_TRUE(cfg) << cfg.error().message;
  auto here = config_dir(file);
  EXPECT_EQ((*cfg)->store, "sqlite:" + (here / "var/switchyard.db").string());
  EXPECT_EQ((*cfg)->prices, (here / "data/prices.yaml").string());
  EXPECT_EQ((*cfg)->access_log, (here / "logs/access.log").string());
  EXPECT_EQ((*cfg)->faq.file, (here / "data/faq.jsonl").string());
  ASSERT_EQ((*cfg)->dictionaries.size(), 2u);
  EXPECT_EQ((*cfg)->dictionaries[0], (here / "words.txt").string());
  EXPECT_EQ((*cfg)->dictionaries[1], "/etc/abs.txt");
  EXPECT_EQ((*cfg)->models[0].path, (here.parent_path() / "models/m.gguf").string());
  EXPECT_EQ((*cfg)->models[1].ca_file, (here / "ca.pem").string());
  EXPECT_TRUE(std::filesystem::path((*cfg)->store.substr(7)).is_absolute());
}

TEST(ConfigPaths, StreamsMemoryAndUrlsAreNotPaths) {
  testing::TempDir dir("switchyard-config-paths");
  auto file = dir.file("c.yaml");
  std::ofstream(file) << "store: \"sqlite::memory:\"\nlog: {access: stderr}\n";
  auto cfg = load_file(file);
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ((*cfg)->store, "sqlite::memory:");
  EXPECT_EQ((*cfg)->access_log, "stderr");
  std::ofstream(file) << "store: postgres://sy@127.0.0.1:5432/sy\nlog: {access: off}\n";
  cfg = load_file(file);
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ((*cfg)->store, "postgres://sy@127.0.0.1:5432/sy");
  EXPECT_EQ((*cfg)->access_log, "off");
}

TEST(ConfigPaths, ResolvePathKeepsAbsoluteAndEmpty) {
  EXPECT_EQ(resolve_path("/etc/sy", ""), "");
  EXPECT_EQ(resolve_path("/etc/sy", "/var/x"), "/var/x");
  EXPECT_EQ(resolve_path("/etc/sy", "./a/../b"), "/etc/sy/b");
}

}  // namespace
}  // namespace sy::config
