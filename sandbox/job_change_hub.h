// JobChangeHub: tells the watchers of a job that its stored record changed (a confirmation, a
// cancellation), so that a Watch stream reads the store only when there is something new instead
// of polling it.
//
//   JobChangeHub hub;
//   JobChangeHub::Subscription subscription =
//       hub.Subscribe(job_id, [] { /* post a wake-up to the watcher's event loop */ });
//   ... (a handler that changed the job)
//   hub.Notify(job_id);
//
// Thread-safe. Listeners run on the notifying thread, with the hub's lock held: they must be
// quick and must not call back into the hub (post the real work to an event loop).
#ifndef CONNECTRPC_SANDBOX_JOB_CHANGE_HUB_H_
#define CONNECTRPC_SANDBOX_JOB_CHANGE_HUB_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sandbox {

class JobChangeHub {
 public:
  using Listener = std::function<void()>;

  // Keeps a listener subscribed until it is destroyed; once the destructor returns, the listener
  // is never called again.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription();

   private:
    friend class JobChangeHub;
    Subscription(JobChangeHub* hub, std::string job_id, uint64_t id)
        : hub_(hub), job_id_(std::move(job_id)), id_(id) {}
    void Reset();

    JobChangeHub* hub_ = nullptr;
    std::string job_id_;
    uint64_t id_ = 0;
  };

  JobChangeHub() = default;
  JobChangeHub(const JobChangeHub&) = delete;
  JobChangeHub& operator=(const JobChangeHub&) = delete;

  // Calls `listener` after every change of `job_id` notified from now on. The hub must outlive
  // the subscription.
  [[nodiscard]] Subscription Subscribe(std::string job_id, Listener listener);
  // Tells the listeners of `job_id` that its stored record has changed; call it after the change
  // is committed.
  void Notify(std::string_view job_id);
  // Listeners currently subscribed (for tests).
  size_t size() const;

 private:
  void Unsubscribe(const std::string& job_id, uint64_t id);

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  size_t size_ = 0;
  std::unordered_map<std::string, std::map<uint64_t, Listener>> listeners_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_JOB_CHANGE_HUB_H_
