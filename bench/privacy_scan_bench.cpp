// Privacy scan throughput, side by side on one core: switchyard's scanner (Hyperscan, every
// pattern in one pass, then C++ validators) against what a regex-per-pattern scanner does: the
// same expressions run one after another with PCRE2-JIT, with the same validators on their matches.
//
// The corpus is generated (deterministic): English and Chinese prose with the numbers real text is
// full of (dates, times, amounts, versions, order numbers) and about 1% of sentences carrying one
// sensitive value (valid checksums: the values are made with the scanner's own validators).
//
//   privacy_scan_bench [--mb 64] [--chunk 16384] [--repeat 3] [--seed 1] [--context-every 40]
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/checksums.h"
#include "privacy/overlaps.h"
#include "privacy/patterns.h"
#include "privacy/scanner.h"
#include "core/request_text.h"
#include "privacy/embedded_line_model.h"
#include "router/router.h"
#include "config/config.h"

namespace {

using sy::privacy::Finding;
using Clock = std::chrono::steady_clock;

struct Args {
  size_t mb = 64;
  size_t chunk = 16384;
  int repeat = 3;
  uint64_t seed = 1;
  size_t context_every = 40;  // one word in N is a name, a personal fact, a street type or a label
  std::string faq;  // FAQ file for the route-decision part; empty = skip it
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view k = argv[i];
    if (k == "--mb")
      a.mb = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--chunk")
      a.chunk = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--repeat")
      a.repeat = std::atoi(argv[i + 1]);
    else if (k == "--seed")
      a.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--context-every")
      a.context_every = std::max<size_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    else if (k == "--faq")
      a.faq = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--mb N] [--chunk BYTES] [--repeat N] [--seed N] [--context-every N] [--faq FILE]\n",
                   argv[0]);
      std::exit(2);
    }
  }
  return a;
}

// --- corpus ---------------------------------------------------------------------------------------

class Corpus {
 public:
  Corpus(uint64_t seed, size_t context_every) : rng_(seed), context_every_(context_every) {}

  std::string make(size_t bytes) {
    std::string out;
    out.reserve(bytes + 4096);
    while (out.size() < bytes) {
      bool chinese = pick(2) == 0;
      sentence(out, chinese);
      if (pick(100) == 0) {
        sensitive(out, chinese);
        ++planted_;
      }
      if (pick(100) == 0) {
        context_sensitive(out);
        ++planted_context_;
      }
      out += chinese ? "。" : ". ";
      if (pick(4) == 0) out += '\n';
    }
    return out;
  }
  size_t planted() const { return planted_; }
  size_t planted_context() const { return planted_context_; }

 private:
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  char digit() { return static_cast<char>('0' + pick(10)); }
  std::string digits(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(digit());
    return s;
  }
  std::string alnum(size_t n) {
    static constexpr char kSet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(kSet[pick(62)]);
    return s;
  }

  void noise(std::string& out) {
    char buf[64];
    switch (pick(9)) {
      case 0:
        std::snprintf(buf, sizeof buf, "2024-%02zu-%02zu", pick(12) + 1, pick(28) + 1);
        break;
      case 1:
        std::snprintf(buf, sizeof buf, "%02zu:%02zu", pick(24), pick(60));
        break;
      case 2:
        std::snprintf(buf, sizeof buf, "$%zu,%03zu.%02zu", pick(99) + 1, pick(1000), pick(100));
        break;
      case 3:
        std::snprintf(buf, sizeof buf, "v%zu.%zu.%zu", pick(5), pick(30), pick(100));
        break;
      case 4:
        std::snprintf(buf, sizeof buf, "ORD-2024%04zu-%04zu", pick(10000), pick(10000));
        break;
      case 5:
        std::snprintf(buf, sizeof buf, "%zu%%", pick(100));
        break;
      case 6:
        std::snprintf(buf, sizeof buf, "NT$%zu,%03zu", pick(100) + 1, pick(1000));
        break;
      case 7:
        std::snprintf(buf, sizeof buf, "#%zu", pick(100000));
        break;
      default:
        std::snprintf(buf, sizeof buf, "%zu", pick(1000));
        break;
    }
    out += buf;
  }

  void sentence(std::string& out, bool chinese) {
    static constexpr const char* kEn[] = {
        "the",      "report",  "meeting",  "quarterly", "customer", "please",  "review",   "attached",
        "budget",   "team",    "project",  "schedule",  "and",      "of",      "to",       "in",
        "for",      "with",    "server",   "deploy",    "update",   "invoice", "amount",   "total",
        "we",       "will",    "send",     "next",      "week",     "policy",  "leave",    "request",
        "approved", "by",      "manager",  "office",    "network",  "access",  "training", "model",
        "data",     "results", "is",       "are",       "was",      "latency", "release",  "notes",
        "ticket",   "support", "contract", "vendor",    "shipping", "order",   "at"};
    // What the context detectors look at, one word in context_every_ (--context-every, 40 by
    // default: a personal fact every few sentences, far more than business prose has): names,
    // facts, street types, labels without values. Where a name and a fact meet, that is a finding.
    static constexpr const char* kEnContext[] = {"Joanna", "Whitaker", "Chen",    "Mr.",     "patient",
                                                 "salary", "diagnosis", "insulin", "Street",  "account",
                                                 "case",   "born",     "passport", "warning", "divorce"};
    static constexpr const char* kZh[] = {
        "我們", "會議", "請",   "確認", "報告", "客戶", "預算",   "專案", "下週", "時程", "的",   "了",   "在",
        "是",   "訂單", "金額", "版本", "更新", "部署", "伺服器", "同事", "謝謝", "問題", "處理", "請假", "主管",
        "核准", "公司", "網路", "權限", "訓練", "模型", "資料",   "結果", "合約", "廠商", "出貨", "時間", "，"};
    static constexpr const char* kZhContext[] = {"王",   "林",   "陳",     "黃志明", "糖尿病", "月薪", "考績", "光復路",
                                                 "帳號", "出生", "小姐",   "住院",   "護照",   "客戶", "離婚"};
    size_t words = 6 + pick(18);
    for (size_t i = 0; i < words; ++i) {
      if (pick(14) == 0) {
        noise(out);
        out += chinese ? "" : " ";
        continue;
      }
      bool context = pick(context_every_) == 0;
      if (chinese) {
        out += context ? kZhContext[pick(std::size(kZhContext))] : kZh[pick(std::size(kZh))];
      } else {
        out += context ? kEnContext[pick(std::size(kEnContext))] : kEn[pick(std::size(kEn))];
        if (i + 1 < words) out += ' ';
      }
    }
  }

  std::string card() {
    std::string d;
    for (;;) {
      d = "4" + digits(15);
      if (sy::privacy::luhn_valid(d)) break;
    }
    return d.substr(0, 4) + " " + d.substr(4, 4) + " " + d.substr(8, 4) + " " + d.substr(12, 4);
  }
  std::string tw_id() {
    for (;;) {
      std::string id = std::string(1, static_cast<char>('A' + pick(26))) + static_cast<char>('1' + pick(2)) + digits(8);
      if (sy::privacy::tw_national_id_valid(id)) return id;
    }
  }
  std::string cn_id() {
    for (;;) {
      char date[16];
      std::snprintf(date, sizeof date, "19%02zu%02zu%02zu", pick(100), pick(12) + 1, pick(28) + 1);
      std::string id = "110101" + std::string(date) + digits(4);
      if (sy::privacy::cn_resident_id_valid(id)) return id;
    }
  }
  std::string iban() {
    std::string bban = digits(18);
    for (int check = 0; check < 100; ++check) {
      char cd[3];
      std::snprintf(cd, sizeof cd, "%02d", check);
      std::string s = "DE" + std::string(cd) + bban;
      if (sy::privacy::iban_valid(s)) return s;
    }
    return "DE89370400440532013000";
  }

  void sensitive(std::string& out, bool chinese) {
    char buf[128];
    switch (pick(14)) {
      case 0:
        out += chinese ? " 信箱 " : " email ";
        out += "user" + digits(4) + "@example-corp.com";
        break;
      case 1:
        out += chinese ? "手機" : " call ";
        out += "09" + digits(2) + "-" + digits(3) + "-" + digits(3);
        break;
      case 2:
        out += chinese ? "联系电话" : " phone ";
        out += "13" + digits(9);
        break;
      case 3:
        std::snprintf(buf, sizeof buf, " (%zu) %zu-%s", 200 + pick(800), 200 + pick(800), digits(4).c_str());
        out += buf;
        break;
      case 4:
        out += chinese ? "卡號" : " card ";
        out += card();
        break;
      case 5:
        out += "身分證字號" + tw_id();
        break;
      case 6:
        out += "身份证号" + cn_id();
        break;
      case 7:
        std::snprintf(buf, sizeof buf, " SSN %03zu-%02zu-%04zu", 1 + pick(665), 1 + pick(99), 1 + pick(9999));
        out += buf;
        break;
      case 8:
        out += " IBAN " + iban();
        break;
      case 9:
        std::snprintf(buf, sizeof buf, " host 10.%zu.%zu.%zu", pick(256), pick(256), 1 + pick(254));
        out += buf;
        break;
      case 10:
        out += " key AKIA" + alnum(16);
        for (size_t i = out.size() - 16; i < out.size(); ++i) out[i] = static_cast<char>(std::toupper(out[i]));
        break;
      case 11:
        out += " OPENAI_API_KEY=sk-proj-" + alnum(48);
        break;
      case 12:
        out += " token ghp_" + alnum(36);
        break;
      default:
        out += chinese ? "密碼：" : " password=";
        out += alnum(6) + digits(3) + "!";
        break;
    }
    out += chinese ? "" : " ";
  }

  // What only the context detectors find: a person with a fact, an address, a labelled number.
  void context_sensitive(std::string& out) {
    static constexpr const char* kFirst[] = {"Joanna", "Marcus", "Priya", "Daniel", "Sofia", "Kenji"};
    static constexpr const char* kLast[] = {"Whitaker", "Okafor", "Iyer", "Novak", "Lindqvist", "Tanaka"};
    static constexpr const char* kZhName[] = {"黃志明", "林美玲", "陳俊宏", "王雅婷", "張家豪", "李淑芬"};
    switch (pick(5)) {
      case 0:
        out += std::string(" remind ") + kFirst[pick(6)] + " " + kLast[pick(6)] + " that her insulin prescription renews ";
        break;
      case 1:
        out += std::string("客戶") + kZhName[pick(6)] + "的月薪調整為" + digits(2) + "000元";
        break;
      case 2:
        out += "寄到新竹市東區光復路二段" + std::to_string(1 + pick(300)) + "號";
        break;
      case 3:
        out += " passport number L" + digits(8) + " ";
        break;
      default:
        out += " ship to " + std::to_string(10 + pick(9000)) + " Elm Street, Springfield, IL 6" + digits(4) + " ";
        break;
    }
  }

  std::mt19937_64 rng_;
  size_t context_every_;
  size_t planted_ = 0;
  size_t planted_context_ = 0;
};

std::vector<std::string_view> split_chunks(std::string_view text, size_t size) {
  std::vector<std::string_view> chunks;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + size);
    size_t nl = text.find('\n', end);  // whole lines, like messages
    end = nl == std::string_view::npos ? text.size() : nl + 1;
    chunks.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return chunks;
}

// --- the peer: one PCRE2-JIT regex after another ---------------------------------------------------

class Pcre2Peer {
 public:
  Pcre2Peer() {
    // The values with a shape: what a regex-per-pattern scanner is compared on (the context
    // detectors have no regex equivalent).
    for (const auto& p : sy::privacy::direct_patterns()) {
      if (p.kind >= sy::privacy::Kind::person) continue;
      direct_.push_back(&p);
      add(p.expression, p.flags != 0);
    }
    direct_count_ = codes_.size();
    for (const auto& p : sy::privacy::shape_patterns()) add(p.expression, p.flags != 0);
  }
  ~Pcre2Peer() {
    for (auto* md : data_) pcre2_match_data_free(md);
    for (auto* c : codes_) pcre2_code_free(c);
  }

  std::vector<Finding> scan(std::string_view text) {
    std::vector<Finding> found;
    auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    for (size_t i = 0; i < codes_.size(); ++i) {
      size_t offset = 0;
      while (offset <= text.size()) {
        int rc = pcre2_jit_match(codes_[i], subject, text.size(), offset, 0, data_[i], nullptr);
        if (rc < 0) break;
        PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data_[i]);
        size_t start = ov[0], end = ov[1];
        if (i < direct_count_) {
          const auto& p = *direct_[i];
          if (auto span = p.extract(text, end)) found.push_back({p.kind, span->start, span->end});
        } else {
          const auto& p = sy::privacy::shape_patterns()[i - direct_count_];
          if (auto span = p.check(text, start, end)) found.push_back({p.kind, span->start, span->end});
        }
        offset = end > start ? end : start + 1;
      }
    }
    return sy::privacy::resolve_overlaps(std::move(found));
  }

 private:
  std::vector<const sy::privacy::DirectPattern*> direct_;
  void add(const char* expression, bool caseless) {
    int error = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression), PCRE2_ZERO_TERMINATED,
                                     caseless ? PCRE2_CASELESS : 0, &error, &error_offset, nullptr);
    if (code == nullptr) {
      std::fprintf(stderr, "pcre2 cannot compile %s (error %d)\n", expression, error);
      std::exit(1);
    }
    if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
      std::fprintf(stderr, "pcre2 JIT unavailable for %s\n", expression);
      std::exit(1);
    }
    codes_.push_back(code);
    data_.push_back(pcre2_match_data_create_from_pattern(code, nullptr));
  }

  std::vector<pcre2_code*> codes_;
  std::vector<pcre2_match_data*> data_;
  size_t direct_count_ = 0;
};

// CPU time of this thread: on a shared machine the wall clock also counts the time other processes
// had the core, CPU time does not. Both are reported.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Speed {
  double wall_mbps = 0;
  double cpu_mbps = 0;
};

// Best of `repeat` passes over all chunks.
template <class ScanChunk>
Speed measure(const std::vector<std::string_view>& chunks, size_t bytes, int repeat, size_t& findings, size_t& failed,
              ScanChunk scan_chunk) {
  double best_wall = 1e30, best_cpu = 1e30;
  for (int r = 0; r < repeat; ++r) {
    findings = 0;
    failed = 0;
    auto t0 = Clock::now();
    double c0 = thread_cpu_seconds();
    for (auto chunk : chunks) scan_chunk(chunk, findings, failed);
    best_cpu = std::min(best_cpu, thread_cpu_seconds() - c0);
    best_wall = std::min(best_wall, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  double mb = static_cast<double>(bytes) / 1e6;
  return {mb / best_wall, mb / best_cpu};
}

// A target that is never called: the router only asks whether it is healthy.
// Every target available: the bench measures the decision, not the targets' health.
class AllAvailable final : public sy::router::TargetCheck {
 public:
  std::string unavailable(const sy::config::ModelConfig&) override { return {}; }
  std::optional<sy::router::LocalLoad> local_load(const std::string&) override { return sy::router::LocalLoad{0, 4, 2048}; }
};

// The route decision as the request path pays for it (scan of every text field, FAQ match, rules,
// candidate list) on prompts of a few sizes cut from the corpus: p50 and p99 per request.
void route_decision_latency(const std::string& corpus, const std::string& faq_file, const sy::privacy::ScannerOptions& options,
                            const char* label) {
  auto config = sy::config::load_string(
      "models:\n"
      "  - {name: local-a, provider: local, path: /unused.gguf}\n"
      "  - {name: cloud-a, provider: openai, api_key: k}\n"
      "routes:\n  - {name: auto, local: [local-a], cloud: [cloud-a]}\n"
      "faq: {file: \"" + faq_file + "\"}\n",
      "bench.yaml");
  if (!config) {
    std::fprintf(stderr, "route bench config: %s\n", config.error().message.c_str());
    return;
  }
  AllAvailable targets;
  auto scanner = sy::privacy::Scanner::create(options);
  auto faq = sy::router::FaqMatcher::load(faq_file);
  if (!scanner || !faq) {
    std::fprintf(stderr, "route bench: scanner or FAQ failed to load\n");
    return;
  }
  sy::router::Router router(**config, *faq);
  std::printf("\nroute decision (scan + FAQ match + rules), %s, one thread, per request:\n", label);
  std::printf("%-14s %10s %10s %10s\n", "prompt bytes", "p50 us", "p99 us", "requests");
  for (size_t size : {200, 2000, 16000}) {
    std::vector<double> micros;
    const size_t n = size < 10000 ? 20000 : 4000;
    for (size_t i = 0; i < n; ++i) {
      sy::core::ChatRequest r;
      r.model = "auto";
      sy::core::Message m;
      m.role = "user";
      sy::core::ContentPart part;
      size_t at = (i * 7919 * 64) % (corpus.size() - size - 8);
      while (at > 0 && (static_cast<unsigned char>(corpus[at]) & 0xC0) == 0x80) --at;  // start on a character
      part.text = corpus.substr(at, size);
      m.parts.push_back(std::move(part));
      r.messages.push_back(std::move(m));
      // As the pipeline pays for it: the request's text, one scan of it, then the router.
      auto t0 = Clock::now();
      auto text = sy::core::request_text(r);
      auto scan = (*scanner)->scan(text);
      sy::router::PrivacyFacts facts;
      facts.sensitive = scan.sensitive;
      facts.scan_failed = scan.failed;
      for (const auto& f : scan.findings) facts.kinds.emplace_back(sy::privacy::to_string(f.kind));
      if (facts.sensitive) facts.privacy = sy::router::PrivacyClass::local_only;
      auto d = router.decide(r, text, facts, {}, targets);
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      if (!d) std::abort();
    }
    std::sort(micros.begin(), micros.end());
    std::printf("%-14zu %10.1f %10.1f %10zu\n", size, micros[micros.size() / 2], micros[micros.size() * 99 / 100], n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse_args(argc, argv);
  Corpus gen(args.seed, args.context_every);
  std::string corpus = gen.make(args.mb << 20);
  auto chunks = split_chunks(corpus, args.chunk);

  sy::privacy::ScannerOptions options;
  options.budget = std::chrono::seconds(10);  // measure speed, not the fail-closed path
  auto scanner = sy::privacy::Scanner::create(options);
  if (!scanner) {
    std::fprintf(stderr, "%s\n", scanner.error().message.c_str());
    return 1;
  }
  // The same scanner without the context detectors: what they cost, in the same run.
  options.context_detectors = false;
  auto shapes_only = sy::privacy::Scanner::create(options);
  if (!shapes_only) {
    std::fprintf(stderr, "%s\n", shapes_only.error().message.c_str());
    return 1;
  }
  // Findings of the kinds PCRE2 also looks for, so the two columns can be compared.
  auto pattern_findings = [](const sy::privacy::ScanResult& r) {
    return static_cast<size_t>(std::count_if(r.findings.begin(), r.findings.end(),
                                             [](const auto& f) { return f.kind < sy::privacy::Kind::person; }));
  };
  size_t ours_findings = 0, ours_failed = 0, peer_findings = 0, peer_failed = 0;
  size_t shapes_findings = 0, shapes_failed = 0, context_findings = 0;
  Speed ours = measure(chunks, corpus.size(), args.repeat, ours_findings, ours_failed,
                       [&](std::string_view chunk, size_t& findings, size_t& failed) {
                         auto result = (*scanner)->scan(chunk);
                         findings += pattern_findings(result);
                         context_findings += result.findings.size() - pattern_findings(result);
                         failed += result.failed;
                       });
  context_findings /= static_cast<size_t>(std::max(1, args.repeat));
  Speed shapes = measure(chunks, corpus.size(), args.repeat, shapes_findings, shapes_failed,
                         [&](std::string_view chunk, size_t& findings, size_t& failed) {
                           auto result = (*shapes_only)->scan(chunk);
                           findings += result.findings.size();
                           failed += result.failed;
                         });
  // As the server scans by default: the line model judges what the rules found nothing in.
  options.context_detectors = true;
  options.line_model = sy::privacy::embedded_line_model();
  auto served = sy::privacy::Scanner::create(options);
  if (!served || options.line_model == nullptr) {
    std::fprintf(stderr, "the scanner with the line model failed to load\n");
    return 1;
  }
  size_t served_findings = 0, served_failed = 0, model_verdicts = 0;
  Speed with_model = measure(chunks, corpus.size(), args.repeat, served_findings, served_failed,
                             [&](std::string_view chunk, size_t& findings, size_t& failed) {
                               auto result = (*served)->scan(chunk);
                               findings += pattern_findings(result);
                               model_verdicts += result.by_model();
                               failed += result.failed;
                             });
  model_verdicts /= static_cast<size_t>(std::max(1, args.repeat));
  // The line model alone on every chunk: its own cost per byte, whatever the rules found.
  size_t model_positive = 0, unused = 0;
  Speed model_alone = measure(chunks, corpus.size(), args.repeat, model_positive, unused,
                              [&](std::string_view chunk, size_t& positive, size_t&) {
                                positive += options.line_model->score(chunk) >= sy::privacy::kDefaultLineModelThreshold;
                              });
  Pcre2Peer peer;
  Speed theirs =
      measure(chunks, corpus.size(), 1, peer_findings, peer_failed,
              [&](std::string_view chunk, size_t& findings, size_t&) { findings += peer.scan(chunk).size(); });

  std::printf("corpus: %.1f MiB of English and Chinese prose, %zu values with a shape and %zu context values planted, "
              "%zu chunks of ~%zu bytes\n",
              static_cast<double>(corpus.size()) / (1 << 20), gen.planted(), gen.planted_context(), chunks.size(), args.chunk);
  std::printf("%-38s %11s %11s %9s %9s\n", "scanner (one thread)", "MB/s wall", "MB/s cpu", "findings", "context");
  std::printf("%-38s %11.1f %11.1f %9zu %9zu%s\n", "switchyard, every detector", ours.wall_mbps, ours.cpu_mbps,
              ours_findings, context_findings, ours_failed != 0 ? "  (some scans failed)" : "");
  std::printf("%-38s %11.1f %11.1f %9zu %9s%s  (%zu chunks judged by the model)\n", "switchyard, every detector + line model",
              with_model.wall_mbps, with_model.cpu_mbps, served_findings, "-", served_failed != 0 ? "  (some scans failed)" : "",
              model_verdicts);
  std::printf("%-38s %11.1f %11.1f %9s %9s  (every chunk scored)\n", "line model alone", model_alone.wall_mbps, model_alone.cpu_mbps,
              "-", "-");
  std::printf("%-38s %11.1f %11.1f %9zu %9s%s\n", "switchyard, values with a shape only", shapes.wall_mbps,
              shapes.cpu_mbps, shapes_findings, "-", shapes_failed != 0 ? "  (some scans failed)" : "");
  std::printf("%-38s %11.1f %11.1f %9zu\n", "PCRE2-JIT, one pattern after another", theirs.wall_mbps, theirs.cpu_mbps,
              peer_findings);
  std::printf("ratio to PCRE2 (wall): %.1fx   (cpu): %.1fx;   context detectors keep %.0f%% of the shapes-only speed (cpu)\n",
              ours.wall_mbps / theirs.wall_mbps, ours.cpu_mbps / theirs.cpu_mbps, 100.0 * ours.cpu_mbps / shapes.cpu_mbps);
  if (!args.faq.empty()) {
    sy::privacy::ScannerOptions served;  // as the server runs by default
    served.line_model = sy::privacy::embedded_line_model();
    route_decision_latency(corpus, args.faq, served, "rules + line model (the default)");
    route_decision_latency(corpus, args.faq, {}, "rules alone (privacy.model.enabled: false)");
  }
  return 0;
}
