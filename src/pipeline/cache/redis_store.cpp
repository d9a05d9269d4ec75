#include "pipeline/cache/redis_store.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/metrics_text.h"
#include "pipeline/await_callback.h"
#include "wire/openai/chat_response.h"

namespace sy::pipeline {

namespace {
constexpr int kFormat = 1;  // bumped when the entry's shape changes: older entries are then misses
}

std::string RedisStore::encode(const CachedAnswer& a) {
  boost::json::object o;
  o["format"] = kFormat;
  o["target"] = a.target;
  o["version"] = a.version;
  o["cost_usd"] = a.cost_usd;
  o["answer"] = wire::openai::format_response(a.answer, core::ChatRequest::Kind::chat);
  return boost::json::serialize(o);
}

std::shared_ptr<const CachedAnswer> RedisStore::decode(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return nullptr;
  const auto& o = v.as_object();
  const auto* format = o.if_contains("format");
  const auto* answer = o.if_contains("answer");
  if (!format || !format->is_int64() || format->as_int64() != kFormat || !answer || !answer->is_string()) return nullptr;
  auto parsed = wire::openai::parse_response(answer->as_string(), core::ChatRequest::Kind::chat);
  if (!parsed) return nullptr;
  auto out = std::make_shared<CachedAnswer>();
  out->answer = std::move(*parsed);
  if (const auto* t = o.if_contains("target"); t && t->is_string()) out->target = std::string(t->as_string());
  if (const auto* t = o.if_contains("version"); t && t->is_string()) out->version = std::string(t->as_string());
  if (const auto* c = o.if_contains("cost_usd"); c && c->is_number()) out->cost_usd = c->to_number<double>();
  return out;
}

http::awaitable<std::shared_ptr<const CachedAnswer>> RedisStore::get(const std::string& key) {
  auto reply = co_await await_callback<core::Result<store::RedisReply>>(
      [&](auto deliver) { link_.client().command({"GET", prefix_ + key}, std::move(deliver)); });
  if (!reply) {
    link_.cache_errors.fetch_add(1, std::memory_order_relaxed);
    co_return nullptr;
  }
  if (reply->kind != store::RedisReply::Kind::string) co_return nullptr;
  co_return decode(reply->text);
}

http::awaitable<void> RedisStore::put(const std::string& key, std::shared_ptr<const CachedAnswer> answer,
                                      std::chrono::milliseconds ttl) {
  auto entry = encode(*answer);
  if (entry.size() > max_entry_bytes_) {
    too_large_.fetch_add(1, std::memory_order_relaxed);
    co_return;
  }
  link_.client().command({"SET", prefix_ + key, std::move(entry), "PX", std::to_string(std::max<int64_t>(ttl.count(), 1))},
                         [&link = link_](core::Result<store::RedisReply> r) {  // the link outlives this store
                           if (!r) link.cache_errors.fetch_add(1, std::memory_order_relaxed);
                         });
  co_return;
}

void RedisStore::render_metrics(std::string& out) const {
  core::metric_header(out, "switchyard_cache_too_large_total", "counter", "Answers not kept in Redis: larger than cache.max_entry_bytes.");
  core::metric_sample(out, "switchyard_cache_too_large_total", "", too_large_.load());
}

}  // namespace sy::pipeline
