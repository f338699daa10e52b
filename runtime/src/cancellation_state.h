// CancellationToken::State: the shared state behind a CancellationToken. Runtime-internal; client
// code includes this to subscribe a call to a token.
//
//   int id = token->state()->Subscribe([&] { connection.Abort(); });
//   ... run the call ...
//   token->state()->Unsubscribe(id);
#ifndef CONNECTRPC_SRC_CANCELLATION_STATE_H_
#define CONNECTRPC_SRC_CANCELLATION_STATE_H_

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "connectrpc/call_options.h"

namespace connectrpc {

struct CancellationToken::State {
  // Registers `callback` to run once on Cancel() and returns an id for Unsubscribe. If the token
  // is already cancelled the callback runs at once, on this thread, and -1 is returned.
  int Subscribe(std::function<void()> callback);
  // Removes a callback. A callback that Cancel() is already running (on another thread) may still
  // be running when this returns. Unknown ids (and -1) are ignored.
  void Unsubscribe(int id);
  // Marks the token cancelled and runs every subscribed callback exactly once, outside the lock.
  // Later calls do nothing.
  void Cancel();
  bool IsCancelled() const;

  mutable std::mutex mu;
  bool cancelled = false;                                        // guarded by mu
  int next_id = 0;                                               // guarded by mu
  std::vector<std::pair<int, std::function<void()>>> callbacks;  // guarded by mu
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SRC_CANCELLATION_STATE_H_
