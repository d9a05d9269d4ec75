#include "http/upstream.h"

#include "http/deadline_sweeper.h"
#include "http/message_bytes.h"

#include <cctype>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/url/parse.hpp>

namespace sy::http {

using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
using core::Error;

namespace {
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr auto kPoolIdleLimit = std::chrono::seconds(30);
constexpr size_t kPoolMaxPerKey = 512;
// Beast reads max(512, free capacity) bytes at a time: from an empty buffer a 550-byte answer
// took two recv calls. A connection's buffer keeps its capacity across the calls it serves.
constexpr size_t kReadBufferBytes = 8192;
}  // namespace

struct Connection : std::enable_shared_from_this<Connection>, Deadline {
  explicit Connection(const net::any_io_executor& ex) : plain(ex), sweeper(DeadlineSweeper::local(ex)) {}
  ~Connection() override { sweeper.remove(this); }
  tcp::socket plain;                                  // used when !tls
  std::optional<net::ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;
  DeadlineSweeper& sweeper;
  std::string pool_key;
  clock::time_point idle_since;
  bool timed_out = false;
  bool cancelled = false;

  tcp::socket& socket() { return tls ? tls->next_layer() : plain; }

  // When the deadline passes the socket is closed, which fails whatever operation is pending.
  void arm(clock::time_point deadline) {
    expire_at(deadline);
    sweeper.add(this);
  }
  void disarm() {
    expire_never();
    sweeper.remove(this);
  }
  void on_expired() override {
    timed_out = true;
    close();
  }
  void close() {
    boost::system::error_code ignored;
    socket().close(ignored);
  }
};

namespace {

using Pool = std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>>;
Pool& thread_pool() {
  thread_local Pool pool;
  return pool;
}

std::shared_ptr<Connection> take_pooled(const std::string& key) {
  auto& pool = thread_pool();
  auto it = pool.find(key);
  if (it == pool.end()) return nullptr;
  auto& idle = it->second;
  auto now = clock::now();
  while (!idle.empty()) {
    auto conn = std::move(idle.back());
    idle.pop_back();
    if (now - conn->idle_since < kPoolIdleLimit && conn->socket().is_open()) return conn;
  }
  return nullptr;
}

void give_back(std::shared_ptr<Connection> conn) {
  conn->disarm();
  if (conn->buffer.size() != 0 || !conn->socket().is_open()) return;
  auto& idle = thread_pool()[conn->pool_key];
  if (idle.size() >= kPoolMaxPerKey) return;
  conn->idle_since = clock::now();
  idle.push_back(std::move(conn));
}

// Where the upstream lives (its host and port) is the operator's business, not the client's: it
// travels as the error's upstream words, which only the server's log shows.
Error transport_error(const Connection& conn, const Endpoint& ep, const char* phase, boost::system::error_code ec) {
  auto e = conn.timed_out ? Error::upstream_timeout(std::string("The upstream timed out ") + phase + ".")
                          : Error::upstream(std::string("The upstream failed ") + phase + ".");
  e.upstream_message = ep.host + ":" + ep.port + ": " + (conn.timed_out ? std::string("timed out") : ec.message());
  e.cause = conn.timed_out ? std::string("timeout") : ec.message();
  for (auto& c : e.cause) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

Error cancelled_error() { return Error::upstream("The request was cancelled."); }

awaitable<core::Result<std::shared_ptr<Connection>>> connect(const Endpoint& ep, const Deadlines& d,
                                                             clock::time_point total_deadline, Cancel* cancel) {
  auto ex = co_await net::this_coro::executor;
  auto conn = std::make_shared<Connection>(ex);
  conn->pool_key = ep.pool_key;
  conn->buffer.reserve(kReadBufferBytes);
  conn->arm(std::min(clock::now() + d.connect, total_deadline));
  tcp::resolver resolver(ex);
  auto [rec, results] = co_await resolver.async_resolve(ep.host, ep.port, kNoThrow);
  if (cancel && cancel->cancelled()) co_return cancelled_error();
  if (rec) {
    auto e = Error::upstream("The upstream's host name could not be resolved.");
    e.upstream_message = ep.host + ": " + rec.message();
    e.cause = "host name not resolved";
    co_return e;
  }
  if (ep.tls) conn->tls.emplace(ex, *ep.tls_context);
  if (cancel) cancel->attach(conn);
  auto [cec, endpoint] = co_await net::async_connect(conn->socket(), results, kNoThrow);
  if (conn->cancelled) co_return cancelled_error();
  if (cec) co_return transport_error(*conn, ep, "to connect", cec);
  boost::system::error_code ignored;
  conn->socket().set_option(tcp::no_delay(true), ignored);
  if (ep.tls) {
    // SNI carries host names only (RFC 6066 §3); an IP address is verified against the
    // certificate's IP SANs without it.
    boost::system::error_code not_ip;
    net::ip::make_address(ep.host, not_ip);
    if (not_ip && !SSL_set_tlsext_host_name(conn->tls->native_handle(), ep.host.c_str())) {
      co_return Error::upstream("Cannot set the TLS server name for the upstream.");
    }
    conn->tls->set_verify_callback(net::ssl::host_name_verification(ep.host));
    auto [hec] = co_await conn->tls->async_handshake(net::ssl::stream_base::client, kNoThrow);
    if (hec) co_return transport_error(*conn, ep, "the TLS handshake (certificate not trusted?)", hec);
  }
  co_return conn;
}

template <class Stream>
awaitable<boost::system::error_code> exchange_head(Stream& s, Connection& c, Request& req,
                                                   bhttp::response_parser<bhttp::buffer_body>& parser) {
  auto bytes = message_bytes(req);  // never chunked: its body is whole, with its length
  auto [wec, wn] = co_await net::async_write(s, net::buffer(bytes), kNoThrow);
  if (wec) co_return wec;
  auto [rec, rn] = co_await bhttp::async_read_header(s, c.buffer, parser, kNoThrow);
  co_return rec;
}

template <class Stream>
awaitable<std::tuple<boost::system::error_code, size_t>> read_piece(Stream& s, Connection& c,
                                                                    bhttp::response_parser<bhttp::buffer_body>& parser,
                                                                    char* buf, size_t size) {
  parser.get().body().data = buf;
  parser.get().body().size = size;
  // read_some, not read: a read fills the whole buffer first, holding back a stream's events.
  auto [ec, n] = co_await bhttp::async_read_some(s, c.buffer, parser, kNoThrow);
  if (ec == bhttp::error::need_buffer) ec = {};
  co_return std::tuple{ec, size - parser.get().body().size};
}

}  // namespace

struct UpstreamCall::Impl {
  const Endpoint* endpoint = nullptr;
  std::shared_ptr<Connection> conn;
  std::shared_ptr<Cancel> cancel;
  bhttp::response_parser<bhttp::buffer_body> parser;
  clock::time_point total_deadline;
  std::chrono::milliseconds idle{0};
  std::array<char, 16384> piece;  // left uninitialized: zeroing 16 KiB per call shows in profiles
};

UpstreamCall::UpstreamCall(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UpstreamCall::~UpstreamCall() {
  if (impl_->cancel) impl_->cancel->detach();
  auto& c = impl_->conn;
  if (!c) return;
  if (impl_->parser.is_done() && impl_->parser.get().keep_alive() && !c->timed_out && !c->cancelled) {
    give_back(std::move(c));
  } else {
    c->disarm();
    c->close();
  }
}

void Cancel::cancel() {
  cancelled_ = true;
  if (auto c = conn_.lock()) {
    c->cancelled = true;
    c->close();
  }
}

void Cancel::attach(const std::shared_ptr<Connection>& conn) {
  conn_ = conn;
  if (cancelled_) {
    conn->cancelled = true;
    conn->close();
  }
}

awaitable<core::Result<std::unique_ptr<UpstreamCall>>> UpstreamCall::start(const Endpoint& ep, Request request,
                                                                           Deadlines d, std::shared_ptr<Cancel> cancel) {
  if (cancel && cancel->cancelled()) co_return cancelled_error();
  auto total_deadline = clock::now() + d.total;
  request.set(bhttp::field::host, ep.host_header);
  request.target(ep.base_path + std::string(request.target()));
  request.keep_alive(true);
  request.prepare_payload();
  // A pooled connection may have been closed by the upstream while idle; that shows as a failure
  // before any response byte, and then one fresh connection is tried.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Impl> impl(new Impl);  // default-init: no zeroing of the read buffer
    impl->endpoint = &ep;
    impl->cancel = cancel;
    impl->total_deadline = total_deadline;
    impl->idle = d.idle;
    impl->parser.body_limit(boost::none);
    impl->parser.header_limit(64 * 1024);
    bool reused = false;
    if (attempt == 0) {
      impl->conn = take_pooled(ep.pool_key);
      reused = impl->conn != nullptr;
      if (reused && cancel) cancel->attach(impl->conn);
    }
    if (!impl->conn) {
      auto c = co_await connect(ep, d, total_deadline, cancel.get());
      if (!c) co_return c.error();
      impl->conn = std::move(*c);
    }
    auto& conn = *impl->conn;
    conn.arm(std::min(clock::now() + d.first_byte, total_deadline));
    boost::system::error_code ec;
    if (conn.tls) ec = co_await exchange_head(*conn.tls, conn, request, impl->parser);
    else ec = co_await exchange_head(conn.plain, conn, request, impl->parser);
    if (!ec) {
      conn.arm(total_deadline);  // read_some narrows it to the idle deadline for each piece
      co_return std::unique_ptr<UpstreamCall>(new UpstreamCall(std::move(impl)));
    }
    bool stale = reused && !conn.timed_out &&
                 (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
                  ec == net::error::broken_pipe);
    if (conn.cancelled) {
      conn.disarm();
      co_return cancelled_error();
    }
    auto error = transport_error(conn, ep, "before responding", ec);
    conn.disarm();
    conn.close();
    if (!stale) co_return error;
  }
  co_return Error::upstream("The upstream closed the connection before responding.");
}

int UpstreamCall::status() const { return static_cast<int>(impl_->parser.get().result_int()); }

std::string_view UpstreamCall::header(std::string_view name) const {
  auto& h = impl_->parser.get();
  auto it = h.find(name);
  return it == h.end() ? std::string_view{} : std::string_view(it->value());
}

bool UpstreamCall::done() const { return impl_->parser.is_done(); }

awaitable<core::Result<std::string>> UpstreamCall::read_some() {
  auto& conn = *impl_->conn;
  // A body that stops arriving (a stalled stream) fails after the idle deadline, not the total one.
  if (impl_->idle.count() > 0) conn.arm(std::min(clock::now() + impl_->idle, impl_->total_deadline));
  // A read may consume only framing (a chunk header) and yield no body byte: go on until it does.
  while (!impl_->parser.is_done()) {
    std::tuple<boost::system::error_code, size_t> got;
    if (conn.tls) got = co_await read_piece(*conn.tls, conn, impl_->parser, impl_->piece.data(), impl_->piece.size());
    else got = co_await read_piece(conn.plain, conn, impl_->parser, impl_->piece.data(), impl_->piece.size());
    auto [ec, n] = got;
    if (ec) {
      if (conn.cancelled) co_return Error::upstream("The request was cancelled.");
      co_return transport_error(conn, *impl_->endpoint, "while sending its answer", ec);
    }
    if (n > 0) co_return std::string(impl_->piece.data(), n);
  }
  co_return std::string();
}

awaitable<core::Result<std::string>> UpstreamCall::read_body(uint64_t limit) {
  std::string body;
  while (!impl_->parser.is_done()) {
    auto piece = co_await read_some();
    if (!piece) co_return piece.error();
    body += *piece;
    if (body.size() > limit) co_return Error::upstream("The upstream's answer is larger than this server accepts.");
  }
  co_return body;
}


size_t pooled_connections() {
  size_t n = 0;
  for (const auto& [key, idle] : thread_pool()) n += idle.size();
  return n;
}

core::Result<Endpoint> make_endpoint(const std::string& base_url, const std::string& ca_file) {
  auto url = boost::urls::parse_absolute_uri(base_url);
  if (!url) return Error::invalid_request("'" + base_url + "' is not an absolute URL");
  Endpoint ep;
  ep.tls = url->scheme() == "https";
  if (!ep.tls && url->scheme() != "http") return Error::invalid_request("'" + base_url + "' is not http(s)");
  ep.host = std::string(url->host_address());
  if (ep.host.size() > 2 && ep.host.front() == '[') ep.host = ep.host.substr(1, ep.host.size() - 2);
  ep.port = url->has_port() ? std::string(url->port()) : (ep.tls ? "443" : "80");
  ep.base_path = std::string(url->encoded_path());
  while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
  ep.host_header = std::string(url->encoded_host_and_port());
  // Connections are pooled per trust setting too: one verified against a model's own CA must not
  // be handed to a model that does not trust that CA.
  ep.pool_key = std::string(url->scheme()) + "://" + ep.host + ":" + ep.port + (ep.tls ? " ca=" + ca_file : "");
  if (ep.tls) {
    ep.tls_context = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    ep.tls_context->set_default_verify_paths();
    ep.tls_context->set_verify_mode(net::ssl::verify_peer);
    if (!ca_file.empty()) {
      boost::system::error_code ec;
      ep.tls_context->load_verify_file(ca_file, ec);
      if (ec) return Error::invalid_request("cannot load ca_file '" + ca_file + "': " + ec.message());
    }
  }
  return ep;
}

}  // namespace sy::http
