#include "keyed_limit.h"

#include <utility>

namespace sandbox {

KeyedLimit::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}

KeyedLimit::Slot::~Slot() {
  if (owner_ != nullptr) owner_->Release(key_);
}

std::optional<KeyedLimit::Slot> KeyedLimit::TryAcquire(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  int& held = held_[key];
  if (limit_ > 0 && held >= limit_) {
    return std::nullopt;
  }
  ++held;
  return Slot(this, key);
}

int KeyedLimit::held(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(key);
  return it == held_.end() ? 0 : it->second;
}

void KeyedLimit::Release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(key);
  if (it == held_.end()) return;
  if (--it->second <= 0) held_.erase(it);
}

}  // namespace sandbox
