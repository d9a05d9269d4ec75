#include "api/embedding_call.h"

#include "pipeline/route/route_stage.h"

namespace sy::api {

using core::Error;

http::awaitable<void> serve_embedding_call(Exchange& ex, const Services& services, const pipeline::BodyParser& parser,
                                           EmbeddingBody body) {
  auto& s = ex.state;
  s.model_call = true;
  s.parser = &parser;
  auto run = co_await services.chains.embeddings.admit(s);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  const auto& model = s.chat.model;
  if (!s.principal.may_use(model)) {
    auto e = Error::permission("This key may not use model '" + model + "'.");
    co_await ex.send_error(e);
    co_return;
  }
  const auto* configured = services.config.find_model(model);
  auto resolved = configured ? services.registry.resolve(model, pipeline::RouteStage::caller_of(s), s.pinned) : std::nullopt;
  if (!resolved || !resolved->deployment->local) {
    auto e = configured ? Error::invalid_request("Model '" + model + "' does not serve embeddings here; local models do.", "model")
                        : Error::model_not_found(model);
    co_await ex.send_error(e);
    co_return;
  }
  s.targets.push_back(pipeline::Target{configured, resolved->deployment, resolved->deployment->provider.get(), resolved->role});
  s.answered_by = &s.targets.back();
  s.record.target = model;
  s.record.version = resolved->deployment->version;
  s.record.attempts = 1;
  auto result = co_await resolved->deployment->local->embed(s.inputs);
  if (!result) {
    co_await ex.send_error(result.error());
    co_return;
  }
  core::Usage usage;
  usage.prompt_tokens = result->prompt_tokens;
  s.usage = usage;
  auto answer = body(*result, s);
  co_await ex.send_json(200, std::move(answer));
}

}  // namespace sy::api
