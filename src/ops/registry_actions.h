#pragma once
// The registry's actions, one implementation for the CLI (`switchyard models ...`) and the admin
// API (/admin/models/...). Each checks its input, changes the store in one step, and answers with
// a JSON object saying what is now true. A running server follows the store by itself.
#include <string>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct AddVersion {
  store::ModelVersion version;
  std::string alias;  // optional: point this alias (e.g. staging) at the new version
};

core::Result<boost::json::object> add_version(store::Store& store, AddVersion request);
// Points `alias` (default production) at `version`; with no version, the canary's version is
// promoted (and the canary ends).
core::Result<boost::json::object> promote(store::Store& store, const std::string& model, std::string version,
                                          const std::string& alias, const std::string& author);
// Production goes back to the version it had before; any canary ends.
core::Result<boost::json::object> rollback(store::Store& store, const std::string& model, const std::string& author);
// `alias` canary or shadow at `percent` (0 < p <= 100) of traffic; percent 0 ends it.
core::Result<boost::json::object> set_traffic_alias(store::Store& store, const std::string& model, const std::string& alias,
                                                    const std::string& version, double percent, const std::string& author);
core::Result<boost::json::object> retire(store::Store& store, const std::string& model, const std::string& version,
                                         const std::string& author);

// Every model (or one) with its versions and aliases.
core::Result<boost::json::object> describe_models(store::Store& store, const std::string& only_model = {});

boost::json::object to_json(const store::ModelVersion& v);

}  // namespace sy::ops
