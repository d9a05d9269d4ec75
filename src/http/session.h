#pragma once
// One client connection: reads requests with limits and timeouts, hands each to the Handler,
// writes its answer, and notices the client going away while the handler works.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/body_budget.h"
#include "http/deadline_sweeper.h"
#include "http/response_writer.h"

namespace sy::http {

class Worker;

class Session final : public ResponseWriter, private Deadline {
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
  awaitable<void> reply_error(int status, const char* message, std::string_view target = {});
  template <class Buffers>
  awaitable<bool> write_all(const Buffers& buffers);
  void start_response();
  void mark_gone();
  void close_socket();

  void on_expired() override;  // a read or write took too long
  void on_tick(clock::time_point now) override;

  Worker& worker_;
  net::ip::tcp::socket socket_;
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

}  // namespace sy::http
