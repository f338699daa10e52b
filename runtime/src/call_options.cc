// CancellationToken.
#include "connectrpc/call_options.h"

#include <algorithm>
#include <memory>

#include "cancellation_state.h"

namespace connectrpc {

int CancellationToken::State::Subscribe(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!cancelled) {
      const int id = next_id++;
      callbacks.emplace_back(id, std::move(callback));
      return id;
    }
  }
  if (callback) callback();
  return -1;
}

void CancellationToken::State::Unsubscribe(int id) {
  if (id < 0) return;
  std::lock_guard<std::mutex> lock(mu);
  auto it = std::find_if(callbacks.begin(), callbacks.end(),
                         [id](const auto& entry) { return entry.first == id; });
  if (it != callbacks.end()) callbacks.erase(it);
}

void CancellationToken::State::Cancel() {
  std::vector<std::pair<int, std::function<void()>>> to_run;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (cancelled) return;
    cancelled = true;
    to_run.swap(callbacks);
  }
  for (auto& entry : to_run) {
    if (entry.second) entry.second();
  }
}

bool CancellationToken::State::IsCancelled() const {
  std::lock_guard<std::mutex> lock(mu);
  return cancelled;
}

CancellationToken::CancellationToken() : state_(std::make_shared<State>()) {}

void CancellationToken::Cancel() { state_->Cancel(); }

bool CancellationToken::cancelled() const { return state_->IsCancelled(); }

}  // namespace connectrpc
