// ClientLoop: the one event loop of a Client — the executor the user gave, or an io_context the
// loop owns, run by one background thread.
#ifndef CONNECTRPC_SRC_CLIENT_EVENT_LOOP_H_
#define CONNECTRPC_SRC_CLIENT_EVENT_LOOP_H_

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace connectrpc::internal {

class ClientLoop {
 public:
  // Uses `executor` when it is set; otherwise starts an owned io_context and its thread.
  explicit ClientLoop(boost::asio::any_io_executor executor);
  // Stops the owned thread once its pending work has run; from the loop thread itself, which
  // cannot join itself, it hands the thread to LoopThreads, which joins it once it has finished
  // (at the latest when the process exits).
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // No Client handle is left; only pending calls keep the loop. An owned loop marked so is
  // waited for at process exit (LoopThreads). Idempotent.
  void MarkDraining();

  const boost::asio::any_io_executor& executor() const { return executor_; }
  // True on a thread currently running the loop's handlers (known for io_context executors and
  // strands over them).
  bool InLoopThread() const;

 private:
  struct Owned;
  std::shared_ptr<Owned> owned_;
  boost::asio::any_io_executor executor_;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_EVENT_LOOP_H_
