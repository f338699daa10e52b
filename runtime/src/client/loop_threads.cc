// LoopThreads.
#include "client/loop_threads.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <utility>

namespace connectrpc::internal {

LoopThreads& LoopThreads::Get() {
  static LoopThreads* const instance = new LoopThreads();
  return *instance;
}

LoopThreads::LoopThreads() {
  // OpenSSL frees a thread's state when the thread exits, through a thread-local key that its
  // exit handler deletes. Initializing it first registers that handler before ours, so ours runs
  // first: the loops are joined while OpenSSL can still clean up after them.
  OPENSSL_init_crypto(0, nullptr);
  std::atexit(&LoopThreads::JoinAtExit);
}

bool LoopThreads::AllDoneLocked() const {
  if (draining_ > 0) return false;
  for (const Entry& entry : adopted_) {
    if (!entry.finished->load(std::memory_order_acquire)) return false;
  }
  return true;
}

void LoopThreads::Ended(const std::shared_ptr<std::atomic<bool>>& finished, bool draining) {
  std::lock_guard<std::mutex> lock(mu_);
  finished->store(true, std::memory_order_release);
  if (draining) --draining_;
  changed_.notify_all();
}

void LoopThreads::AddDraining() {
  std::lock_guard<std::mutex> lock(mu_);
  ++draining_;
}

void LoopThreads::Adopt(std::thread thread, std::shared_ptr<std::atomic<bool>> finished) {
  std::vector<Entry> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exited_) {
      thread.detach();  // the process is past its exit handler: nobody is left to join it
      return;
    }
    for (auto it = adopted_.begin(); it != adopted_.end();) {
      if (it->finished->load(std::memory_order_acquire)) {
        done.push_back(std::move(*it));
        it = adopted_.erase(it);
      } else {
        ++it;
      }
    }
    adopted_.push_back(Entry{std::move(thread), std::move(finished)});
  }
  for (Entry& entry : done) entry.thread.join();  // each has returned from its function
}

void LoopThreads::JoinAtExit() {
  LoopThreads& self = Get();
  std::vector<Entry> adopted;
  {
    std::unique_lock<std::mutex> lock(self.mu_);
    // A draining loop ends as soon as its last calls let go of the client; an adopted one has
    // no work guard left and ends once its queued handlers have run. One that does not end in
    // time is left running, detached.
    self.changed_.wait_for(lock, kExitWait, [&self] { return self.AllDoneLocked(); });
    self.exited_ = true;
    adopted.swap(self.adopted_);
  }
  for (Entry& entry : adopted) {
    if (entry.finished->load(std::memory_order_acquire)) {
      entry.thread.join();
    } else {
      entry.thread.detach();
    }
  }
}

}  // namespace connectrpc::internal
