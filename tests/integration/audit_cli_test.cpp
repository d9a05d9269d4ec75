// `switchyard audit verify|export` as an auditor runs them: the real binary against a SQLite
// store written by the real writer, before and after someone edits a row.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ops/audit_test_support.h"
#include "store/store.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult run_switchyard(const std::vector<std::string>& args) {
  std::string command = quoted(SWITCHYARD_BINARY);
  for (const auto& a : args) command += " " + quoted(a);
  command += " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) result.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Re-verifies an exported slice as an auditor would, from the lines alone: each line is the
// sealed content with "prev_hash" and "hash" appended; taking them off gives the hashed bytes.
void expect_slice_verifies(const std::vector<std::string>& lines, const std::string& first_prev_hash) {
  constexpr size_t kSuffix = std::string_view(R"(,"prev_hash":"","hash":""})").size() + 2 * 64;
  std::string prev = first_prev_hash;
  for (const auto& line : lines) {
    ASSERT_GT(line.size(), kSuffix);
    json::value v = json::parse(line);
    std::string prev_hash(v.at("prev_hash").as_string());
    std::string hash(v.at("hash").as_string());
    std::string content = line.substr(0, line.size() - kSuffix) + "}";
    EXPECT_EQ(line.substr(line.size() - kSuffix), ",\"prev_hash\":\"" + prev_hash + "\",\"hash\":\"" + hash + "\"}");
    EXPECT_EQ(prev_hash, prev) << "the slice is one unbroken chain";
    EXPECT_EQ(store::chain_hash(prev_hash, content), hash) << content;
    prev = hash;
  }
}

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_sample_chain(url_, kRecords));
    std::ofstream(config_) << "store: " << url_ << "\n";
    auto store = store::Store::open(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  std::string hash_of(int64_t seq) {
    std::string hash;
    EXPECT_TRUE(store_->scan_audit(seq, [&](const store::AuditRow& r) {
      hash = r.hash;
      return false;
    }));
    return hash;
  }

  static constexpr int kRecords = 20;  // sample_record(i) is at 2026-11-22T00:00Z + i minutes
  TempDir dir_{"switchyard-audit-cli"};
  std::string url_ = dir_.sqlite_url();
  std::string config_ = dir_.file("switchyard.yaml");
  std::unique_ptr<store::Store> store_;
};

TEST_F(AuditCli, VerifySaysOkThenNamesTheEditedRecord) {
  auto ok = run_switchyard({"audit", "verify", "--config", config_});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  auto head = store_->audit_head();
  ASSERT_TRUE(head);
  EXPECT_NE(ok.output.find("ok: 20 records, chain head " + head->hash), std::string::npos) << ok.output;

  ASSERT_TRUE(store_->db().exec("UPDATE audit SET content = REPLACE(content, '\"status\":200', '\"status\":204') "
                                "WHERE seq = 12"));
  auto bad = run_switchyard({"audit", "verify", "--config", config_});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("audit verify: record 12 (request req-12) was changed"), std::string::npos) << bad.output;

  auto by_url = run_switchyard({"audit", "verify", "--store", url_});
  EXPECT_EQ(by_url.exit_code, 1) << by_url.output;
}

TEST_F(AuditCli, VerifyNamesReorderedRecords) {
  ASSERT_TRUE(store_->db().exec("UPDATE audit SET seq = -5 WHERE seq = 5"));
  ASSERT_TRUE(store_->db().exec("UPDATE audit SET seq = 5 WHERE seq = 6"));
  ASSERT_TRUE(store_->db().exec("UPDATE audit SET seq = 6 WHERE seq = -5"));
  auto bad = run_switchyard({"audit", "verify", "--config", config_});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("record 5"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("reordered"), std::string::npos) << bad.output;
}

TEST_F(AuditCli, VerifyNamesADeletedRecord) {
  ASSERT_TRUE(store_->db().exec("DELETE FROM audit WHERE seq = 7"));
  auto bad = run_switchyard({"audit", "verify", "--config", config_});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("record 7 was removed"), std::string::npos) << bad.output;
}

TEST_F(AuditCli, ExportWritesTheTimeSliceAsLinesThatReVerify) {
  auto out = dir_.file("slice.jsonl");
  auto r = run_switchyard({"audit", "export", "--config", config_, "--since", "2026-11-22T00:05:00Z", "--until",
                           "2026-11-22T00:10:00Z", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto lines = lines_of(read_file(out));
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i < lines.size(); ++i) {
    json::value v = json::parse(lines[i]);
    EXPECT_EQ(v.at("seq").as_int64(), static_cast<int64_t>(5 + i));
    EXPECT_EQ(v.at("request_id").as_string(), "req-" + std::to_string(5 + i));
  }
  expect_slice_verifies(lines, hash_of(4));

  // The same slice in Unix milliseconds, on standard output.
  const int64_t base = 1'795'305'600'000;
  auto ms = run_switchyard({"audit", "export", "--store", url_, "--since", std::to_string(base + 5 * 60'000),
                            "--until", std::to_string(base + 10 * 60'000)});
  ASSERT_EQ(ms.exit_code, 0) << ms.output;
  for (const auto& line : lines) EXPECT_NE(ms.output.find(line + "\n"), std::string::npos);

  // Whole days, and the defaults (everything up to now).
  auto day = run_switchyard({"audit", "export", "--config", config_, "--since", "2026-11-22", "--until", "2026-11-23",
                             "--out", out});
  ASSERT_EQ(day.exit_code, 0) << day.output;
  auto all = lines_of(read_file(out));
  EXPECT_EQ(all.size(), size_t{kRecords});
  expect_slice_verifies(all, store::genesis_hash());
  auto none = run_switchyard({"audit", "export", "--config", config_, "--until", "2026-11-22", "--out", out});
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_EQ(read_file(out), "");
}

TEST_F(AuditCli, UsageConfigAndStoreErrorsExitTwo) {
  EXPECT_EQ(run_switchyard({"audit", "verify"}).exit_code, 2);
  auto no_store = dir_.file("no-store.yaml");
  std::ofstream(no_store) << "listen: 127.0.0.1:0\n";
  auto r = run_switchyard({"audit", "verify", "--config", no_store});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no store"), std::string::npos) << r.output;
  r = run_switchyard({"audit", "verify", "--store", "sqlite:" + dir_.file("typo.db")});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_switchyard({"audit", "export", "--config", config_, "--since", "yesterday"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--since"), std::string::npos) << r.output;
  r = run_switchyard({"audit", "export", "--config", config_, "--until", "2026-11-22T08:00:00"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
}  // namespace sy::testing
