// GET /v1/models: the models and routes the caller's key may use, as OpenAI lists models.
#include <boost/json.hpp>

#include "api/endpoints.h"

namespace sy::api {

http::awaitable<void> serve_models(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.keyed.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  boost::json::array data;
  auto add = [&](const std::string& name, const char* owner) {
    if (!ex.state.principal.may_use(name)) return;
    data.push_back(boost::json::object{{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", owner}});
  };
  for (const auto& m : services.config.models) add(m.name, config::to_string(m.provider));
  for (const auto& r : services.config.routes) add(r.name, "switchyard-route");
  boost::json::object list{{"object", "list"}, {"data", std::move(data)}};
  co_await ex.send_json(200, boost::json::serialize(list));
}

}  // namespace sy::api
