#include "router/passages.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace sy::router {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxTitleBytes = 160;

// A passage's first sentence, as its title when nothing names it.
std::string first_sentence(std::string_view text) {
  size_t end = text.size();
  for (std::string_view stop : {". ", "? ", "! ", "\n", "。", "？", "！"}) end = std::min(end, text.find(stop));
  if (end > kMaxTitleBytes) end = kMaxTitleBytes;
  std::string out(text.substr(0, end));
  return out.empty() ? std::string(text.substr(0, std::min(text.size(), kMaxTitleBytes))) : out;
}

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

core::Result<std::vector<FaqEntry>> read_jsonl(const std::string& file) {
  std::ifstream in(file);
  if (!in) return core::Error::invalid_request("cannot read '" + file + "'");
  std::vector<FaqEntry> out;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = file + ":" + std::to_string(line_no);
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o) return core::Error::invalid_request(where + ": not a JSON object");
    auto str = [&](const char* key) -> std::string {
      auto* f = o->if_contains(key);
      return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    FaqEntry e;
    e.id = str("id").empty() ? std::to_string(line_no) : str("id");
    e.question = str("question");
    e.answer = str("answer");
    e.topic = str("topic");
    if (e.answer.empty()) {
      e.answer = str("text");
      e.question = e.question.empty() ? first_sentence(e.answer) : e.question;
    }
    if (const auto* alt = o->if_contains("alternates"); alt && alt->is_array()) {
      for (const auto& x : alt->as_array()) {
        if (x.is_string()) e.alternates.emplace_back(x.as_string());
      }
    }
    if (e.answer.empty() || e.question.empty()) {
      return core::Error::invalid_request(where + ": expected \"question\" and \"answer\", or \"text\"");
    }
    out.push_back(std::move(e));
  }
  return out;
}

void add_paragraphs(const fs::path& file, std::vector<FaqEntry>& out) {
  std::ifstream in(file);
  std::string heading, paragraph;
  int n = 0;
  auto flush = [&] {
    auto text = trimmed(paragraph);
    paragraph.clear();
    if (text.empty()) return;
    FaqEntry e;
    e.id = file.filename().string() + "#" + std::to_string(++n);
    e.question = heading.empty() ? first_sentence(text) : heading;
    e.answer = std::move(text);
    out.push_back(std::move(e));
  };
  for (std::string line; std::getline(in, line);) {
    auto t = trimmed(line);
    if (t.empty()) {
      flush();
    } else if (t.starts_with('#')) {
      flush();
      heading = trimmed(std::string_view(t).substr(t.find_first_not_of('#')));
    } else {
      paragraph += line + "\n";
    }
  }
  flush();
}

}  // namespace

core::Result<std::vector<FaqEntry>> load_passages(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return read_jsonl(path);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".md" || ext == ".txt")) files.push_back(entry.path());
  }
  if (ec) return core::Error::invalid_request("cannot read the grounding folder '" + path + "': " + ec.message());
  std::sort(files.begin(), files.end());  // ids and ties do not depend on the directory's order
  std::vector<FaqEntry> out;
  for (const auto& f : files) add_paragraphs(f, out);
  if (out.empty()) return core::Error::invalid_request("the grounding folder '" + path + "' holds no .md or .txt passages");
  return out;
}

std::string passage_text(const FaqEntry& e) {
  if (e.answer.starts_with(e.question)) return e.answer;
  return "Q: " + e.question + "\nA: " + e.answer;
}

}  // namespace sy::router
