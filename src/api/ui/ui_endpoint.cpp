// GET /ui[/...]: the dashboard's static files, from the binary itself (api/ui/ui_assets.h). They are
// served without a key: every data call the page makes carries the key its user typed, and the
// admin API decides on it. /ui/ is the page; assets/ hold content-hashed names, cached for good;
// the page itself is revalidated (ETag), so a new binary's dashboard shows at the next load.
#include "api/endpoints.h"
#include "api/ui/ui_assets.h"

namespace sy::api {

namespace bhttp = http::bhttp;

namespace {

const UiAsset* find_asset(std::string_view path) {
  for (const auto& a : ui_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

http::awaitable<void> send_asset(Exchange& ex, const UiAsset& asset, bool immutable) {
  bool fresh = ex.request[bhttp::field::if_none_match] == asset.etag;
  http::Response res{fresh ? bhttp::status::not_modified : bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, asset.content_type);
  res.set(bhttp::field::etag, asset.etag);
  res.set(bhttp::field::cache_control, immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set("x-content-type-options", "nosniff");
  res.set("referrer-policy", "no-referrer");
  // Everything the page needs is its own: no CDN, no inline script; uPlot sizes its parts with
  // style attributes, hence 'unsafe-inline' for styles only.
  res.set("content-security-policy",
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  ex.decorate(res.base());
  if (!fresh) res.body() = std::string(asset.body);
  ex.state.record.status = fresh ? 304 : 200;
  co_await ex.writer.send(std::move(res));
}

}  // namespace

http::awaitable<void> serve_ui(Exchange& ex, const Services&) {
  std::string_view path = ex.state.record.path;
  path.remove_prefix(std::string_view("/ui").size());
  if (ui_assets().empty()) {
    co_await ex.send_text(503,
                          "The dashboard was not built into this binary: install Node.js and the ui/ packages "
                          "(scripts/setup), then build again.\n",
                          "text/plain; charset=utf-8");
    co_return;
  }
  if (path.empty()) {
    // The page's relative asset paths need the trailing slash.
    http::Response res{bhttp::status::permanent_redirect, 11};
    res.set(bhttp::field::location, "/ui/");
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    ex.decorate(res.base());
    res.body() = "/ui/\n";
    ex.state.record.status = 308;
    co_await ex.writer.send(std::move(res));
    co_return;
  }
  if (path == "/") path = "/index.html";
  const auto* asset = find_asset(path);
  if (!asset) {
    co_await ex.send_text(404, "No such file in the dashboard: /ui" + std::string(path) + "\n", "text/plain; charset=utf-8");
    co_return;
  }
  co_await send_asset(ex, *asset, path.starts_with("/assets/"));
}

}  // namespace sy::api
