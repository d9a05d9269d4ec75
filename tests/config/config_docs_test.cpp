// docs/configuration.md describes every key the loader accepts: a key added to the loader without
// a line in the reference fails here, naming it.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace sy::config {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every key name the loader reads: map.string("key"), comparison(map, "key"), parse_list<T>(root, "key", ...), ...
std::set<std::string> keys_read_by(const std::string& source) {
  static const std::regex call(
      R"re(\b(?:string|required_string|integer|number|boolean|duration|bytes|string_list|node|accept|has|comparison|policy|parse_list<\w+>)\((?:\w+, )?"([a-z_]+)")re");
  std::set<std::string> keys;
  for (std::sregex_iterator it(source.begin(), source.end(), call), end; it != end; ++it) keys.insert((*it)[1]);
  return keys;
}

TEST(ConfigDocs, EveryKeyTheLoaderAcceptsIsDescribed) {
  const std::string root = SWITCHYARD_SOURCE_DIR;
  auto docs = read(root + "/docs/configuration.md");
  ASSERT_FALSE(docs.empty()) << "docs/configuration.md is missing";
  std::set<std::string> keys;
  for (const char* file : {"/src/config/config_loader.cpp", "/src/config/route_rules.cpp", "/src/config/drift_config.cpp"}) {
    auto source = read(root + file);
    ASSERT_FALSE(source.empty()) << file;
    keys.merge(keys_read_by(source));
  }
  ASSERT_GT(keys.size(), 80u) << "the pattern no longer finds the loader's keys";
  for (const auto& key : keys) {
    // Written as code: `key`, `parent.key`, `key.child`, `routes[].key`, or as `{key: ...}` in a value.
    std::regex described("[`.{]" + key + "[`.:\\[]");
    EXPECT_TRUE(std::regex_search(docs, described)) << "docs/configuration.md does not describe '" << key << "'";
  }
}

}  // namespace
}  // namespace sy::config
