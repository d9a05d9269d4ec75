#include "api/model_call.h"

#include "api/client_responder.h"

namespace sy::api {

http::awaitable<void> serve_model_call(Exchange& ex, const Services& services, const pipeline::BodyParser& parser) {
  ex.state.model_call = true;
  ex.state.parser = &parser;
  ClientResponder responder(ex);
  co_await services.chains.chat.run(ex.state, responder);
}

}  // namespace sy::api
