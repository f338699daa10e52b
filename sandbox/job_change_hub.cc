#include "job_change_hub.h"

#include <utility>

namespace sandbox {

JobChangeHub::Subscription::Subscription(Subscription&& other) noexcept
    : hub_(std::exchange(other.hub_, nullptr)),
      job_id_(std::move(other.job_id_)),
      id_(other.id_) {}

JobChangeHub::Subscription& JobChangeHub::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    Reset();
    hub_ = std::exchange(other.hub_, nullptr);
    job_id_ = std::move(other.job_id_);
    id_ = other.id_;
  }
  return *this;
}

JobChangeHub::Subscription::~Subscription() { Reset(); }

void JobChangeHub::Subscription::Reset() {
  if (hub_ == nullptr) return;
  hub_->Unsubscribe(job_id_, id_);
  hub_ = nullptr;
}

JobChangeHub::Subscription JobChangeHub::Subscribe(std::string job_id, Listener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  listeners_[job_id].emplace(id, std::move(listener));
  ++size_;
  return Subscription(this, std::move(job_id), id);
}

void JobChangeHub::Notify(std::string_view job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = listeners_.find(std::string(job_id));
  if (it == listeners_.end()) return;
  for (const auto& [id, listener] : it->second) listener();
}

size_t JobChangeHub::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

void JobChangeHub::Unsubscribe(const std::string& job_id, uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = listeners_.find(job_id);
  if (it == listeners_.end()) return;
  if (it->second.erase(id) > 0) --size_;
  if (it->second.empty()) listeners_.erase(it);
}

}  // namespace sandbox
