// What a fault and abuse probe found, held: a client that leaves before the upstream's response
// head cancels the upstream call; a half-open circuit lets one probe through and says when to come
// back; a stream is bounded by max_upstream_body and by the idle timeout; an abandoned stream is
// logged 499; a timed-out primary is not waited on again while a fallback remains; errors do not
// name the upstream's host; at the descriptor limit the server neither spins nor takes more
// connections than its cap.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <future>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;
const std::string kChat = R"({"model":"cloud","messages":[{"role":"user","content":"hi"}]})";
const std::string kStream = R"({"model":"cloud","stream":true,"messages":[{"role":"user","content":"hi"}]})";

std::string model_for(const FakeUpstream& up, const std::string& name, const std::string& extra = "") {
  return "  - {name: " + name + ", provider: openai_compat, base_url: \"" + up.base_url() + "\"" + extra + "}\n";
}

// Whether the peer closed this connection (EOF) without consuming anything.
bool peer_closed(FakeConnection& c) {
  char byte;
  auto n = ::recv(c.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0;
}

// Sends a request on a raw connection and closes it after `after`, reading nothing.
void send_and_leave(uint16_t port, const std::string& body, std::chrono::milliseconds after) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  std::string req = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  net::write(s, net::buffer(req));
  std::this_thread::sleep_for(after);
  s.close();
}

TEST(Hardening, AClientThatLeavesBeforeTheHeadCancelsTheUpstream) {
  std::atomic<FakeUpstream*> self{nullptr};
  std::atomic<int> waited_ms{-1};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    // A non-streaming answer's head comes only once it is generated: 5 s here, unless cancelled.
    for (int i = 0; i < 100; ++i) {
      if (peer_closed(c)) {
        waited_ms = i * 50;
        self.load()->note_cancel();
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    c.send(200, completion_json("too late"));
  });
  self = &up;
  Switchyard sy("log: {access: off}\nmodels:\n" + model_for(up, "cloud", ", retries: 0"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  send_and_leave(sy.port(), kChat, 300ms);
  EXPECT_TRUE(eventually([&] { return up.saw_cancel(); }, 3s)) << "the upstream went on generating for nobody";
  EXPECT_LT(waited_ms.load(), 1500);
}

TEST(Hardening, AHalfOpenCircuitLetsOneProbeThroughAndSaysWhenToComeBack) {
  std::atomic<int> calls{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    int n = ++calls;
    if (n <= 2) {
      c.send(500, R"({"error":{"message":"down"}})");
      return;
    }
    std::this_thread::sleep_for(1s);  // the probe: slow, then well again
    c.send(200, completion_json("back"));
  });
  Switchyard sy("log: {access: off}\nmodels:\n" + model_for(up, "cloud", ", retries: 0, breaker: {failures: 2, open_for: 1s}"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat).status, 502);
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat).status, 502);
  // Open: refused at once, with when to come back.
  auto open = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(open.status, 503) << open.body;
  EXPECT_FALSE(open.header("retry-after").empty());
  EXPECT_EQ(calls.load(), 2);
  std::this_thread::sleep_for(1100ms);
  // Half-open: of four requests at once, one probes the target; the others are told to come back.
  std::vector<std::future<HttpResult>> at_once;
  for (int i = 0; i < 4; ++i) {
    at_once.push_back(std::async(std::launch::async, [&] { return post_json(sy.port(), "/v1/chat/completions", kChat); }));
    std::this_thread::sleep_for(50ms);
  }
  int ok = 0, refused = 0;
  for (auto& f : at_once) {
    auto r = f.get();
    if (r.status == 200) ++ok;
    if (r.status == 503) {
      ++refused;
      EXPECT_FALSE(r.header("retry-after").empty()) << r.body;
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(calls.load(), 3) << "only the probe reached the recovering target";
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat).status, 200);  // closed again
}

TEST(Hardening, AStreamIsBoundedByMaxUpstreamBody) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (int i = 0; i < 400; ++i) {
      if (!c.send_chunk(chunk_event(std::string(100, 'x')))) return;
    }
    c.send_chunk(chunk_event("", "stop") + "data: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy("log: {access: off}\nlimits: {max_upstream_body: 8KiB}\nmodels:\n" + model_for(up, "cloud", ", retries: 0"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("larger than this server accepts"), std::string::npos) << r.body.substr(r.body.size() - 300);
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  EXPECT_LT(r.body.size(), 20000u);
}

TEST(Hardening, AStalledStreamEndsAtTheIdleTimeout) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("first"));
    std::this_thread::sleep_for(3s);  // stalls, though the total timeout is far off
    c.send_chunk(chunk_event("", "stop") + "data: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy("log: {access: off}\nmodels:\n" + model_for(up, "cloud", ", retries: 0, idle_timeout: 300ms, timeout: 60s"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string&, auto) { return true; });
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_NE(r.body.find("first"), std::string::npos);
  EXPECT_NE(r.body.find("upstream_timeout"), std::string::npos) << r.body;
}

TEST(Hardening, AnAbandonedStreamIsLogged499) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (int i = 0; i < 50; ++i) {
      if (!c.send_chunk(chunk_event("tick "))) return;
      std::this_thread::sleep_for(100ms);
    }
    c.end_stream();
  });
  std::string log_file = "/tmp/sy-abandon-" + std::to_string(::getpid()) + ".log";
  std::remove(log_file.c_str());
  Switchyard sy("log: {access: \"" + log_file + "\"}\nmodels:\n" + model_for(up, "cloud", ", retries: 0"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  stream_request(sy.port(), "/v1/chat/completions", kStream, [](const std::string& bytes, auto) {
    return bytes.find("tick") == std::string::npos;  // leave after the first word
  });
  std::string line;
  EXPECT_TRUE(eventually([&] {
    std::ifstream in(log_file);
    std::string l;
    while (std::getline(in, l)) line = l;
    return !line.empty();
  }, 5s));
  std::remove(log_file.c_str());
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(json::parse(line).at("status").as_int64(), 499) << line;
}

TEST(Hardening, ATimedOutPrimaryIsNotWaitedOnAgainWhileAFallbackRemains) {
  std::atomic<int> primary_calls{0};
  FakeUpstream primary([&](const ReceivedRequest&, FakeConnection& c) {
    ++primary_calls;
    std::this_thread::sleep_for(2s);
    c.send(200, completion_json("late"));
  });
  FakeUpstream fallback([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("from the fallback")); });
  Switchyard sy("log: {access: off}\nmodels:\n" + model_for(primary, "primary", ", retries: 2, first_byte_timeout: 300ms") +
                model_for(fallback, "fallback") + "routes:\n  - {name: cloud, cloud: [primary, fallback], rules: [{to: [primary, fallback]}]}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("from the fallback"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
  EXPECT_EQ(primary_calls.load(), 1);
}

TEST(Hardening, ErrorsDoNotNameTheUpstreamsHost) {
  // A port nothing listens on.
  uint16_t dead_port = 0;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, {net::ip::make_address("127.0.0.1"), 0});
    dead_port = a.local_endpoint().port();
  }
  Switchyard sy("log: {access: off}\nmodels:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"http://127.0.0.1:" +
                std::to_string(dead_port) + "/v1\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body.find(std::to_string(dead_port)), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos) << r.body;
  EXPECT_TRUE(eventually([&] { return sy.log().find("127.0.0.1:" + std::to_string(dead_port)) != std::string::npos; }, 2s))
      << "the operator's log names it";
}

// CPU time the process has used (user + system), in clock ticks.
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  auto fields = content.substr(content.rfind(')') + 2);
  std::istringstream is(fields);
  std::string f;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && is >> f; ++i) {
    if (i == 14) utime = std::stol(f);
    if (i == 15) stime = std::stol(f);
  }
  return utime + stime;
}

TEST(Hardening, AtTheDescriptorLimitTheServerDoesNotSpin) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("ok")); });
  // No cap from the config: the descriptor limit is what binds.
  Switchyard sy("log: {access: off}\nmodels:\n" + model_for(up, "cloud"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  rlimit low{64, 64};
  ASSERT_EQ(::prlimit(sy.pid(), RLIMIT_NOFILE, &low, nullptr), 0);
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 100; ++i) {
    auto s = std::make_unique<tcp::socket>(ioc);
    boost::system::error_code ec;
    s->connect({net::ip::make_address("127.0.0.1"), sy.port()}, ec);
    if (!ec) idle.push_back(std::move(s));
  }
  std::this_thread::sleep_for(300ms);
  long before = cpu_ticks(sy.pid());
  std::this_thread::sleep_for(1s);
  long used = cpu_ticks(sy.pid()) - before;
  EXPECT_LT(used, ::sysconf(_SC_CLK_TCK) / 5) << "more than 20% of a core while out of descriptors";
  idle.clear();
  EXPECT_TRUE(eventually([&] { return post_json(sy.port(), "/v1/chat/completions", kChat).status == 200; }, 5s));
}

TEST(Hardening, PastTheConnectionCapANewConnectionIsToldAtOnce) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("ok")); });
  Switchyard sy("log: {access: off}\nlimits: {max_connections: 8}\nmodels:\n" + model_for(up, "cloud"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<tcp::socket>(ioc));
    idle.back()->connect({net::ip::make_address("127.0.0.1"), sy.port()});
  }
  std::this_thread::sleep_for(200ms);
  auto t0 = std::chrono::steady_clock::now();
  auto busy = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  idle.clear();
  EXPECT_TRUE(eventually([&] { return post_json(sy.port(), "/v1/chat/completions", kChat).status == 200; }, 5s));
}

}  // namespace
}  // namespace sy::testing
