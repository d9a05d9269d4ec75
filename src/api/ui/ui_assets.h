#pragma once
// The dashboard's files (ui/, built by Vite when the binary is built), embedded into the binary by
// cmake/embed_ui.cmake: one binary serves /ui with nothing to install beside it.
#include <span>
#include <string_view>

namespace sy::api {

struct UiAsset {
  std::string_view path;          // under /ui: "/index.html", "/assets/index-3f2a.js"
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;          // quoted, from the file's SHA-256
};

// Empty when the dashboard was not built (no Node.js or ui/node_modules when CMake configured).
std::span<const UiAsset> ui_assets();

}  // namespace sy::api
