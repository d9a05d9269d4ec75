#include "eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include <boost/json.hpp>

namespace sy::eval {

namespace json = boost::json;

namespace {

// Nearest-rank percentile of a sorted list.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return -1;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Cut to `width` code points, for the terminal table.
std::string clip(std::string_view s, size_t width) {
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++n > width) break;
    out += s[i] == '\n' ? ' ' : s[i];
  }
  return out;
}

// A bar chart as inline SVG: one bar per value, scaled to the largest.
std::string svg_bars(const std::vector<std::pair<std::string, double>>& bars, const std::string& unit, double max_value) {
  const int width = 640, bar_h = 14, gap = 4, label_w = 180;
  int height = static_cast<int>(bars.size()) * (bar_h + gap) + gap;
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(width) + "' height='" +
                    std::to_string(height) + "' role='img'>";
  double top = max_value > 0 ? max_value : 1;
  for (size_t i = 0; i < bars.size(); ++i) {
    int y = gap + static_cast<int>(i) * (bar_h + gap);
    double v = std::max(0.0, bars[i].second);
    int w = static_cast<int>((width - label_w - 80) * std::min(1.0, v / top));
    svg += "<text x='0' y='" + std::to_string(y + bar_h - 3) + "' font-size='11'>" + html_escape(clip(bars[i].first, 28)) + "</text>";
    svg += "<rect x='" + std::to_string(label_w) + "' y='" + std::to_string(y) + "' width='" + std::to_string(w) +
           "' height='" + std::to_string(bar_h) + "' fill='#3b6ea5'/>";
    svg += "<text x='" + std::to_string(label_w + w + 4) + "' y='" + std::to_string(y + bar_h - 3) + "' font-size='11'>" +
           fmt(unit == "ms" ? "%.0f" : "%.2f", v) + (unit.empty() ? "" : " " + unit) + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace

ops::EvalRun summarize(const std::vector<ItemResult>& items) {
  ops::EvalRun s;
  s.items = static_cast<int64_t>(items.size());
  std::vector<double> latency, ttft;
  double score = 0, cost = 0;
  int64_t passed = 0;
  bool cost_known = !items.empty();
  for (const auto& r : items) {
    score += r.score;
    passed += r.passed ? 1 : 0;
    if (!r.outcome.ok()) ++s.errors;
    latency.push_back(r.outcome.latency_ms);
    if (r.outcome.ttft_ms >= 0) ttft.push_back(r.outcome.ttft_ms);
    s.prompt_tokens += r.outcome.prompt_tokens;
    s.completion_tokens += r.outcome.completion_tokens;
    if (r.cost_usd < 0) cost_known = false;
    else cost += r.cost_usd;
  }
  std::sort(latency.begin(), latency.end());
  std::sort(ttft.begin(), ttft.end());
  double n = static_cast<double>(std::max<size_t>(1, items.size()));
  s.score = score / n;
  s.pass_rate = static_cast<double>(passed) / n;
  s.p50_latency_ms = percentile(latency, 50);
  s.p95_latency_ms = percentile(latency, 95);
  s.p50_ttft_ms = percentile(ttft, 50);
  s.p95_ttft_ms = percentile(ttft, 95);
  s.cost_usd = cost_known ? cost : -1;
  return s;
}

std::string answering_version(const std::vector<ItemResult>& items) {
  std::map<std::string, int> count;
  for (const auto& r : items) {
    if (!r.outcome.version.empty()) ++count[r.outcome.version];
  }
  std::string best;
  int most = 0;
  for (const auto& [v, n] : count) {
    if (n > most) best = v, most = n;
  }
  return best;
}

std::string format_table(const Report& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %6s %4s %9s %9s %7s  %s\n", "ITEM", "SCORE", "OK", "LATENCY", "TTFT", "TOKENS", "NOTE");
  out += line;
  for (const auto& r : report.items) {
    std::string note = r.outcome.ok() ? "" : r.outcome.error;
    for (const auto& [check, s] : r.checks) {
      if (note.empty() && !s.note.empty()) note = std::string(to_string(check.kind)) + ": " + s.note;
    }
    std::snprintf(line, sizeof line, "%-24s %6.3f %4s %7.0fms %7sms %7lld  %s\n", clip(r.id, 24).c_str(), r.score,
                  r.passed ? "yes" : "no", r.outcome.latency_ms,
                  r.outcome.ttft_ms >= 0 ? fmt("%.0f", r.outcome.ttft_ms).c_str() : "-",
                  static_cast<long long>(r.outcome.prompt_tokens + r.outcome.completion_tokens), clip(note, 60).c_str());
    out += line;
  }
  const auto& s = report.summary;
  std::snprintf(line, sizeof line,
                "\n%s%s: score %.3f, passed %.0f%% of %lld items (%lld failed requests); latency p50 %.0f ms, p95 %.0f ms; "
                "TTFT p50 %s, p95 %s; tokens %lld in, %lld out; cost %s\n",
                report.model.c_str(), report.version.empty() ? "" : (" (version " + report.version + ")").c_str(), s.score,
                s.pass_rate * 100, static_cast<long long>(s.items), static_cast<long long>(s.errors), s.p50_latency_ms,
                s.p95_latency_ms, s.p50_ttft_ms >= 0 ? fmt("%.0f ms", s.p50_ttft_ms).c_str() : "-",
                s.p95_ttft_ms >= 0 ? fmt("%.0f ms", s.p95_ttft_ms).c_str() : "-", static_cast<long long>(s.prompt_tokens),
                static_cast<long long>(s.completion_tokens), s.cost_usd >= 0 ? fmt("$%.6f", s.cost_usd).c_str() : "unknown");
  out += line;
  if (s.feedback_count > 0) {
    std::snprintf(line, sizeof line, "client feedback on this version: mean %.2f (-1..1) over %lld ratings\n", s.feedback_mean,
                  static_cast<long long>(s.feedback_count));
    out += line;
  }
  return out;
}

json::object to_json(const Report& report) {
  json::array items;
  for (const auto& r : report.items) {
    json::array checks;
    for (const auto& [check, s] : r.checks) {
      checks.push_back(json::object{{"type", to_string(check.kind)}, {"score", s.score}, {"passed", s.score >= pass_mark(check)},
                                    {"note", s.note}});
    }
    json::object o{{"id", r.id},
                   {"score", r.score},
                   {"passed", r.passed},
                   {"checks", std::move(checks)},
                   {"answer", r.outcome.answer},
                   {"status", r.outcome.status},
                   {"latency_ms", r.outcome.latency_ms},
                   {"ttft_ms", r.outcome.ttft_ms},
                   {"prompt_tokens", r.outcome.prompt_tokens},
                   {"completion_tokens", r.outcome.completion_tokens},
                   {"request_id", r.outcome.request_id},
                   {"version", r.outcome.version}};
    if (r.cost_usd >= 0) o["cost_usd"] = r.cost_usd;
    if (!r.outcome.error.empty()) o["error"] = r.outcome.error;
    items.push_back(std::move(o));
  }
  return {{"model", report.model}, {"version", report.version}, {"summary", ops::to_json(report.summary)}, {"items", std::move(items)}};
}

std::string format_html(const Report& report) {
  const auto& s = report.summary;
  std::vector<std::pair<std::string, double>> scores, latencies;
  for (const auto& r : report.items) {
    scores.emplace_back(r.id, r.score);
    latencies.emplace_back(r.id, r.outcome.latency_ms);
  }
  double slowest = 0;
  for (const auto& [id, v] : latencies) slowest = std::max(slowest, v);
  std::string html =
      "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>switchyard eval: " + html_escape(report.model) +
      "</title><style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}.no{color:#a33}.yes{color:#282}"
      "</style></head><body>";
  html += "<h1>Evaluation of " + html_escape(report.model) + (report.version.empty() ? "" : " (version " + html_escape(report.version) + ")") + "</h1>";
  html += "<p>Dataset " + html_escape(s.dataset) + " (sha256 " + html_escape(s.dataset_sha256.substr(0, 12)) + "), " +
          std::to_string(s.items) + " items.</p><table>";
  auto row = [&](const std::string& k, const std::string& v) { html += "<tr><th>" + k + "</th><td>" + v + "</td></tr>"; };
  row("score (mean)", fmt("%.3f", s.score));
  row("passed", fmt("%.1f%%", s.pass_rate * 100));
  row("failed requests", std::to_string(s.errors));
  row("latency p50 / p95", fmt("%.0f ms", s.p50_latency_ms) + " / " + fmt("%.0f ms", s.p95_latency_ms));
  row("TTFT p50 / p95", s.p50_ttft_ms >= 0 ? fmt("%.0f ms", s.p50_ttft_ms) + " / " + fmt("%.0f ms", s.p95_ttft_ms) : "-");
  row("tokens in / out", std::to_string(s.prompt_tokens) + " / " + std::to_string(s.completion_tokens));
  row("cost", s.cost_usd >= 0 ? fmt("$%.6f", s.cost_usd) : "unknown");
  if (s.feedback_count > 0) row("client feedback", fmt("%.2f", s.feedback_mean) + " over " + std::to_string(s.feedback_count) + " ratings");
  html += "</table><h2>Score per item</h2>" + svg_bars(scores, "", 1.0);
  html += "<h2>Latency per item</h2>" + svg_bars(latencies, "ms", slowest);
  html += "<h2>Items</h2><table><tr><th>item</th><th>score</th><th>checks</th><th>answer</th></tr>";
  for (const auto& r : report.items) {
    std::string checks;
    for (const auto& [check, cs] : r.checks) {
      checks += std::string(to_string(check.kind)) + " " + fmt("%.2f", cs.score) + (cs.note.empty() ? "" : " (" + html_escape(cs.note) + ")") + "<br>";
    }
    html += "<tr><td>" + html_escape(r.id) + "</td><td class='" + (r.passed ? "yes" : "no") + "'>" + fmt("%.3f", r.score) +
            "</td><td>" + checks + "</td><td>" + html_escape(r.outcome.ok() ? r.outcome.answer : r.outcome.error) + "</td></tr>";
  }
  return html + "</table></body></html>\n";
}

}  // namespace sy::eval
