// Watch streams as ranges (wire contract §7): heartbeats filtered, and the stream re-opened with
// the same id after a transport failure, unavailable or deadline_exceeded, up to
// WatchOptions::max_reconnects times in total. Every new connection starts with a snapshot.
//
//   transcodely::JobWatch watch = client.jobs().WatchJob("job_123");
//   for (const connectrpc::Result<transcodely::v1::WatchJobResponse>& event : watch) {
//     if (!event.ok()) { /* the error that ended the watch */ break; }
//     show(event->job());
//   }
//
// The range ends normally when the server closes the stream cleanly (after the `completed` event
// of a terminal job). Cancel() may be called from any other thread.
#ifndef TRANSCODELY_WATCH_H_
#define TRANSCODELY_WATCH_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "connectrpc/call_options.h"
#include "connectrpc/client_stream.h"
#include "connectrpc/result.h"
#include "connectrpc/status.h"
#include "transcodely/retry.h"
#include "transcodely/v1/job.pb.h"
#include "transcodely/v1/video.pb.h"

namespace transcodely {

struct WatchOptions {
  // Yield heartbeat events too.
  bool include_heartbeats = false;
  // Reconnections allowed over the whole watch (never reset); 0 disables reconnection.
  int max_reconnects = 5;
  // Call options of every connection (headers, cancellation, an optional deadline). A timeout
  // bounds the whole watch, reconnections included: each new connection gets only the time
  // left, and once it is used up the watch ends with kDeadlineExceeded instead of reconnecting.
  // Streams have no deadline by default.
  connectrpc::CallOptions call_options;
};

// The delay before reconnection `attempt` (1-based): min(5 s, 500 ms * 2^(n-1)) * U[0.5, 1),
// given `unit` in [0, 1).
std::chrono::milliseconds ReconnectDelay(int attempt, double unit);

// True for the end-of-stream statuses that warrant a reconnection.
bool IsReconnectable(const connectrpc::Status& status);

bool IsHeartbeat(const v1::WatchJobResponse& response);    // event == heartbeat
bool IsHeartbeat(const v1::WatchVideoResponse& response);  // event_type == "heartbeat"

template <typename Response>
class WatchStream {
 public:
  // Opens one connection of the watch.
  using OpenFunction =
      std::function<connectrpc::ServerStreamReader<Response>(const connectrpc::CallOptions&)>;

  WatchStream(OpenFunction open, WatchOptions options, SleepFunction sleep = nullptr)
      : open_(std::move(open)),
        options_(std::move(options)),
        sleep_(sleep ? std::move(sleep) : DefaultSleep()) {
    if (!options_.call_options.cancellation) {
      options_.call_options.cancellation = std::make_shared<connectrpc::CancellationToken>();
    }
    if (options_.call_options.timeout) {
      deadline_ = std::chrono::steady_clock::now() + *options_.call_options.timeout;
    }
  }
  WatchStream(WatchStream&&) noexcept = default;
  WatchStream& operator=(WatchStream&&) noexcept = default;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = connectrpc::Result<Response>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    iterator() = default;
    reference operator*() const { return *watch_->current_; }
    pointer operator->() const { return &*watch_->current_; }
    iterator& operator++() {
      if (watch_ != nullptr && !watch_->Next()) watch_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.watch_ == b.watch_; }

   private:
    friend class WatchStream;
    explicit iterator(WatchStream* watch) : watch_(watch) {}
    WatchStream* watch_ = nullptr;
  };

  // Opens the stream on first use; single pass.
  iterator begin() {
    if (!begun_) {
      begun_ = true;
      Next();
    }
    return has_current_ ? iterator(this) : end();
  }
  iterator end() { return iterator(); }

  // Ends the watch from any thread; the current read fails with kCanceled, which ends the range.
  void Cancel() { options_.call_options.cancellation->Cancel(); }

  // Reconnections made so far.
  int reconnects() const { return reconnects_; }

 private:
  bool Next() {
    has_current_ = false;
    while (!finished_) {
      if (!reader_.has_value()) {
        connectrpc::CallOptions call_options = options_.call_options;
        if (deadline_) {
          const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              *deadline_ - std::chrono::steady_clock::now());
          if (left.count() <= 0) {
            finished_ = true;
            current_.emplace(connectrpc::Status(connectrpc::Code::kDeadlineExceeded,
                                                "transcodely: the watch's deadline was exceeded"));
            has_current_ = true;
            return true;
          }
          call_options.timeout = left;
        }
        reader_.emplace(open_(call_options));
      }
      Response response;
      if (reader_->Read(&response)) {
        if (!options_.include_heartbeats && IsHeartbeat(response)) continue;
        current_.emplace(std::move(response));
        has_current_ = true;
        return true;
      }
      connectrpc::Status status = reader_->status();
      reader_.reset();
      if (status.ok()) break;
      // The caller's own deadline running out is not a transport blip: do not reconnect. With a
      // deadline set, kDeadlineExceeded is that deadline (the server enforces the
      // Connect-Timeout-Ms it was sent, possibly a moment before the client does).
      const bool deadline_passed =
          deadline_ && (status.code() == connectrpc::Code::kDeadlineExceeded ||
                        std::chrono::steady_clock::now() >= *deadline_);
      if (IsReconnectable(status) && reconnects_ < options_.max_reconnects &&
          !options_.call_options.cancellation->cancelled() && !deadline_passed) {
        ++reconnects_;
        sleep_(ReconnectDelay(reconnects_, UniformRandom()));
        continue;
      }
      finished_ = true;
      current_.emplace(std::move(status));
      has_current_ = true;
      return true;
    }
    finished_ = true;
    return false;
  }

  OpenFunction open_;
  WatchOptions options_;
  SleepFunction sleep_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;  // of the whole watch
  std::optional<connectrpc::ServerStreamReader<Response>> reader_;
  std::optional<connectrpc::Result<Response>> current_;
  bool begun_ = false;
  bool finished_ = false;
  bool has_current_ = false;
  int reconnects_ = 0;
};

// The asynchronous form of WatchStream: Next() completes with the next event, the error that
// ended the watch (the last element), or nullopt once the server closed the stream cleanly. The
// same heartbeat, reconnection and deadline rules; the delay before a reconnection is an Asio
// timer on the client's event loop, so no thread waits.
//
//   transcodely::AsyncJobWatch watch = client.jobs().WatchJobAsync("job_123");
//   while (auto event = co_await watch.Next(boost::asio::use_awaitable)) {
//     if (!event->ok()) break;
//     show((*event)->job());
//   }
//
// One Next() at a time; Cancel() from any thread. The watch keeps its state alive while an
// operation is pending.
template <typename Response>
class AsyncWatchStream {
 public:
  // Opens one connection of the watch.
  using OpenFunction =
      std::function<connectrpc::AsyncServerStream<Response>(const connectrpc::CallOptions&)>;
  using Element = std::optional<connectrpc::Result<Response>>;

  // `sleep` is a test hook called instead of waiting before a reconnection.
  // NOLINTBEGIN(performance-unnecessary-value-param): sink parameters, moved below
  AsyncWatchStream(boost::asio::any_io_executor executor, OpenFunction open, WatchOptions options,
                   SleepFunction sleep = nullptr)
      : state_(std::make_shared<State>()) {
    state_->executor = std::move(executor);
    state_->open = std::move(open);
    state_->options = std::move(options);
    state_->sleep = std::move(sleep);
    auto& call_options = state_->options.call_options;
    if (!call_options.cancellation) {
      call_options.cancellation = std::make_shared<connectrpc::CancellationToken>();
    }
    if (call_options.timeout) {
      state_->deadline = std::chrono::steady_clock::now() + *call_options.timeout;
    }
  }
  // NOLINTEND(performance-unnecessary-value-param)

  // Completion signature: void(std::optional<connectrpc::Result<Response>>).
  template <typename CompletionToken>
  auto Next(CompletionToken&& token) {
    return connectrpc::internal::InitiateAsync<Element>(
        state_->executor, std::forward<CompletionToken>(token),
        [state = state_](connectrpc::internal::Completion<Element> complete) {
          State::Step(state, std::move(complete));
        });
  }

  // Ends the watch from any thread; the pending Next() completes with kCanceled.
  void Cancel() { state_->options.call_options.cancellation->Cancel(); }
  // Reconnections made so far.
  int reconnects() const { return state_->reconnects; }

 private:
  struct State {
    static void Step(const std::shared_ptr<State>& state,
                     connectrpc::internal::Completion<Element> complete) {
      if (state->finished) return complete(std::nullopt);
      if (!state->reader) {
        connectrpc::CallOptions call_options = state->options.call_options;
        if (state->deadline) {
          const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              *state->deadline - std::chrono::steady_clock::now());
          if (left.count() <= 0) {
            state->finished = true;
            return complete(connectrpc::Result<Response>(
                connectrpc::Status(connectrpc::Code::kDeadlineExceeded,
                                   "transcodely: the watch's deadline was exceeded")));
          }
          call_options.timeout = left;
        }
        state->reader.emplace(state->open(call_options));
      }
      state->reader->Read(
          [state, complete = std::move(complete)](std::optional<Response> response) mutable {
            if (response) {
              if (!state->options.include_heartbeats && IsHeartbeat(*response)) {
                return Step(state, std::move(complete));
              }
              return complete(connectrpc::Result<Response>(std::move(*response)));
            }
            connectrpc::Status status = state->reader->status();
            state->reader.reset();
            if (status.ok()) {
              state->finished = true;
              return complete(std::nullopt);
            }
            const bool deadline_passed =
                state->deadline && (status.code() == connectrpc::Code::kDeadlineExceeded ||
                                    std::chrono::steady_clock::now() >= *state->deadline);
            if (IsReconnectable(status) && state->reconnects < state->options.max_reconnects &&
                !state->options.call_options.cancellation->cancelled() && !deadline_passed) {
              ++state->reconnects;
              const std::chrono::milliseconds delay =
                  ReconnectDelay(state->reconnects, UniformRandom());
              if (state->sleep) {
                state->sleep(delay);
                return Step(state, std::move(complete));
              }
              state->timer.emplace(state->executor, delay);
              return state->timer->async_wait(
                  [state, complete = std::move(complete)](boost::system::error_code) mutable {
                    Step(state, std::move(complete));
                  });
            }
            state->finished = true;
            complete(connectrpc::Result<Response>(std::move(status)));
          });
    }

    boost::asio::any_io_executor executor;
    OpenFunction open;
    WatchOptions options;
    SleepFunction sleep;
    std::optional<std::chrono::steady_clock::time_point> deadline;  // of the whole watch
    std::optional<connectrpc::AsyncServerStream<Response>> reader;
    std::optional<boost::asio::steady_timer> timer;
    bool finished = false;
    int reconnects = 0;
  };
  std::shared_ptr<State> state_;
};

using AsyncJobWatch = AsyncWatchStream<v1::WatchJobResponse>;
using AsyncVideoWatch = AsyncWatchStream<v1::WatchVideoResponse>;

using JobWatch = WatchStream<v1::WatchJobResponse>;
using VideoWatch = WatchStream<v1::WatchVideoResponse>;

}  // namespace transcodely

#endif  // TRANSCODELY_WATCH_H_
