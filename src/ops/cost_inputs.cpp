#include "ops/cost_inputs.h"

#include <initializer_list>

#include <yaml-cpp/yaml.h>

namespace sy::ops::cost {
namespace {

using Keys = std::initializer_list<std::string_view>;

core::Status only_keys(const YAML::Node& map, const std::string& where, Keys keys) {
  if (!map.IsMap()) return core::Error::invalid_request(where + ": must be a mapping");
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    bool known = false;
    for (auto k : keys) known = known || key == k;
    if (!known) return core::Error::invalid_request((where.empty() ? "" : where + ".") + key + ": unknown key");
  }
  return core::Ok{};
}

// A value is read only when its key is there, so defaults and earlier layers stay.
template <class T>
void read(const YAML::Node& map, const char* key, T& into) {
  if (auto v = map[key]) into = v.as<T>();
}

core::Status read_inputs(const YAML::Node& doc, Inputs& in) {
  if (auto s = only_keys(doc, "", {"currency", "rate", "traffic", "cloud", "rented", "owned", "hybrid"}); !s) return s;
  read(doc, "currency", in.currency);
  read(doc, "rate", in.rate);
  if (auto t = doc["traffic"]) {
    if (auto s = only_keys(t, "traffic", {"queries_per_day", "input_tokens", "output_tokens", "busy_hours_per_day"}); !s) {
      return s;
    }
    read(t, "queries_per_day", in.traffic.queries_per_day);
    read(t, "input_tokens", in.traffic.input_tokens);
    read(t, "output_tokens", in.traffic.output_tokens);
    read(t, "busy_hours_per_day", in.traffic.busy_hours_per_day);
  }
  if (auto c = doc["cloud"]) {
    if (auto s = only_keys(c, "cloud", {"model"}); !s) return s;
    read(c, "model", in.cloud.model);
  }
  if (auto r = doc["rented"]) {
    if (auto s = only_keys(r, "rented", {"gpu", "gpus", "usd_per_hour_low", "usd_per_hour_high", "hours_per_day",
                                         "utilisation"});
        !s) {
      return s;
    }
    read(r, "gpu", in.rented.gpu);
    read(r, "gpus", in.rented.gpus);
    read(r, "usd_per_hour_low", in.rented.usd_per_hour_low);
    read(r, "usd_per_hour_high", in.rented.usd_per_hour_high);
    read(r, "hours_per_day", in.rented.hours_per_day);
    read(r, "utilisation", in.rented.utilisation);
  }
  if (auto o = doc["owned"]) {
    if (auto s = only_keys(o, "owned", {"hardware_usd", "amortisation_months", "power_watts", "kwh_price",
                                        "kwh_currency", "staff_fte", "salary_usd_per_month", "hosting_usd_per_month"});
        !s) {
      return s;
    }
    read(o, "hardware_usd", in.owned.hardware_usd);
    read(o, "amortisation_months", in.owned.amortisation_months);
    read(o, "power_watts", in.owned.power_watts);
    read(o, "kwh_price", in.owned.kwh_price);
    read(o, "kwh_currency", in.owned.kwh_currency);
    read(o, "staff_fte", in.owned.staff_fte);
    read(o, "salary_usd_per_month", in.owned.salary_usd_per_month);
    read(o, "hosting_usd_per_month", in.owned.hosting_usd_per_month);
  }
  if (auto h = doc["hybrid"]) {
    if (auto s = only_keys(h, "hybrid", {"local", "cloud_share", "extra_fte"}); !s) return s;
    read(h, "local", in.hybrid.local);
    read(h, "cloud_share", in.hybrid.cloud_share);
    read(h, "extra_fte", in.hybrid.extra_fte);
  }
  return core::Ok{};
}

}  // namespace

core::Status apply_yaml(const std::string& yaml, const std::string& source, Inputs& in) {
  try {
    auto doc = YAML::Load(yaml);
    if (doc.IsNull()) return core::Ok{};  // an empty file changes nothing
    auto parsed = read_inputs(doc, in);
    if (!parsed) return core::Error::invalid_request(source + ": " + parsed.error().message);
  } catch (const YAML::Exception& e) {
    return core::Error::invalid_request(source + ": " + e.what());
  }
  return core::Ok{};
}

core::Status resolve_cloud_prices(const PriceTable& prices, Inputs& in) {
  // PriceTable matches per provider; a planner names only the model, so ask each provider and
  // keep the longest match (gpt-4o-mini, not gpt-4o).
  const Price* best = nullptr;
  for (auto kind : {config::ProviderKind::openai, config::ProviderKind::anthropic, config::ProviderKind::gemini,
                    config::ProviderKind::bedrock}) {
    config::ModelConfig model;
    model.provider = kind;
    model.upstream_model = in.cloud.model;
    const Price* p = prices.find(model);
    if (p && (!best || p->model.size() > best->model.size())) best = p;
  }
  if (!best) return core::Error::invalid_request("cloud.model: '" + in.cloud.model + "' is not in the price table", "cloud.model");
  in.cloud.input_usd_per_m = best->input;
  in.cloud.output_usd_per_m = best->output;
  return core::Ok{};
}

}  // namespace sy::ops::cost
