#include "privacy/pii_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>

#include "privacy/embedded_line_model.h"
#include "privacy/offsets.h"

namespace sy::privacy {
namespace {

namespace json = boost::json;

json::object result_json(std::string_view text, const ScanResult& result) {
  json::object out;
  out["sensitive"] = result.sensitive;
  if (result.failed) out["failed"] = true;
  // The line model's score, when it was asked (the rules found nothing): rounded, it is a judgement.
  if (result.model_score >= 0) out["model_score"] = std::round(result.model_score * 1000) / 1000;
  json::array findings;
  auto offsets = char_offsets(text, result.findings);
  for (size_t i = 0; i < result.findings.size(); ++i) {
    findings.push_back(json::object{
        {"kind", to_string(result.findings[i].kind)}, {"start", offsets[i].first}, {"end", offsets[i].second}});
  }
  out["findings"] = std::move(findings);
  return out;
}

json::object malformed_json(const json::value* id, const char* why) {
  json::object out;
  if (id != nullptr) out["id"] = *id;
  out["sensitive"] = true;  // fail closed: nobody checked this line
  out["failed"] = true;
  out["error"] = why;
  out["findings"] = json::array{};
  return out;
}

}  // namespace

CLI::App* add_pii_scan_command(CLI::App& pii, PiiScanOptions& opts) {
  auto* scan = pii.add_subcommand("scan", "Scan text for personal data and secrets; one JSON line per input line");
  scan->add_flag("--jsonl", opts.jsonl, "Input lines are JSON objects with \"text\" and optional \"id\"");
  scan->add_option("--dictionary", opts.dictionaries, "Confidential terms, one per line (repeatable)")
      ->allow_extra_args(false);  // one file per --dictionary, so the input file stays positional
  scan->add_flag("--no-model", opts.no_model, "The rules alone, without the line model (privacy.model.enabled: false)");
  scan->add_option("--model", opts.model_file, "A line model file (line_model_train --out) instead of the embedded one");
  scan->add_option("--threshold", opts.threshold, "The line model's threshold (privacy.model.threshold)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  scan->add_option("input", opts.input, "Input file, or - for standard input")->capture_default_str();
  return scan;
}

int scan_lines(const Scanner& scanner, std::istream& in, std::ostream& out, bool jsonl) {
  int exit_code = 0;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!jsonl) {
      out << json::serialize(result_json(line, scanner.scan(line))) << '\n';
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines separate nothing
    boost::system::error_code ec;
    json::value doc = json::parse(line, ec);
    const json::object* obj = ec ? nullptr : doc.if_object();
    const json::value* id = obj != nullptr ? obj->if_contains("id") : nullptr;
    const json::value* text = obj != nullptr ? obj->if_contains("text") : nullptr;
    if (text == nullptr || !text->is_string()) {
      std::fprintf(stderr, "switchyard pii scan: line %zu: not a JSON object with a string \"text\"\n", line_no);
      out << json::serialize(malformed_json(id, "not a JSON object with a string \"text\"")) << '\n';
      exit_code = 2;
      continue;
    }
    std::string_view body = text->get_string();
    json::object result;
    if (id != nullptr) result["id"] = *id;
    for (auto& entry : result_json(body, scanner.scan(body))) result[entry.key()] = std::move(entry.value());
    out << json::serialize(result) << '\n';
  }
  if (in.bad()) {
    std::fprintf(stderr, "switchyard pii scan: error reading input after line %zu\n", line_no);
    return 2;
  }
  return exit_code;
}

int run_pii_scan(const PiiScanOptions& opts) {
  ScannerOptions scanner_opts;
  scanner_opts.dictionary_files = opts.dictionaries;
  std::optional<line_model::LineModel> own_model;
  if (!opts.no_model && !opts.model_file.empty()) {
    std::ifstream in(opts.model_file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto read = line_model::LineModel::from_bytes(std::as_bytes(std::span(bytes)));
    if (!in.good() && !in.eof()) read = core::Error::invalid_request("cannot be read");
    if (!read) {
      std::fprintf(stderr, "switchyard pii scan: %s: %s\n", opts.model_file.c_str(), read.error().message.c_str());
      return 1;
    }
    own_model = std::move(*read);
  }
  if (!opts.no_model) {
    scanner_opts.line_model = own_model ? &*own_model : embedded_line_model();
    if (!scanner_opts.line_model) {
      std::fprintf(stderr, "switchyard pii scan: the embedded line model cannot be read (a build error); use --no-model\n");
      return 1;
    }
    scanner_opts.line_model_threshold = static_cast<float>(opts.threshold);
  }
  auto scanner = Scanner::create(scanner_opts);
  if (!scanner) {
    std::fprintf(stderr, "switchyard pii scan: %s\n", scanner.error().message.c_str());
    return 1;
  }
  std::ios::sync_with_stdio(false);
  if (opts.input == "-") return scan_lines(**scanner, std::cin, std::cout, opts.jsonl);
  std::ifstream file(opts.input, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "switchyard pii scan: cannot read '%s'\n", opts.input.c_str());
    return 2;
  }
  return scan_lines(**scanner, file, std::cout, opts.jsonl);
}

}  // namespace sy::privacy
