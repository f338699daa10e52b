// Server: event loops, the acceptor (with a connection limit and a back-off on EMFILE), the
// per-loop timeout sweep, and shutdown. Connections come from the transport (transport/), calls
// from the call layer (call/); this file only wires them together.
#include "connectrpc/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "call/server_call_state.h"
#include "server/server_core.h"
#include "str_cat.h"
#include "transport/connection_host.h"
#include "transport/http1_server_connection.h"

namespace connectrpc {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace internal {

ServerCore::ServerCore(ServerOptions opts) : options(std::move(opts)) {
  protocol_options.codecs = options.codecs;
  protocol_options.max_receive_message_bytes = options.max_receive_message_bytes;
  protocol_options.max_request_decompressed_bytes = options.max_request_decompressed_bytes;
  protocol_options.compress_min_bytes = options.compress_min_bytes;
}

void ServerCore::Log(std::string_view message) const {
  if (options.error_log) {
    options.error_log(message);
  } else {
    std::cerr << "connectrpc server: " << message << std::endl;
  }
}

namespace {

// One event loop: an io_context run by one thread, and the connections it serves.
struct IoLoop {
  asio::io_context ioc{1};
  std::optional<asio::steady_timer> ticker;
  Connection* connections = nullptr;  // intrusive list
  std::thread thread;
};

thread_local IoLoop* current_loop = nullptr;

}  // namespace
}  // namespace internal

class Server::Impl final : public internal::ConnectionHost, public internal::ExchangeHandler {
 public:
  explicit Impl(ServerOptions options)
      : core_(std::make_shared<internal::ServerCore>(std::move(options))) {
    const ServerOptions& o = core_->options;
    limits_.max_header_bytes = o.max_header_bytes;
    limits_.max_request_body_bytes = o.max_request_body_bytes;
    limits_.idle_timeout = o.idle_timeout;
    limits_.write_timeout = o.write_timeout;
    const int loops = std::max(1, o.io_threads);
    for (int i = 0; i < loops; ++i) loops_->push_back(std::make_unique<internal::IoLoop>());
    // Calls keep the core alive, and through it the loops their blocking handlers post to.
    core_->loops_keepalive = loops_;
  }

  // ConnectionHost.
  const internal::TransportLimits& limits() const override { return limits_; }
  internal::ExchangeHandler& exchange_handler() override { return *this; }
  bool draining() const override { return core_->draining.load(std::memory_order_relaxed); }
  void Register(internal::Connection* connection) override {
    internal::IoLoop* loop = internal::current_loop;
    connection->next = loop->connections;
    if (loop->connections != nullptr) loop->connections->prev = connection;
    loop->connections = connection;
  }
  void Unregister(internal::Connection* connection) override {
    internal::IoLoop* loop = internal::current_loop;
    if (connection->prev != nullptr) connection->prev->next = connection->next;
    if (connection->next != nullptr) connection->next->prev = connection->prev;
    if (loop->connections == connection) loop->connections = connection->next;
    connection->prev = connection->next = nullptr;
    const size_t before = open_connections_.fetch_sub(1);
    if (before == core_->options.max_connections) {
      asio::post((*loops_)[0]->ioc, [this] {
        if (accept_paused_) accept_wake_->cancel();
      });
    }
    if (before == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      cv_.notify_all();
    }
  }
  void Log(std::string_view message) override { core_->Log(message); }

  // ExchangeHandler.
  boost::asio::awaitable<void> Serve(internal::ServerExchange& exchange) override {
    return internal::ServeExchange(core_, exchange);
  }

  Status Listen(std::string_view host, uint16_t port);
  uint16_t port() const;
  void Start();
  void Shutdown(std::chrono::milliseconds grace);
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return stopped_ || !started_; });
  }

  internal::ServerCore& core() { return *core_; }

 private:
  asio::awaitable<void> AcceptLoop();
  void StartTicker(internal::IoLoop& loop);
  // Runs `action` on every connection, each on its own loop.
  template <typename Action>
  void ForEachConnection(Action action) {
    for (auto& loop : *loops_) {
      asio::post(loop->ioc, [&loop = *loop, action] {
        for (internal::Connection* c = loop.connections; c != nullptr;) {
          internal::Connection* next = c->next;
          action(*c);
          c = next;
        }
      });
    }
  }
  bool WaitForConnections(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, until, [this] { return open_connections_.load() == 0; });
  }

  std::shared_ptr<internal::ServerCore> core_;
  std::shared_ptr<std::vector<std::unique_ptr<internal::IoLoop>>> loops_ =
      std::make_shared<std::vector<std::unique_ptr<internal::IoLoop>>>();
  internal::TransportLimits limits_;
  std::optional<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::atomic<size_t> open_connections_{0};
  std::optional<asio::steady_timer> accept_wake_;  // loop 0: back-off and pause waits
  bool accept_paused_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopped_ = false;
  bool stopping_ = false;
};

asio::awaitable<void> Server::Impl::AcceptLoop() {
  constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
  size_t next_loop = 0;
  std::chrono::milliseconds backoff{10};
  bool logged = false;
  while (!draining() && acceptor_->is_open()) {
    if (open_connections_.load() >= core_->options.max_connections) {
      // At the limit: leave new connections in the backlog until one closes.
      accept_paused_ = true;
      accept_wake_->expires_after(std::chrono::seconds(1));
      co_await accept_wake_->async_wait(kUseTuple);
      accept_paused_ = false;
      continue;
    }
    internal::IoLoop& loop = *(*loops_)[next_loop++ % loops_->size()];
    auto [ec, socket] = co_await acceptor_->async_accept(loop.ioc, kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) break;
      const int err = ec.value();
      // Errors of the one connection being accepted (accept(2): a pending network error on it,
      // or the peer gave up): take the next one at once. Anything else (out of descriptors or
      // memory, or an unexpected error) would repeat: back off so the loop cannot spin.
      const bool this_connection_only =
          err == ECONNABORTED || err == EINTR || err == EAGAIN || err == EPROTO ||
          err == ENETDOWN || err == ENOPROTOOPT || err == EHOSTDOWN || err == ENONET ||
          err == EHOSTUNREACH || err == EOPNOTSUPP || err == ENETUNREACH || err == EPERM;
      if (!this_connection_only) {
        if (!logged) core_->Log(internal::StrCat("accept failed, backing off: ", ec.message()));
        logged = true;
        accept_wake_->expires_after(backoff);
        co_await accept_wake_->async_wait(kUseTuple);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      }
      continue;
    }
    backoff = std::chrono::milliseconds(10);
    logged = false;
    open_connections_.fetch_add(1);
    internal::StartHttp1Connection(std::move(socket), tls_.get(), *this);
  }
}

void Server::Impl::StartTicker(internal::IoLoop& loop) {
  const auto shortest = std::min(core_->options.idle_timeout, core_->options.write_timeout);
  const auto interval =
      std::clamp(shortest / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  loop.ticker.emplace(loop.ioc);
  struct Tick {
    internal::IoLoop* loop;
    std::chrono::milliseconds interval;
    void operator()(boost::system::error_code ec) const {
      if (ec) return;
      const auto now = Clock::now();
      for (internal::Connection* c = loop->connections; c != nullptr;) {
        internal::Connection* next = c->next;
        c->Tick(now);
        c = next;
      }
      loop->ticker->expires_after(interval);
      loop->ticker->async_wait(*this);
    }
  };
  loop.ticker->expires_after(interval);
  loop.ticker->async_wait(Tick{&loop, interval});
}

Status Server::Impl::Listen(std::string_view host, uint16_t port) {
  boost::system::error_code ec;
  asio::io_context& ioc = (*loops_)[0]->ioc;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
      return Status(Code::kInvalidArgument, internal::StrCat("cannot resolve listen host ", host));
    }
    address = results.begin()->endpoint().address();
  }
  const ServerOptions& options = core_->options;
  if (!options.tls_certificate_chain_pem.empty() || !options.tls_private_key_pem.empty()) {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1,
                         ec);
    const std::string& chain = options.tls_certificate_chain_pem;
    const std::string& key = options.tls_private_key_pem;
    if (!ec) context->use_certificate_chain(asio::buffer(chain.data(), chain.size()), ec);
    if (!ec) {
      context->use_private_key(asio::buffer(key.data(), key.size()), asio::ssl::context::pem, ec);
    }
    if (ec) {
      return Status(
          Code::kInvalidArgument,
          internal::StrCat("TLS: cannot use the server certificate and key: ", ec.message()));
    }
    tls_ = std::move(context);
  }
  tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kUnavailable,
                  internal::StrCat("cannot listen on ", host, ":", port, ": ", ec.message()));
  }
  acceptor_.emplace(std::move(acceptor));
  return Status();
}

uint16_t Server::Impl::port() const {
  if (!acceptor_) return 0;
  boost::system::error_code ec;
  auto endpoint = acceptor_->local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::Impl::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || !acceptor_) return;
  started_ = true;
  const ServerOptions& options = core_->options;
  core_->pool =
      std::make_shared<internal::HandlerPool>(options.handler_threads,
                                              options.max_queued_blocking_calls);
  accept_wake_.emplace((*loops_)[0]->ioc);
  asio::co_spawn((*loops_)[0]->ioc, AcceptLoop(), asio::detached);
  for (auto& loop : *loops_) {
    StartTicker(*loop);
    loop->thread = std::thread([l = loop.get()] {
      internal::current_loop = l;
      l->ioc.run();
    });
  }
}

void Server::Impl::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_ || stopped_ || stopping_) return;
    stopping_ = true;
  }
  const auto start = Clock::now();
  core_->draining.store(true);
  asio::post((*loops_)[0]->ioc, [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    accept_wake_->cancel();
  });
  ForEachConnection([](internal::Connection& c) { c.CloseIfIdle(); });
  if (!WaitForConnections(start + grace)) {
    // Grace is over: cancel what is still running and close every connection.
    ForEachConnection([](internal::Connection& c) { c.Abort(); });
    WaitForConnections(Clock::now() + std::chrono::milliseconds(500));
  }
  for (auto& loop : *loops_) loop->ioc.stop();
  for (auto& loop : *loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
  core_->stopped.store(true);
  // Handlers that ignore cancellation do not hold Shutdown up: their threads are left behind.
  core_->pool->Shutdown(std::max(Clock::now(), start + grace) + std::chrono::milliseconds(300));
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

Server::Server(ServerOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

// NOLINTNEXTLINE(bugprone-exception-escape): see server.h
Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

void Server::AddRoute(const MethodInfo& method, RouteHandler handler) {
  auto route = std::make_unique<internal::Route>();
  route->procedure = std::string(method.procedure);
  route->method = method;
  route->method.procedure = route->procedure;
  route->handler = std::move(handler);
  std::string key = route->procedure;
  impl_->core().routes.insert_or_assign(std::move(key), std::move(route));
}

Status Server::Listen(std::string_view host, uint16_t port) { return impl_->Listen(host, port); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Start() { impl_->Start(); }
void Server::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }
void Server::Wait() { impl_->Wait(); }

}  // namespace connectrpc
