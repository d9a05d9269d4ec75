#include "store/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>

namespace sy::store {

namespace {

using Clock = std::chrono::steady_clock;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

core::Error unavailable(const std::string& why) { return core::Error::unavailable("Redis is unavailable: " + why); }

core::Result<RedisReply> convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_ERROR:
      return core::Error::internal("Redis: " + std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::string;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::array;
      for (size_t i = 0; i < r->elements; ++i) {
        auto e = convert(r->element[i]);
        if (!e) return e.error();
        out.elements.push_back(std::move(*e));
      }
      break;
    default:
      break;
  }
  return out;
}

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

core::Result<RedisAddress> parse_redis_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  auto bad = [&](const std::string& why) { return core::Error::invalid_request("redis URL '" + url + "': " + why); };
  if (!url.starts_with(scheme)) return bad("must start with redis:// (TLS and unix sockets are not supported)");
  std::string_view rest = std::string_view(url).substr(scheme.size());
  RedisAddress a;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (auto colon = credentials.find(':'); colon != std::string_view::npos) {
      a.user = std::string(credentials.substr(0, colon));
      a.password = std::string(credentials.substr(colon + 1));
    } else {
      a.password = std::string(credentials);
    }
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    auto db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && (!parse_int(db, a.db) || a.db < 0)) return bad("the database must be a number");
  }
  // host, host:port, [v6], [v6]:port
  auto host_end = rest.starts_with('[') ? rest.find(']') : std::string_view::npos;
  if (rest.starts_with('[') && host_end == std::string_view::npos) return bad("an IPv6 host needs its closing ']'");
  auto colon = rest.find(':', host_end == std::string_view::npos ? 0 : host_end);
  if (colon != std::string_view::npos) {
    if (!parse_int(rest.substr(colon + 1), a.port) || a.port <= 0 || a.port > 65535) return bad("invalid port");
    rest = rest.substr(0, colon);
  }
  if (rest.size() > 2 && rest.front() == '[') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) return bad("no host");
  a.host = std::string(rest);
  return a;
}

void RedisClient::ContextFree::operator()(redisContext* c) const { redisFree(c); }

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {
  auto address = parse_redis_url(options_.url);
  if (address) address_ = std::move(*address);
  else url_error_ = address.error().message;
}

RedisClient::~RedisClient() { stop(); }

size_t RedisClient::add_script(std::string body) {
  scripts_.push_back(std::move(body));
  return scripts_.size() - 1;
}

void RedisClient::start() {
  std::string why;
  if (connect(why)) set_up(true, "");
  else set_up(false, why);
  thread_ = std::thread([this] { run(); });
}

void RedisClient::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::deque<Pending> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  for (auto& p : left) p.done(unavailable("the server is stopping"));
}

void RedisClient::command(std::vector<std::string> args, Callback done) {
  std::unique_lock lock(mu_);
  if (stopping_ || !up()) {
    lock.unlock();
    stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
    done(unavailable(stopping_ ? "the server is stopping" : "not connected"));
    return;
  }
  if (queue_.size() >= options_.max_queue) {
    lock.unlock();
    stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
    done(unavailable("too many commands waiting"));
    return;
  }
  queue_.push_back(Pending{std::move(args), std::move(done), Clock::now() + options_.command_timeout, -1});
  lock.unlock();
  wake_.notify_one();
}

void RedisClient::eval(size_t script, std::vector<std::string> keys, std::vector<std::string> args, Callback done) {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script < shas_.size() ? shas_[script] : std::string(40, '0'));
  argv.push_back(std::to_string(keys.size()));
  for (auto& k : keys) argv.push_back(std::move(k));
  for (auto& a : args) argv.push_back(std::move(a));
  std::unique_lock lock(mu_);
  if (stopping_ || !up() || queue_.size() >= options_.max_queue) {
    lock.unlock();
    stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
    done(unavailable(up() ? "too many commands waiting" : "not connected"));
    return;
  }
  // Marked as this script's, so NOSCRIPT can be answered by sending its text.
  queue_.push_back(Pending{std::move(argv), std::move(done), Clock::now() + options_.command_timeout, static_cast<int>(script)});
  lock.unlock();
  wake_.notify_one();
}

core::Result<RedisReply> RedisClient::call(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(redisCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (!raw) return unavailable(ctx_->errstr);
  auto out = convert(raw);
  freeReplyObject(raw);
  return out;
}

bool RedisClient::connect(std::string& why) {
  if (!url_error_.empty()) {
    why = url_error_;
    return false;
  }
  auto tv = to_timeval(options_.connect_timeout);
  std::unique_ptr<redisContext, ContextFree> ctx(redisConnectWithTimeout(address_.host.c_str(), address_.port, tv));
  if (!ctx || ctx->err) {
    why = ctx ? ctx->errstr : "out of memory";
    stats_.connect_failures.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  redisSetTimeout(ctx.get(), to_timeval(options_.command_timeout));
  redisEnableKeepAlive(ctx.get());
  ctx_ = std::move(ctx);
  auto fail = [&](const core::Error& e) {
    why = e.message;
    ctx_.reset();
    stats_.connect_failures.fetch_add(1, std::memory_order_relaxed);
    return false;
  };
  if (!address_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!address_.user.empty()) auth.push_back(address_.user);
    auth.push_back(address_.password);
    if (auto r = call(auth); !r) return fail(r.error());
  }
  if (address_.db != 0) {
    if (auto r = call({"SELECT", std::to_string(address_.db)}); !r) return fail(r.error());
  }
  std::vector<std::string> shas;
  for (const auto& body : scripts_) {
    auto r = call({"SCRIPT", "LOAD", body});
    if (!r) return fail(r.error());
    shas.push_back(r->text);
  }
  shas_ = std::move(shas);  // the same every time (a script's SHA1); written before any eval can read it
  stats_.connects.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void RedisClient::disconnect(const std::string& why) {
  ctx_.reset();
  set_up(false, why);
}

void RedisClient::set_up(bool up, const std::string& why) {
  bool was = up_.exchange(up, std::memory_order_acq_rel);
  if (was == up && ever_reported_) return;
  ever_reported_ = true;
  if (listener_) listener_(up, why);
}

void RedisClient::run() {
  auto backoff = std::chrono::milliseconds(50);
  auto last_used = Clock::now();
  for (;;) {
    if (!ctx_) {
      std::string why;
      if (connect(why)) {
        backoff = std::chrono::milliseconds(50);
        set_up(true, "");
      } else {
        set_up(false, why);
        // Commands queued just before the client learned Redis was gone (their sender still saw
        // it up) cannot go out now: they fail at once, as new ones do, rather than wait for a
        // reconnection that may never come.
        std::deque<Pending> stranded;
        {
          std::lock_guard lock(mu_);
          stranded.swap(queue_);
        }
        for (auto& p : stranded) {
          stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
          p.done(unavailable(why));
        }
        std::unique_lock lock(mu_);
        if (wake_.wait_for(lock, backoff, [this] { return stopping_; })) break;
        backoff = std::min(backoff * 2, options_.max_backoff);
        continue;
      }
    }
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      batch.swap(queue_);
    }
    if (batch.empty()) {
      // Idle: a PING now and then, so a Redis that went away is noticed (and said) without a request.
      if (Clock::now() - last_used >= std::chrono::seconds(1)) {
        last_used = Clock::now();
        if (auto r = call({"PING"}); !r && r.error().status == 503) disconnect(r.error().message);
      }
      continue;
    }
    last_used = Clock::now();
    send_batch(batch);
  }
  ctx_.reset();
}

void RedisClient::send_batch(std::deque<Pending>& batch) {
  auto now = Clock::now();
  std::deque<Pending> live;
  for (auto& p : batch) {
    if (p.deadline < now) {
      stats_.timeouts.fetch_add(1, std::memory_order_relaxed);
      p.done(unavailable("no answer within " + std::to_string(options_.command_timeout.count()) + " ms"));
    } else {
      live.push_back(std::move(p));
    }
  }
  // Pipelined: every command written, then the replies read in order.
  for (auto& p : live) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : p.args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data());
  }
  std::vector<Pending*> noscript;
  for (size_t i = 0; i < live.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || !raw) {
      // Timed out or the connection broke: nothing after this can be trusted on this connection.
      std::string why = ctx_->errstr[0] ? ctx_->errstr : "connection lost";
      bool timed_out = ctx_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
      if (timed_out) why = "no answer within " + std::to_string(options_.command_timeout.count()) + " ms";
      for (size_t j = i; j < live.size(); ++j) {
        (timed_out ? stats_.timeouts : stats_.unavailable).fetch_add(1, std::memory_order_relaxed);
        live[j].done(unavailable(why));
      }
      disconnect(why);
      return;
    }
    auto* reply = static_cast<redisReply*>(raw);
    if (reply->type == REDIS_REPLY_ERROR && live[i].script >= 0 && std::string_view(reply->str, reply->len).starts_with("NOSCRIPT")) {
      noscript.push_back(&live[i]);
      freeReplyObject(reply);
      continue;
    }
    auto converted = convert(reply);
    freeReplyObject(reply);
    (converted ? stats_.ok : stats_.errors).fetch_add(1, std::memory_order_relaxed);
    live[i].done(std::move(converted));
  }
  // The server lost its scripts: each such command again, with the script's text (EVAL).
  for (size_t i = 0; i < noscript.size(); ++i) {
    auto* p = noscript[i];
    p->args[0] = "EVAL";
    p->args[1] = scripts_[static_cast<size_t>(p->script)];
    auto r = call(p->args);
    if (!r && r.error().status == 503) {
      for (size_t j = i; j < noscript.size(); ++j) {
        stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
        noscript[j]->done(unavailable("connection lost"));
      }
      disconnect("connection lost");
      return;
    }
    (r ? stats_.ok : stats_.errors).fetch_add(1, std::memory_order_relaxed);
    p->done(std::move(r));
  }
}

}  // namespace sy::store
