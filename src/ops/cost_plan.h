#pragma once
// `switchyard cost plan`'s arithmetic: what a month costs in each deployment mode (cloud API,
// rented GPU, owned GPU, hybrid), where cloud and owned break even, and the tokens/s one local GPU
// must sustain. Inputs in, numbers out; no files, no clock (cost_command does the I/O).
//
// Rounding rule: every cost line is rounded to whole US dollars (half away from zero), and a
// total is the sum of its rounded lines, so the table always adds up (333 + 36 + 1100 = 1469).
// A second-currency figure is the whole-dollar figure times the rate, so NT$47,008 = 1469 × 32.
// One exception: the power bill is also kept in the currency its kWh price is given in, rounded
// to the unit there (NT$1,152), since that is the bill someone actually pays.
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace sy::ops::cost {

inline constexpr double kDaysPerMonth = 30;
inline constexpr double kHoursPerDay = 24;

struct TrafficInputs {
  double queries_per_day = 0;
  double input_tokens = 0;        // per query
  double output_tokens = 0;       // per query
  double busy_hours_per_day = 8;  // the hours the day's traffic is spread over (for tokens/s)
};

struct CloudInputs {
  std::string model = "gpt-4o-mini";  // a name in the price table (longest prefix wins)
  double input_usd_per_m = 0;         // resolved from the price table by the caller
  double output_usd_per_m = 0;
};

struct RentedInputs {
  std::string gpu;                // a label for the table ("A100")
  double gpus = 1;
  double usd_per_hour_low = 0;    // per GPU; the cheapest offer found
  double usd_per_hour_high = 0;   // per GPU; the dearest (on-demand at a big cloud)
  double hours_per_day = 24;
  double utilisation = 1;         // share of those hours actually rented (0..1]
};

struct OwnedInputs {
  double hardware_usd = 0;
  double amortisation_months = 36;
  double power_watts = 0;              // the whole box at its usual draw, around the clock
  double kwh_price = 0;
  std::string kwh_currency = "USD";    // USD or the second currency
  double staff_fte = 0;                // share of one person's time
  double salary_usd_per_month = 0;
  double hosting_usd_per_month = 0;    // rack, colocation; 0 = in your own room
};

struct HybridInputs {
  std::string local = "owned";  // owned | rented: what serves the local part
  double cloud_share = 0;       // share of queries sent to the cloud (0..1)
  double extra_fte = 0;         // extra operating effort for running both
};

struct Inputs {
  std::string currency = "USD";  // the second currency
  double rate = 1;               // units of it per US dollar
  TrafficInputs traffic;
  CloudInputs cloud;
  RentedInputs rented;
  OwnedInputs owned;
  HybridInputs hybrid;
};

// The first input out of range, named by its YAML key.
core::Status validate(const Inputs& in);

struct CloudCost {
  double usd_per_query = 0;
  double usd_per_day = 0;
  double usd_per_month = 0;  // exact
  int64_t usd = 0;           // whole dollars
};

struct RentedCost {
  double hours_per_month = 0;  // per GPU
  int64_t usd_low = 0;
  int64_t usd_high = 0;
};

struct OwnedCost {
  int64_t hardware_usd = 0;
  double power_kwh = 0;
  int64_t power_in_kwh_currency = 0;  // the bill in the kWh price's currency
  int64_t power_usd = 0;
  int64_t staff_usd = 0;
  int64_t hosting_usd = 0;
  int64_t total_usd = 0;              // sum of the rounded lines
};

struct HybridCost {
  int64_t local_usd_low = 0;  // owned total, or the rented range
  int64_t local_usd_high = 0;
  int64_t cloud_usd = 0;      // cloud_share of the cloud mode's exact monthly cost
  int64_t operations_usd = 0; // extra_fte × salary
  int64_t total_usd_low = 0;
  int64_t total_usd_high = 0;
};

struct Plan {
  CloudCost cloud;
  RentedCost rented;
  OwnedCost owned;
  HybridCost hybrid;
  // Daily queries at which the cloud's monthly cost equals the owned total; nullopt when a cloud
  // query costs nothing.
  std::optional<double> break_even_queries_per_day;
  // Output tokens per second one local GPU must sustain for the traffic, spread over the busy hours.
  double tokens_per_second = 0;
};

Plan plan(const Inputs& in);  // call validate first

// Money in the second currency: whole dollars times the rate, to the unit.
int64_t in_second_currency(int64_t usd, double rate);
// Rounded to a multiple of `step` (half away from zero): 33,984 → 34,000 for step 100.
int64_t round_to(int64_t amount, int64_t step);

}  // namespace sy::ops::cost
