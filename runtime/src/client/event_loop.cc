// ClientLoop.
#include "client/event_loop.h"

#include <openssl/crypto.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace connectrpc::internal {

namespace asio = boost::asio;

struct ClientLoop::Owned {
  asio::io_context io_context{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> finished = std::make_shared<std::atomic<bool>>(false);
};

namespace {

// Loop threads whose ClientLoop was destroyed on the thread itself (the last reference to a
// client dropped by one of its own completions), so nobody could join them there. They are
// joined here instead: each one once it has finished, when the next one is handed over, and the
// rest when the process exits. A detached thread could still be running its io_context's
// teardown while the process's static objects (OpenSSL's, Asio's) are destroyed, and what it
// holds in thread-local storage (OpenSSL's per-thread random generators) would be lost.
class LoopThreadReaper {
 public:
  // OpenSSL frees a thread's state (its per-thread random generators, used by TLS and by
  // RAND_bytes callers on the loop) when the thread exits, through a thread-local key that its
  // exit handler deletes. Initializing OpenSSL before this object is complete registers that
  // handler first, so it runs after this destructor has joined the loops, not before.
  LoopThreadReaper() { OPENSSL_init_crypto(0, nullptr); }

  ~LoopThreadReaper() {
    std::vector<Entry> entries;
    {
      std::lock_guard<std::mutex> lock(mu_);
      entries.swap(entries_);
    }
    // A handed-over loop has no work guard left, so its run() returns once the handlers that
    // its client's teardown queued have run. Exit is not held up for long by a loop that does
    // not finish: after the bound it is left running, as a detached thread.
    const auto deadline = std::chrono::steady_clock::now() + kExitWait;
    for (Entry& entry : entries) {
      while (!entry.finished->load(std::memory_order_acquire) &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (entry.finished->load(std::memory_order_acquire)) {
        entry.thread.join();
      } else {
        entry.thread.detach();
      }
    }
  }

  void Adopt(std::thread thread, std::shared_ptr<std::atomic<bool>> finished) {
    std::vector<Entry> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->finished->load(std::memory_order_acquire)) {
          done.push_back(std::move(*it));
          it = entries_.erase(it);
        } else {
          ++it;
        }
      }
      entries_.push_back(Entry{std::move(thread), std::move(finished)});
    }
    for (Entry& entry : done) entry.thread.join();  // each has returned from its function
  }

 private:
  static constexpr std::chrono::seconds kExitWait{2};
  struct Entry {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::mutex mu_;
  std::vector<Entry> entries_;
};

LoopThreadReaper& Reaper() {
  static LoopThreadReaper reaper;  // destroyed (joining) before the libraries it relies on
  return reaper;
}

}  // namespace

ClientLoop::ClientLoop(asio::any_io_executor executor) {
  if (executor) {
    executor_ = std::move(executor);
    return;
  }
  owned_ = std::make_shared<Owned>();
  owned_->work.emplace(owned_->io_context.get_executor());
  executor_ = owned_->io_context.get_executor();
  // The thread holds the io_context alive, so the loop may also end on its own thread.
  // The reaper must exist before any loop thread can be handed to it at exit time.
  Reaper();
  owned_->thread = std::thread([owned = owned_]() mutable {
    owned->io_context.run();
    std::shared_ptr<std::atomic<bool>> finished = owned->finished;
    owned.reset();  // the io_context goes here when this thread holds the last reference
    finished->store(true, std::memory_order_release);
  });
}

ClientLoop::~ClientLoop() {
  if (!owned_) return;
  owned_->work.reset();
  if (owned_->thread.get_id() == std::this_thread::get_id()) {
    Reaper().Adopt(std::move(owned_->thread), owned_->finished);
  } else {
    owned_->thread.join();
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
