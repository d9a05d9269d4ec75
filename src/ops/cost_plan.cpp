#include "ops/cost_plan.h"

#include <cmath>

namespace sy::ops::cost {
namespace {

int64_t whole_dollars(double usd) { return std::llround(usd); }

core::Error bad(const std::string& key, const std::string& why) {
  return core::Error::invalid_request(key + ": " + why, key);
}

bool finite_at_least(double v, double min) { return std::isfinite(v) && v >= min; }

}  // namespace

core::Status validate(const Inputs& in) {
  if (in.currency.empty()) return bad("currency", "must name a currency (USD, TWD, EUR, ...)");
  if (!std::isfinite(in.rate) || in.rate <= 0) return bad("rate", "must be above 0 (units of " + in.currency + " per USD)");
  if (in.currency == "USD" && in.rate != 1) return bad("rate", "must be 1 when the second currency is USD");

  const auto& t = in.traffic;
  if (!finite_at_least(t.queries_per_day, 0)) return bad("traffic.queries_per_day", "must be 0 or more");
  if (!finite_at_least(t.input_tokens, 0)) return bad("traffic.input_tokens", "must be 0 or more");
  if (!finite_at_least(t.output_tokens, 0)) return bad("traffic.output_tokens", "must be 0 or more");
  if (!std::isfinite(t.busy_hours_per_day) || t.busy_hours_per_day <= 0 || t.busy_hours_per_day > kHoursPerDay) {
    return bad("traffic.busy_hours_per_day", "must be above 0 and at most 24");
  }

  const auto& c = in.cloud;
  if (c.model.empty()) return bad("cloud.model", "must name a model of the price table");
  if (!finite_at_least(c.input_usd_per_m, 0) || !finite_at_least(c.output_usd_per_m, 0)) {
    return bad("cloud.model", "has a negative price");
  }

  const auto& r = in.rented;
  if (!finite_at_least(r.gpus, 1)) return bad("rented.gpus", "must be 1 or more");
  if (!finite_at_least(r.usd_per_hour_low, 0)) return bad("rented.usd_per_hour_low", "must be 0 or more");
  if (!finite_at_least(r.usd_per_hour_high, r.usd_per_hour_low)) {
    return bad("rented.usd_per_hour_high", "must be at least rented.usd_per_hour_low");
  }
  if (!std::isfinite(r.hours_per_day) || r.hours_per_day <= 0 || r.hours_per_day > kHoursPerDay) {
    return bad("rented.hours_per_day", "must be above 0 and at most 24");
  }
  if (!std::isfinite(r.utilisation) || r.utilisation <= 0 || r.utilisation > 1) {
    return bad("rented.utilisation", "must be above 0 and at most 1");
  }

  const auto& o = in.owned;
  if (!finite_at_least(o.hardware_usd, 0)) return bad("owned.hardware_usd", "must be 0 or more");
  if (!std::isfinite(o.amortisation_months) || o.amortisation_months <= 0) {
    return bad("owned.amortisation_months", "must be above 0");
  }
  if (!finite_at_least(o.power_watts, 0)) return bad("owned.power_watts", "must be 0 or more");
  if (!finite_at_least(o.kwh_price, 0)) return bad("owned.kwh_price", "must be 0 or more");
  if (o.kwh_currency != "USD" && o.kwh_currency != in.currency) {
    return bad("owned.kwh_currency", "must be USD or the second currency (" + in.currency + "), not '" +
                                         o.kwh_currency + "'");
  }
  if (!finite_at_least(o.staff_fte, 0)) return bad("owned.staff_fte", "must be 0 or more");
  if (!finite_at_least(o.salary_usd_per_month, 0)) return bad("owned.salary_usd_per_month", "must be 0 or more");
  if (!finite_at_least(o.hosting_usd_per_month, 0)) return bad("owned.hosting_usd_per_month", "must be 0 or more");

  const auto& h = in.hybrid;
  if (h.local != "owned" && h.local != "rented") return bad("hybrid.local", "must be owned or rented, not '" + h.local + "'");
  if (!std::isfinite(h.cloud_share) || h.cloud_share < 0 || h.cloud_share > 1) {
    return bad("hybrid.cloud_share", "must be between 0 and 1");
  }
  if (!finite_at_least(h.extra_fte, 0)) return bad("hybrid.extra_fte", "must be 0 or more");
  return core::Ok{};
}

namespace {

CloudCost cloud_cost(const TrafficInputs& t, const CloudInputs& c) {
  CloudCost out;
  out.usd_per_query = (t.input_tokens * c.input_usd_per_m + t.output_tokens * c.output_usd_per_m) / 1e6;
  out.usd_per_day = t.queries_per_day * out.usd_per_query;
  out.usd_per_month = out.usd_per_day * kDaysPerMonth;
  out.usd = whole_dollars(out.usd_per_month);
  return out;
}

RentedCost rented_cost(const RentedInputs& r) {
  RentedCost out;
  out.hours_per_month = r.hours_per_day * kDaysPerMonth * r.utilisation;
  out.usd_low = whole_dollars(r.usd_per_hour_low * out.hours_per_month * r.gpus);
  out.usd_high = whole_dollars(r.usd_per_hour_high * out.hours_per_month * r.gpus);
  return out;
}

OwnedCost owned_cost(const OwnedInputs& o, double rate) {
  OwnedCost out;
  out.hardware_usd = whole_dollars(o.hardware_usd / o.amortisation_months);
  // The box draws power whether or not it is busy: around the clock, every day of the month.
  out.power_kwh = o.power_watts * kHoursPerDay * kDaysPerMonth / 1000;
  double bill = out.power_kwh * o.kwh_price;
  out.power_in_kwh_currency = std::llround(bill);
  out.power_usd = whole_dollars(o.kwh_currency == "USD" ? bill : bill / rate);
  out.staff_usd = whole_dollars(o.staff_fte * o.salary_usd_per_month);
  out.hosting_usd = whole_dollars(o.hosting_usd_per_month);
  out.total_usd = out.hardware_usd + out.power_usd + out.staff_usd + out.hosting_usd;
  return out;
}

}  // namespace

Plan plan(const Inputs& in) {
  Plan p;
  p.cloud = cloud_cost(in.traffic, in.cloud);
  p.rented = rented_cost(in.rented);
  p.owned = owned_cost(in.owned, in.rate);

  auto& h = p.hybrid;
  const bool rented_local = in.hybrid.local == "rented";
  h.local_usd_low = rented_local ? p.rented.usd_low : p.owned.total_usd;
  h.local_usd_high = rented_local ? p.rented.usd_high : p.owned.total_usd;
  h.cloud_usd = whole_dollars(in.hybrid.cloud_share * p.cloud.usd_per_month);
  h.operations_usd = whole_dollars(in.hybrid.extra_fte * in.owned.salary_usd_per_month);
  h.total_usd_low = h.local_usd_low + h.cloud_usd + h.operations_usd;
  h.total_usd_high = h.local_usd_high + h.cloud_usd + h.operations_usd;

  if (p.cloud.usd_per_query > 0) {
    p.break_even_queries_per_day = static_cast<double>(p.owned.total_usd) / (p.cloud.usd_per_query * kDaysPerMonth);
  }
  p.tokens_per_second = in.traffic.queries_per_day * in.traffic.output_tokens / (in.traffic.busy_hours_per_day * 3600);
  return p;
}

int64_t in_second_currency(int64_t usd, double rate) { return std::llround(static_cast<double>(usd) * rate); }

int64_t round_to(int64_t amount, int64_t step) {
  if (step <= 1) return amount;
  return std::llround(static_cast<double>(amount) / static_cast<double>(step)) * step;
}

}  // namespace sy::ops::cost
