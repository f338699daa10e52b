#include "call/server_call_state.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

#include "str_cat.h"

namespace connectrpc {

Task<Status> ServerNext::operator()() const {
  return static_cast<internal::CallState*>(call_)->RunFrom(index_);
}

namespace internal {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kBodyReadChunk = 64u << 10;

Status InternalError() { return Status(Code::kInternal, "internal error"); }

Headers ToHeaders(const RequestFields& fields) {
  Headers headers;
  for (const HeaderField& field : fields.fields()) headers.Add(field.name, field.value);
  return headers;
}

// Writes an HTTP-level rejection (no route, wrong method or content type).
Task<void> WriteRejection(ServerCore& core, ServerExchange& exchange, HttpRejection& rejection) {
  exchange.SetStatus(rejection.http_status);
  exchange.AddHeader("content-type", rejection.content_type);
  Headers extra = std::move(rejection.headers);
  if (core.options.decorate_response) {
    try {
      core.options.decorate_response(ToHeaders(exchange.head().fields), extra);
    } catch (const std::exception& e) {
      core.Log(StrCat("decorate_response threw: ", e.what()));
    } catch (...) {
      core.Log("decorate_response threw a non-standard exception");
    }
  }
  for (const auto& [key, value] : extra) {
    if (IsValidHeaderKey(key) && IsValidHeaderValue(value)) exchange.AddHeader(key, value);
  }
  exchange.body_buffer() = std::move(rejection.body);
  co_await exchange.Write(/*last=*/true);
}

}  // namespace

CallState::CallState(std::shared_ptr<ServerCore> core, ServerExchange& exchange,
                     const Route& route, std::unique_ptr<ServerProtocolCall> protocol)
    : core_(std::move(core)),
      exchange_(&exchange),
      head_(exchange.head()),
      route_(route),
      protocol_(std::move(protocol)),
      executor_(exchange.executor()),
      started_at_(Clock::now()) {
  exchange.SetObserver(this);
}

CallState::~CallState() = default;

const Headers& CallState::request_headers() const {
  if (!request_headers_) request_headers_ = ToHeaders(head_.fields);
  return *request_headers_;
}

void CallState::Materialize() {
  if (materialized_) return;
  request_headers();
  http_method_ = std::string(head_.method);
  query_ = std::string(head_.query);
  peer_ = std::string(head_.peer);
  materialized_ = true;
}

Status CallState::cancel_status() const {
  const Code code = cancel_code_.load(std::memory_order_acquire);
  if (code == Code::kOk) return Status(Code::kCanceled, "call was cancelled");
  return Status(code, cancel_message_);
}

void CallState::CancelCall(const Status& reason) {
  if (cancelled()) return;
  {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    cancel_message_ = reason.message();
    cancel_code_.store(reason.code(), std::memory_order_release);
  }
  sleep_cv_.notify_all();
  if (exchange_ != nullptr) exchange_->CancelRead();
  if (blocking_wake_ != nullptr) blocking_wake_->cancel();
  for (asio::steady_timer* sleeper : sleepers_) sleeper->cancel();
}

void CallState::OnExchangeCancelled(ExchangeError why) {
  if (why == ExchangeError::kTimeout) {
    CancelCall(Status(Code::kCanceled, "the connection timed out"));
  } else {
    CancelCall(Status(Code::kUnavailable, "the server is shutting down"));
  }
}

void CallState::Fail(Status error) {
  if (runtime_error_.ok()) runtime_error_ = std::move(error);
}

Task<void> CallState::Run() {
  Status status = protocol_->start_status();
  if (status.ok() && runtime_error_.ok()) {
    if (std::optional<std::chrono::milliseconds> timeout = protocol_->timeout()) {
      deadline_ = started_at_ + *timeout;
      deadline_timer_.emplace(executor_, *deadline_);
      deadline_timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (ec) return;
        if (auto self = weak.lock()) {
          self->CancelCall(Status(Code::kDeadlineExceeded, "the call's deadline was exceeded"));
        }
      });
    }
    body_ended_ = protocol_->body_free();
    try {
      status = co_await RunFrom(0);
    } catch (const std::exception& e) {
      core_->Log(StrCat(route_.procedure, ": handler or interceptor threw: ", e.what()));
      status = InternalError();
    } catch (...) {
      core_->Log(StrCat(route_.procedure, ": handler or interceptor threw"));
      status = InternalError();
    }
  }
  if (!runtime_error_.ok()) status = runtime_error_;
  if (cancelled()) status = cancel_status();
  co_await Finish(status);
  if (deadline_timer_) deadline_timer_->cancel();
  if (exchange_ != nullptr) exchange_->SetObserver(nullptr);
  exchange_ = nullptr;
}

Task<Status> CallState::RunFrom(size_t index) {
  const auto& interceptors = core_->options.interceptors;
  if (index < interceptors.size()) {
    co_return co_await interceptors[index]->Intercept(context(),
                                                      ServerChain::Make(this, index + 1));
  }
  if (cancelled()) co_return cancel_status();
  co_return co_await route_.handler(*this);
}

Task<CallState::Raw> CallState::NextRaw(std::string_view* message) {
  for (;;) {
    if (!runtime_error_.ok() || cancelled() || exchange_ == nullptr) co_return Raw::kFailed;
    Status error;
    switch (protocol_->NextMessage(message, &error)) {
      case ServerProtocolCall::Next::kMessage:
        co_return Raw::kMessage;
      case ServerProtocolCall::Next::kError:
        Fail(std::move(error));
        co_return Raw::kFailed;
      case ServerProtocolCall::Next::kNeedMore:
        break;
    }
    if (body_ended_) co_return Raw::kEnd;
    bool end = false;
    const ExchangeError e = co_await exchange_->ReadBody(&protocol_->input(), kBodyReadChunk, &end);
    switch (e) {
      case ExchangeError::kNone:
        break;
      case ExchangeError::kTooLarge:
        Fail(Status(Code::kResourceExhausted,
                    StrCat("request body exceeds the limit of ",
                           core_->options.max_request_body_bytes, " bytes")));
        co_return Raw::kFailed;
      case ExchangeError::kMalformed:
        Fail(Status(Code::kInvalidArgument, "malformed request body framing"));
        co_return Raw::kFailed;
      case ExchangeError::kTimeout:
        CancelCall(Status(Code::kCanceled, "the request body stopped arriving"));
        co_return Raw::kFailed;
      case ExchangeError::kClosed:
        CancelCall(Status(Code::kCanceled, "the client went away"));
        co_return Raw::kFailed;
      case ExchangeError::kCancelled:
        if (!cancelled()) CancelCall(Status(Code::kCanceled, "call was cancelled"));
        co_return Raw::kFailed;
    }
    if (end) {
      body_ended_ = true;
      if (Status s = protocol_->FinishInput(); !s.ok()) {
        Fail(std::move(s));
        co_return Raw::kFailed;
      }
    }
  }
}

Task<bool> CallState::Read(google::protobuf::Message* message) {
  std::string_view bytes;
  const Raw raw = co_await NextRaw(&bytes);
  if (raw != Raw::kMessage) co_return false;
  if (Status s = protocol_->codec().Unmarshal(bytes, message); !s.ok()) {
    Fail(Status(Code::kInvalidArgument, StrCat("cannot decode the request: ", s.message())));
    co_return false;
  }
  co_return true;
}

Task<bool> CallState::ReadSingle(google::protobuf::Message* message) {
  const bool got = co_await Read(message);
  if (route_.method.stream_type == StreamType::kUnary) co_return got;
  auto wrong_count = [&](std::string_view count) {
    Fail(Status(Code::kUnimplemented, StrCat("server-streaming procedure ", route_.procedure,
                                             " expects exactly one request message, got ",
                                             count)));
  };
  if (!got) {
    if (runtime_error_.ok() && !cancelled()) wrong_count("0");
    co_return false;
  }
  // The request must end here: a second message fails the call as soon as it arrives.
  std::string_view extra;
  const Raw after = co_await NextRaw(&extra);
  switch (after) {
    case Raw::kEnd:
      co_return true;
    case Raw::kMessage:
      wrong_count("more than one");
      co_return false;
    case Raw::kFailed:
      co_return false;
  }
  co_return false;
}

bool CallState::Decorate() {
  if (decorated_) return !decorate_failed_;
  decorated_ = true;
  if (!core_->options.decorate_response) return true;
  try {
    core_->options.decorate_response(request_headers(), response_headers_);
  } catch (const std::exception& e) {
    core_->Log(StrCat(route_.procedure, ": decorate_response threw: ", e.what()));
    decorate_failed_ = true;
  } catch (...) {
    core_->Log(StrCat(route_.procedure, ": decorate_response threw"));
    decorate_failed_ = true;
  }
  return !decorate_failed_;
}

Task<void> CallState::WaitForWrites() {
  // A write started by an abandoned blocking handler may still be in flight; it ends within the
  // transport's write timeout, and EndWrite wakes this wait.
  while (writing_) {
    if (!writes_done_) writes_done_.emplace(executor_);
    writes_done_->expires_at(asio::steady_timer::time_point::max());
    auto [ec] = co_await writes_done_->async_wait(kUseTuple);
    (void)ec;  // cancelled by EndWrite (or by another waiter re-arming): check again
  }
}

void CallState::EndWrite() {
  writing_ = false;
  if (writes_done_) writes_done_->cancel();
}

Task<bool> CallState::PrepareStreamHead() {
  co_await WaitForWrites();
  if (finished_ || exchange_ == nullptr || cancelled()) co_return false;
  if (!exchange_->head_sent() && exchange_->body_buffer().empty()) {
    if (!Decorate()) {
      Fail(InternalError());
      co_return false;
    }
    protocol_->StartResponse(*exchange_, response_headers_);
  }
  co_return true;
}

Task<bool> CallState::Write(const google::protobuf::Message& message) {
  // After a request error (decode, limit) the call's result is that error: nothing else is sent.
  if (finished_ || exchange_ == nullptr || cancelled() || !runtime_error_.ok()) co_return false;
  if (!protocol_->streams_response()) {
    if (has_unary_response_) co_return false;
    if (Status s = protocol_->EncodeMessage(message, &unary_response_); !s.ok()) {
      core_->Log(StrCat(route_.procedure, ": cannot encode the response: ", s.message()));
      Fail(InternalError());
      co_return false;
    }
    has_unary_response_ = true;
    co_return true;
  }
  if (!co_await PrepareStreamHead()) co_return false;
  if (Status s = protocol_->EncodeMessage(message, &exchange_->body_buffer()); !s.ok()) {
    core_->Log(StrCat(route_.procedure, ": cannot encode a response message: ", s.message()));
    Fail(InternalError());
    co_return false;
  }
  writing_ = true;
  const ExchangeError e = co_await exchange_->Write(/*last=*/false);
  EndWrite();
  if (e != ExchangeError::kNone) {
    CancelCall(Status(Code::kCanceled, "the client went away"));
    co_return false;
  }
  co_return true;
}

Task<bool> CallState::SendHeaders() {
  if (!protocol_->streams_response()) co_return !finished_ && !cancelled();
  if (!co_await PrepareStreamHead()) co_return false;
  if (exchange_->head_sent()) co_return true;
  writing_ = true;
  const ExchangeError e = co_await exchange_->Write(/*last=*/false);
  EndWrite();
  co_return e == ExchangeError::kNone;
}

Task<void> CallState::Finish(const Status& final_status) {
  Status status = final_status;
  co_await WaitForWrites();
  if (finished_ || exchange_ == nullptr) co_return;
  finished_ = true;
  if (!exchange_->head_sent() && !Decorate()) status = InternalError();
  const bool with_message = status.ok() && has_unary_response_;
  protocol_->EncodeEnd(*exchange_, status, response_headers_, response_trailers_,
                       with_message ? &unary_response_ : nullptr);
  co_await exchange_->Write(/*last=*/true);
}

Task<Status> CallState::RunBlocking(std::function<Status()>&& body) {
  if (cancelled()) co_return cancel_status();
  if (!core_->pool) co_return Status(Code::kUnavailable, "the server is not running");
  Materialize();
  struct Job {
    std::atomic<int> state{0};  // 0 queued, 1 running, 2 given up while queued
    bool done = false;          // I/O thread only
    Status result;
  };
  auto job = std::make_shared<Job>();
  asio::steady_timer wake(executor_, core_->options.blocking_queue_timeout);
  const bool submitted = core_->pool->TrySubmit(
      [self = shared_from_this(), job, body = std::move(body)]() mutable {
        int expected = 0;
        if (!job->state.compare_exchange_strong(expected, 1)) return;
        Status status;
        if (self->cancelled()) {
          status = self->cancel_status();
        } else {
          try {
            status = body();
          } catch (const std::exception& e) {
            self->core_->Log(StrCat(self->route_.procedure, ": handler threw: ", e.what()));
            status = InternalError();
          } catch (...) {
            self->core_->Log(StrCat(self->route_.procedure, ": handler threw"));
            status = InternalError();
          }
        }
        body = nullptr;
        // Weak: once Shutdown() has stopped the event loops, a handler posted now never runs and
        // stays queued in a loop the core keeps alive; a strong reference there would make a
        // cycle (core, loop, handler, call, core). While RunBlocking waits, its caller holds
        // the call, so the handler finds it whenever there is someone to wake.
        asio::post(self->executor_, [weak = std::weak_ptr<CallState>(self), job,
                                     status = std::move(status)]() mutable {
          job->result = std::move(status);
          job->done = true;
          const std::shared_ptr<CallState> call = weak.lock();
          if (call != nullptr && call->blocking_wake_ != nullptr) call->blocking_wake_->cancel();
        });
      });
  if (!submitted) {
    co_return Status(Code::kResourceExhausted,
                     "the server has too many calls waiting for a handler thread");
  }
  blocking_wake_ = &wake;
  for (;;) {
    auto [ec] = co_await wake.async_wait(kUseTuple);
    if (job->done || cancelled()) break;
    if (!ec) {
      int expected = 0;
      if (job->state.compare_exchange_strong(expected, 2)) {
        blocking_wake_ = nullptr;
        co_return Status(Code::kUnavailable,
                         "the server is busy: no handler thread became free in time");
      }
      wake.expires_at(Clock::time_point::max());  // running now: wait for it to end
    }
  }
  blocking_wake_ = nullptr;
  if (job->done) co_return std::move(job->result);
  co_return cancel_status();
}

bool CallState::FromPoolThread(std::function<Task<bool>()>&& op) {
  if (cancelled()) return false;
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    bool ok = false;
  };
  auto waiter = std::make_shared<Waiter>();
  // Weak for the reason RunBlocking's wake-up is: the pool thread waiting here holds the call.
  asio::co_spawn(
      executor_,
      [weak = weak_from_this(), waiter, op = std::move(op)]() -> Task<void> {
        // Strong while `op` runs: its frame refers to the call.
        const std::shared_ptr<CallState> self = weak.lock();
        bool ok = false;
        if (self != nullptr) {
          ok = co_await op();
        }
        {
          std::lock_guard<std::mutex> lock(waiter->mu);
          waiter->done = true;
          waiter->ok = ok;
        }
        waiter->cv.notify_one();
      },
      asio::detached);
  std::unique_lock<std::mutex> lock(waiter->mu);
  while (!waiter->done) {
    // The I/O thread answers promptly; the bound only matters once the server has stopped.
    if (waiter->cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return waiter->done; })) {
      break;
    }
    if (core_->stopped.load()) return false;
  }
  return waiter->ok;
}

bool CallState::BlockingRead(google::protobuf::Message* message) {
  return FromPoolThread([this, message] { return Read(message); });
}

bool CallState::BlockingWrite(const google::protobuf::Message& message) {
  return FromPoolThread([this, &message] { return Write(message); });
}

bool CallState::BlockingSendHeaders() {
  return FromPoolThread([this] { return SendHeaders(); });
}

bool CallState::SleepFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(sleep_mu_);
  return !sleep_cv_.wait_for(lock, duration, [this] { return cancelled(); });
}

Task<bool> CallState::AsyncSleepFor(std::chrono::milliseconds duration) {
  asio::steady_timer timer(executor_, duration);
  const bool woke = co_await AsyncWait(timer);
  co_return woke;
}

Task<bool> CallState::AsyncWait(asio::steady_timer& timer) {
  if (cancelled()) co_return false;
  auto self = shared_from_this();
  // CancelCall cancels every registered timer, so a cancelled call ends the wait at once.
  sleepers_.push_back(&timer);
  co_await timer.async_wait(kUseTuple);
  std::erase(sleepers_, &timer);
  co_return !cancelled();
}

Task<void> ServeExchange(const std::shared_ptr<ServerCore>& core, ServerExchange& exchange) {
  const RequestHead& head = exchange.head();
  const ServerProtocol& protocol = ProtocolFor(head);
  const Route* route = core->FindRoute(head.path);
  if (route == nullptr) {
    HttpRejection not_found = protocol.NotFound(head);
    co_await WriteRejection(*core, exchange, not_found);
    co_return;
  }
  HttpRejection rejection;
  std::unique_ptr<ServerProtocolCall> protocol_call =
      protocol.StartCall(head, route->method, core->protocol_options, &rejection);
  if (protocol_call == nullptr) {
    co_await WriteRejection(*core, exchange, rejection);
    co_return;
  }
  const size_t in_flight = core->calls_in_flight.fetch_add(1, std::memory_order_relaxed);
  struct Release {
    ServerCore* core;
    ~Release() { core->calls_in_flight.fetch_sub(1, std::memory_order_relaxed); }
  } release{core.get()};
  auto call = std::make_shared<CallState>(core, exchange, *route, std::move(protocol_call));
  if (in_flight >= core->options.max_concurrent_calls) {
    call->Fail(Status(Code::kResourceExhausted, "the server has too many calls in progress"));
  }
  co_await call->Run();
}

}  // namespace internal
}  // namespace connectrpc
