// An in-process Transcodely server for SDK tests: JobService and VideoService handlers that
// record request headers and bodies and fail on demand.
#ifndef TESTS_SDK_SDK_FAKE_SERVER_H_
#define TESTS_SDK_SDK_FAKE_SERVER_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectrpc/server.h"
#include "transcodely/v1/job.connect.h"
#include "transcodely/v1/video.connect.h"

namespace transcodely::testing {

struct Recorded {
  std::string procedure;
  connectrpc::Headers headers;
  std::string idempotency_key_body;  // CreateJobRequest.idempotency_key
};

// Shared state of the fake handlers; every member is guarded by `mu`.
struct FakeState {
  std::mutex mu;
  std::vector<Recorded> calls;
  // The first `fail_first` calls fail with `fail_code` (and Retry-After when set).
  int fail_first = 0;
  connectrpc::Code fail_code = connectrpc::Code::kUnavailable;
  std::string retry_after;
  // List: cursor -> job ids and next cursor.
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> job_pages;
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> video_pages;
  // Watch: connections opened; the first `watch_failures` connections end with unavailable.
  int watch_connections = 0;
  int watch_failures = 1;
  // When positive, every Watch connection stalls this long after its snapshot (until cancelled).
  int watch_stall_ms = 0;

  std::vector<Recorded> Calls();
};

class FakeServer {
 public:
  FakeServer();
  ~FakeServer();
  std::string base_url() const;
  FakeState& state() { return *state_; }

 private:
  std::shared_ptr<FakeState> state_;
  std::unique_ptr<connectrpc::Server> server_;
};

}  // namespace transcodely::testing

#endif  // TESTS_SDK_SDK_FAKE_SERVER_H_
