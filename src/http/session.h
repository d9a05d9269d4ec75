#pragma once
// One client connection: reads requests with limits and timeouts, hands each to the Handler,
// writes its answer, and notices the client going away while the handler works. One template for
// plain TCP and TLS, so both get the same limits, timeouts, keep-alive, drain and client-gone rules.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/body_budget.h"
#include "http/deadline_sweeper.h"
#include "http/response_writer.h"

namespace sy::http {

class Worker;

// What a worker needs of any open connection, whatever its stream.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void close_if_idle() = 0;  // drain: an idle keep-alive connection closes now
};

using PlainStream = net::ip::tcp::socket;
using TlsStream = net::ssl::stream<net::ip::tcp::socket>;

template <class Stream>
class Session final : public ResponseWriter, public Connection, private Deadline {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Worker& worker, Stream stream);
  ~Session() override;

  awaitable<void> run();
  void close_if_idle() override;

  awaitable<bool> send(Response response) override;
  awaitable<bool> begin_stream(ResponseHeader header) override;
  awaitable<bool> write(std::string_view bytes) override;
  awaitable<bool> end_stream() override;
  bool started() const override { return started_; }
  bool client_gone() const override { return gone_; }
  void on_client_gone(std::function<void()> hook) override { gone_hook_ = std::move(hook); }
  bool draining() const override;

 private:
  awaitable<bool> handshake();
  awaitable<bool> read_request(Request& request);
  awaitable<void> serve(Request& request);
  awaitable<void> reply_error(int status, const char* message, std::string_view target = {});
  template <class Buffers>
  awaitable<bool> write_all(const Buffers& buffers);
  void start_response();
  void mark_gone();
  void close_socket();
  net::ip::tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  void on_expired() override;  // a read or write took too long
  void on_tick(clock::time_point now) override;

  Worker& worker_;
  Stream stream_;
  beast::flat_buffer buffer_;
  bool idle_ = true;
  bool handling_ = false;
  bool keep_alive_ = false;
  bool started_ = false;
  bool finished_ = false;
  bool gone_ = false;
  std::function<void()> gone_hook_;
  BodyBudget::Permit body_permit_;  // a large body's share of the budget, held until it is answered
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace sy::http
