#pragma once
// The store's schema, as numbered migrations. Each is applied once, in order, in a write
// transaction of its own, and recorded in schema_migrations. Never edit a released migration:
// add the next one.
#include <span>
#include <string>
#include <string_view>

namespace sy::store {

struct Migration {
  int version;
  const char* name;
  // SQL both dialects accept; "{int64_key}" becomes the dialect's 64-bit integer primary key.
  const char* sql;
};

std::span<const Migration> migrations();
std::string migration_sql(const Migration& m, std::string_view dialect);

}  // namespace sy::store
