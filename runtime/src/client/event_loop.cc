// ClientLoop.
#include "client/event_loop.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <optional>
#include <thread>
#include <utility>

#include "client/loop_threads.h"
#include "connectrpc/internal/async_result.h"

namespace connectrpc::internal {

namespace asio = boost::asio;

struct ClientLoop::Owned {
  asio::io_context io_context{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> finished = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> draining{false};
};

ClientLoop::ClientLoop(asio::any_io_executor executor) {
  if (executor) {
    executor_ = std::move(executor);
    return;
  }
  owned_ = std::make_shared<Owned>();
  owned_->work.emplace(owned_->io_context.get_executor());
  executor_ = owned_->io_context.get_executor();
  // The thread holds the io_context alive, so the loop may also end on its own thread.
  // LoopThreads must exist (its exit handler registered) before the thread starts.
  LoopThreads* threads = &LoopThreads::Get();
  owned_->thread = std::thread([owned = owned_, threads]() mutable {
    {
      // The blocking callers this loop completes are woken together (see WakeUpBatch).
      BlockingSignal::WakeUpBatch batch(owned->io_context.get_executor());
      owned->io_context.run();
    }
    std::shared_ptr<std::atomic<bool>> finished = owned->finished;
    const bool draining = owned->draining.load(std::memory_order_acquire);
    owned.reset();  // the io_context goes here when this thread holds the last reference
    threads->Ended(finished, draining);
  });
}

ClientLoop::~ClientLoop() {
  if (!owned_) return;
  owned_->work.reset();
  if (owned_->thread.get_id() == std::this_thread::get_id()) {
    LoopThreads::Get().Adopt(std::move(owned_->thread), owned_->finished);
  } else {
    owned_->thread.join();
  }
}

void ClientLoop::MarkDraining() {
  if (owned_ && !owned_->draining.exchange(true, std::memory_order_acq_rel)) {
    LoopThreads::Get().AddDraining();
  }
}

bool ClientLoop::InLoopThread() const {
  if (owned_) return owned_->thread.get_id() == std::this_thread::get_id();
  if (const auto* io = executor_.target<asio::io_context::executor_type>()) {
    return io->running_in_this_thread();
  }
  if (const auto* strand = executor_.target<asio::strand<asio::io_context::executor_type>>()) {
    return strand->running_in_this_thread();
  }
  if (const auto* strand = executor_.target<asio::strand<asio::any_io_executor>>()) {
    return strand->running_in_this_thread();
  }
  return false;
}

}  // namespace connectrpc::internal
