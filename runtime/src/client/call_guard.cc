// CallGuard.
#include "client/call_guard.h"

#include <boost/asio/post.hpp>
#include <utility>

#include "cancellation_state.h"

namespace connectrpc::internal {

Status DeadlineExceededStatus() {
  return Status(Code::kDeadlineExceeded, "the call's deadline was exceeded");
}

Status CanceledStatus() { return Status(Code::kCanceled, "call was cancelled"); }

Status CallGuard::Arm(const boost::asio::any_io_executor& executor,
                      std::optional<Clock::time_point> deadline,
                      const std::shared_ptr<CancellationToken>& token,
                      const std::weak_ptr<void>& owner, std::function<void()> on_fire) {
  if (token && token->cancelled()) return CanceledStatus();
  if (deadline && Clock::now() >= *deadline) return DeadlineExceededStatus();
  armed_ = true;
  on_fire_ = std::move(on_fire);
  if (deadline) {
    timer_.emplace(executor, *deadline);
    timer_->async_wait([this, owner](boost::system::error_code ec) {
      if (ec) return;
      if (auto alive = owner.lock()) Fire(DeadlineExceededStatus());
    });
  }
  if (token) {
    token_ = token;
    // Runs on the cancelling thread: hop to the loop.
    subscription_ = token->state()->Subscribe([executor, this, owner]() {
      boost::asio::post(executor, [this, owner] {
        if (auto alive = owner.lock(); alive && armed_) Fire(CanceledStatus());
      });
    });
  }
  return Status();
}

void CallGuard::Fire(Status why) {
  if (!fired_.ok() || !armed_) return;
  fired_ = std::move(why);
  if (on_fire_) on_fire_();
}

void CallGuard::Disarm() {
  if (!armed_) return;
  armed_ = false;
  if (timer_) timer_->cancel();
  if (token_) token_->state()->Unsubscribe(subscription_);
  token_.reset();
  on_fire_ = nullptr;
}

}  // namespace connectrpc::internal
