#pragma once
// One client connection: reads requests with limits and timeouts, hands each to the Handler,
// writes its answer, and watches for the client going away while the handler works.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/response_writer.h"

namespace sy::http {

class Worker;

class Session final : public ResponseWriter {
 public:
  Session(Worker& worker, net::ip::tcp::socket socket);
  ~Session() override;

  awaitable<void> run();
  void close_if_idle();  // drain: an idle keep-alive connection closes now

  awaitable<bool> send(Response response) override;
  awaitable<bool> begin_stream(ResponseHeader header) override;
  awaitable<bool> write(std::string_view bytes) override;
  awaitable<bool> end_stream() override;
  bool started() const override { return started_; }
  bool client_gone() const override { return gone_; }
  void on_client_gone(std::function<void()> hook) override { gone_hook_ = std::move(hook); }
  bool draining() const override;

 private:
  awaitable<bool> read_request(Request& request);
  awaitable<void> serve(Request& request);
  awaitable<void> watch_client();
  awaitable<void> reply_error(int status, const char* message);
  void mark_gone();

  Worker& worker_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool idle_ = true;
  bool keep_alive_ = false;
  bool started_ = false;
  bool finished_ = false;
  bool gone_ = false;
  std::function<void()> gone_hook_;
};

}  // namespace sy::http
