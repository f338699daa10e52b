// CallGuard: the deadline and the cancellation token of one client call. When either fires it
// runs the call's abort action on the event loop and remembers why; the call then reports
// kDeadlineExceeded or kCanceled whatever its transport said. No timer exists without a deadline.
#ifndef CONNECTRPC_SRC_CLIENT_CALL_GUARD_H_
#define CONNECTRPC_SRC_CLIENT_CALL_GUARD_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "connectrpc/call_options.h"
#include "connectrpc/status.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

class CallGuard {
 public:
  CallGuard() = default;
  // Only a failing timer cancel or mutex (a broken process) could throw from Disarm().
  ~CallGuard() { Disarm(); }  // NOLINT(bugprone-exception-escape)
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

  // Arms the guard on the event loop. `on_fire` runs there at most once, while `owner` (the
  // object the guard belongs to) is alive. Returns the status to fail with at once if the
  // deadline has passed or the token is cancelled already.
  Status Arm(const boost::asio::any_io_executor& executor,
             std::optional<Clock::time_point> deadline,
             const std::shared_ptr<CancellationToken>& token, const std::weak_ptr<void>& owner,
             std::function<void()> on_fire);
  // Stops the timer and unsubscribes from the token. On the event loop.
  void Disarm();
  // OK until the guard fired; then kDeadlineExceeded or kCanceled.
  const Status& fired() const { return fired_; }

 private:
  void Fire(Status why);

  std::optional<boost::asio::steady_timer> timer_;
  std::shared_ptr<CancellationToken> token_;
  int subscription_ = -1;
  std::function<void()> on_fire_;
  Status fired_;
  bool armed_ = false;
};

Status DeadlineExceededStatus();
Status CanceledStatus();

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_CALL_GUARD_H_
