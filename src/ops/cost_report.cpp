#include "ops/cost_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <boost/json.hpp>

namespace sy::ops::cost {
namespace {

namespace json = boost::json;

// A range's second-currency ends are estimates of estimates: rounded to hundreds.
constexpr int64_t kRangeStep = 100;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Up to `decimals` places, trailing zeros dropped: 4.10 → "4.1", 1.475 → "1.475", 0.2 → "0.2".
std::string trimmed(double v, int decimals = 6) {
  std::string s = fixed(v, decimals);
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// Dollars and cents at least: 0.6 → "0.60", 1.475 → "1.475".
std::string price(double v) {
  std::string s = trimmed(v);
  auto dot = s.find('.');
  if (dot == std::string::npos) return s + ".00";
  if (s.size() - dot < 3) s += '0';
  return s;
}

std::string money(int64_t usd) { return grouped(usd); }

std::string span(int64_t low, int64_t high) { return low == high ? grouped(low) : grouped(low) + " - " + grouped(high); }

std::string second_span(int64_t low, int64_t high, double rate) {
  if (low == high) return grouped(in_second_currency(low, rate));
  return grouped(round_to(in_second_currency(low, rate), kRangeStep)) + " - " +
         grouped(round_to(in_second_currency(high, rate), kRangeStep));
}

struct Row {
  std::string label;
  std::string usd;
  std::string second;
  std::string detail;
};

std::string layout(const std::vector<Row>& rows) {
  size_t w0 = 0, w1 = 0, w2 = 0;
  for (const auto& r : rows) {
    w0 = std::max(w0, r.label.size());
    w1 = std::max(w1, r.usd.size());
    w2 = std::max(w2, r.second.size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line = r.label + std::string(w0 - r.label.size() + 2, ' ');
    line += std::string(w1 - r.usd.size(), ' ') + r.usd + "  ";
    line += std::string(w2 - r.second.size(), ' ') + r.second;
    if (!r.detail.empty()) line += "  " + r.detail;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string per_hour_prices(const RentedInputs& r) {
  std::string low = "$" + price(r.usd_per_hour_low);
  if (r.usd_per_hour_low == r.usd_per_hour_high) return low + "/h";
  return low + " - $" + price(r.usd_per_hour_high) + "/h";
}

std::string observed_lines(const ObservedTraffic& seen) {
  std::string out = "From the audit trail, " + trimmed(seen.days, 2) + " days: " + grouped(seen.queries) +
                    " answered queries (" + grouped(seen.local_queries) + " local, " + grouped(seen.cloud_queries) +
                    " cloud), " + grouped(seen.prompt_tokens) + " tokens in, " + grouped(seen.completion_tokens) +
                    " tokens out; the cloud part cost $" + fixed(static_cast<double>(seen.cloud_cost_micro_usd) / 1e6, 6) +
                    "\n";
  if (seen.unanswered > 0) out += "  (" + grouped(seen.unanswered) + " more records had no answer: errors, listings)\n";
  return out;
}

}  // namespace

std::string grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string render_table(const Inputs& in, const Plan& p, const ObservedTraffic* observed) {
  const auto& t = in.traffic;
  const double rate = in.rate;
  auto second = [&](int64_t usd) { return grouped(in_second_currency(usd, rate)); };

  std::string out;
  if (observed) out += observed_lines(*observed);
  out += "Traffic: " + trimmed(t.queries_per_day, 1) + " queries/day, " + trimmed(t.input_tokens, 1) + " tokens in + " +
         trimmed(t.output_tokens, 1) + " out each; a month is 30 days; every line is rounded to whole dollars" +
         (in.currency == "USD" ? std::string() : ", " + in.currency + " = USD x " + trimmed(rate)) + "\n\n";

  std::vector<Row> rows;
  rows.push_back({"Mode", "USD/month", in.currency + "/month", ""});
  rows.push_back({"Cloud API (" + in.cloud.model + ")", money(p.cloud.usd), second(p.cloud.usd),
                  "$" + trimmed(p.cloud.usd_per_day) + "/day = $" + fixed(p.cloud.usd_per_month, 2) + "/month ($" +
                      price(in.cloud.input_usd_per_m) + " in, $" + price(in.cloud.output_usd_per_m) + " out per 1M)"});

  const auto& r = in.rented;
  std::string gpus = trimmed(r.gpus) + " x " + (r.gpu.empty() ? std::string("GPU") : r.gpu);
  rows.push_back({"Rented GPU (" + gpus + ")", span(p.rented.usd_low, p.rented.usd_high),
                  second_span(p.rented.usd_low, p.rented.usd_high, rate),
                  trimmed(p.rented.hours_per_month, 1) + " h at " + per_hour_prices(r)});

  const auto& o = in.owned;
  rows.push_back({"Owned GPU", money(p.owned.total_usd), second(p.owned.total_usd), ""});
  rows.push_back({"  hardware", money(p.owned.hardware_usd), second(p.owned.hardware_usd),
                  "$" + grouped(std::llround(o.hardware_usd)) + " / " + trimmed(o.amortisation_months) + " months"});
  rows.push_back({"  power", money(p.owned.power_usd), second(p.owned.power_usd),
                  trimmed(o.power_watts) + " W x 24 h x 30 d = " + trimmed(p.owned.power_kwh, 1) + " kWh at " +
                      trimmed(o.kwh_price) + " " + o.kwh_currency + " = " + o.kwh_currency + " " +
                      grouped(p.owned.power_in_kwh_currency)});
  rows.push_back({"  staff", money(p.owned.staff_usd), second(p.owned.staff_usd),
                  trimmed(o.staff_fte) + " FTE x $" + grouped(std::llround(o.salary_usd_per_month))});
  if (p.owned.hosting_usd > 0) rows.push_back({"  hosting", money(p.owned.hosting_usd), second(p.owned.hosting_usd), ""});

  const auto& h = p.hybrid;
  rows.push_back({"Hybrid (" + in.hybrid.local + " + " + trimmed(in.hybrid.cloud_share * 100, 1) + "% cloud)",
                  span(h.total_usd_low, h.total_usd_high), second_span(h.total_usd_low, h.total_usd_high, rate), ""});
  rows.push_back({"  local (" + in.hybrid.local + ")", span(h.local_usd_low, h.local_usd_high),
                  second_span(h.local_usd_low, h.local_usd_high, rate), ""});
  rows.push_back({"  cloud share", money(h.cloud_usd), second(h.cloud_usd),
                  trimmed(in.hybrid.cloud_share * 100, 1) + "% of $" + fixed(p.cloud.usd_per_month, 2)});
  rows.push_back({"  operations", money(h.operations_usd), second(h.operations_usd),
                  trimmed(in.hybrid.extra_fte) + " FTE x $" + grouped(std::llround(o.salary_usd_per_month))});
  out += layout(rows);

  out += "\n";
  if (p.break_even_queries_per_day) {
    out += "Break-even: " + grouped(static_cast<int64_t>(std::ceil(*p.break_even_queries_per_day))) +
           " queries/day, where the cloud costs as much as owning ($" + grouped(p.owned.total_usd) +
           "/month); above it owning is cheaper\n";
  } else {
    out += "Break-even: none, a cloud query costs nothing at these prices\n";
  }
  out += "One local GPU must sustain " + fixed(p.tokens_per_second, 1) + " output tokens/s (" +
         trimmed(t.queries_per_day, 1) + " queries/day x " + trimmed(t.output_tokens, 1) + " tokens, arriving over " +
         trimmed(t.busy_hours_per_day) + " busy hours a day)\n";
  return out;
}

json::object render_json(const Inputs& in, const Plan& p, const ObservedTraffic* observed) {
  const double rate = in.rate;
  auto second = [&](int64_t usd) { return in_second_currency(usd, rate); };
  json::object out;
  out["currency"] = in.currency;
  out["rate"] = rate;
  out["days_per_month"] = kDaysPerMonth;
  out["rounding"] = "each line to whole USD, totals are sums of lines; in_currency = usd x rate";
  out["traffic"] = {{"queries_per_day", in.traffic.queries_per_day},
                    {"input_tokens", in.traffic.input_tokens},
                    {"output_tokens", in.traffic.output_tokens},
                    {"busy_hours_per_day", in.traffic.busy_hours_per_day}};
  out["cloud"] = {{"model", in.cloud.model},
                  {"input_usd_per_m", in.cloud.input_usd_per_m},
                  {"output_usd_per_m", in.cloud.output_usd_per_m},
                  {"usd_per_query", p.cloud.usd_per_query},
                  {"usd_per_day", p.cloud.usd_per_day},
                  {"usd_per_month", p.cloud.usd_per_month},
                  {"usd", p.cloud.usd},
                  {"in_currency", second(p.cloud.usd)}};
  out["rented"] = {{"gpu", in.rented.gpu},
                   {"gpus", in.rented.gpus},
                   {"hours_per_month", p.rented.hours_per_month},
                   {"usd_low", p.rented.usd_low},
                   {"usd_high", p.rented.usd_high},
                   {"in_currency_low", second(p.rented.usd_low)},
                   {"in_currency_high", second(p.rented.usd_high)},
                   {"in_currency_low_hundreds", round_to(second(p.rented.usd_low), kRangeStep)},
                   {"in_currency_high_hundreds", round_to(second(p.rented.usd_high), kRangeStep)}};
  out["owned"] = {{"hardware_usd", p.owned.hardware_usd},
                  {"power_kwh", p.owned.power_kwh},
                  {"power_in_kwh_currency", p.owned.power_in_kwh_currency},
                  {"kwh_currency", in.owned.kwh_currency},
                  {"power_usd", p.owned.power_usd},
                  {"staff_usd", p.owned.staff_usd},
                  {"hosting_usd", p.owned.hosting_usd},
                  {"usd", p.owned.total_usd},
                  {"in_currency", second(p.owned.total_usd)}};
  out["hybrid"] = {{"local", in.hybrid.local},
                   {"cloud_share", in.hybrid.cloud_share},
                   {"local_usd_low", p.hybrid.local_usd_low},
                   {"local_usd_high", p.hybrid.local_usd_high},
                   {"cloud_usd", p.hybrid.cloud_usd},
                   {"operations_usd", p.hybrid.operations_usd},
                   {"usd_low", p.hybrid.total_usd_low},
                   {"usd_high", p.hybrid.total_usd_high},
                   {"in_currency_low", second(p.hybrid.total_usd_low)},
                   {"in_currency_high", second(p.hybrid.total_usd_high)}};
  if (p.break_even_queries_per_day) out["break_even_queries_per_day"] = *p.break_even_queries_per_day;
  else out["break_even_queries_per_day"] = nullptr;
  out["tokens_per_second"] = p.tokens_per_second;
  if (observed) {
    out["observed"] = {{"days", observed->days},
                       {"queries", observed->queries},
                       {"local_queries", observed->local_queries},
                       {"cloud_queries", observed->cloud_queries},
                       {"prompt_tokens", observed->prompt_tokens},
                       {"completion_tokens", observed->completion_tokens},
                       {"cloud_prompt_tokens", observed->cloud_prompt_tokens},
                       {"cloud_completion_tokens", observed->cloud_completion_tokens},
                       {"cloud_cost_usd", static_cast<double>(observed->cloud_cost_micro_usd) / 1e6},
                       {"unanswered", observed->unanswered}};
  }
  return out;
}

}  // namespace sy::ops::cost
