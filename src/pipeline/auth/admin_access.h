#pragma once
// Which role reaches which part of the admin API: one table, by method and path, read top to
// bottom (the first row that matches decides). Endpoints added under /admin follow it without
// touching it: a GET is a read (viewer and above), a POST under /admin/models a registry action
// (operator, admin), anything under /admin/audit or /admin/usage the auditor's (and the admin's),
// and whatever else only the admin's.
#include <string_view>

#include "core/principal.h"
#include "http/types.h"

namespace sy::pipeline {

// Whether `role` may call `method` `path` (a path under /admin, without its query).
bool admin_allows(core::Role role, http::bhttp::verb method, std::string_view path);
// The roles that may, for messages: "operator or admin".
const char* admin_roles_for(http::bhttp::verb method, std::string_view path);

}  // namespace sy::pipeline
