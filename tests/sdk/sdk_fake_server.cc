// The fake JobService and VideoService of the SDK tests.
#include "sdk_fake_server.h"

#include <chrono>
#include <utility>

#include "transcodely/json_dialect.h"
#include "transcodely/v1/common.pb.h"

namespace transcodely::testing {
namespace {

// Records the call; returns a failure while the failure budget lasts.
connectrpc::Status Record(FakeState& state, connectrpc::ServerContext& context,
                          std::string key_body = {}) {
  std::lock_guard<std::mutex> lock(state.mu);
  state.calls.push_back(
      {std::string(context.method().procedure), context.request_headers(), std::move(key_body)});
  if (static_cast<int>(state.calls.size()) <= state.fail_first) {
    if (!state.retry_after.empty())
      context.response_headers().Add("retry-after", state.retry_after);
    context.response_headers().Add("x-request-id", "req_fail");
    return connectrpc::Status(state.fail_code, "try again later");
  }
  return connectrpc::Status();
}

class FakeJobs : public v1::JobServiceHandler {
 public:
  explicit FakeJobs(std::shared_ptr<FakeState> state) : state_(std::move(state)) {}

  connectrpc::Status Create(connectrpc::ServerContext& context, const v1::CreateJobRequest& request,
                            v1::CreateJobResponse* response) override {
    connectrpc::Status status = Record(*state_, context, request.idempotency_key());
    if (!status.ok()) return status;
    response->mutable_job()->set_id("job_1");
    response->mutable_job()->set_status(v1::JOB_STATUS_PENDING);
    return status;
  }

  connectrpc::Status Get(connectrpc::ServerContext& context, const v1::GetJobRequest& request,
                         v1::GetJobResponse* response) override {
    connectrpc::Status status = Record(*state_, context);
    if (!status.ok()) return status;
    response->mutable_job()->set_id(request.id());
    return status;
  }

  connectrpc::Status Cancel(connectrpc::ServerContext& context, const v1::CancelJobRequest& request,
                            v1::CancelJobResponse* response) override {
    connectrpc::Status status = Record(*state_, context);
    if (!status.ok()) return status;
    response->mutable_job()->set_id(request.id());
    return status;
  }

  connectrpc::Status Confirm(connectrpc::ServerContext& context, const v1::ConfirmJobRequest&,
                             v1::ConfirmJobResponse*) override {
    // Honors the failure budget like every other method (it used to drop Record's failure).
    if (connectrpc::Status recorded = Record(*state_, context); !recorded.ok()) return recorded;
    v1::ErrorDetails details;
    details.set_code("JOB_NOT_AWAITING_CONFIRMATION");
    details.set_message("job is not awaiting confirmation");
    auto* violation = details.add_field_violations();
    violation->set_field("id");
    violation->set_description("job is processing");
    context.response_headers().Set("x-request-id", "req_confirm");
    connectrpc::Status status(connectrpc::Code::kFailedPrecondition,
                              "job is not awaiting confirmation");
    status.AddDetail(details);
    return status;
  }

  connectrpc::Status List(connectrpc::ServerContext& context, const v1::ListJobsRequest& request,
                          v1::ListJobsResponse* response) override {
    connectrpc::Status status = Record(*state_, context);
    if (!status.ok()) return status;
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->job_pages.find(request.pagination().cursor());
    if (it == state_->job_pages.end()) {
      return connectrpc::Status(connectrpc::Code::kInvalidArgument, "bad cursor");
    }
    for (const std::string& id : it->second.first) response->add_jobs()->set_id(id);
    response->mutable_pagination()->set_next_cursor(it->second.second);
    return status;
  }

  connectrpc::Status Watch(connectrpc::ServerContext& context, const v1::WatchJobRequest& request,
                           connectrpc::ServerWriter<v1::WatchJobResponse>& writer) override {
    int connection = 0;
    int failures = 0;
    int stall_ms = 0;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->calls.push_back(
          {std::string(context.method().procedure), context.request_headers(), {}});
      connection = ++state_->watch_connections;
      failures = state_->watch_failures;
      stall_ms = state_->watch_stall_ms;
    }
    auto send = [&](v1::WatchEventType event, v1::JobStatus status) {
      v1::WatchJobResponse response;
      response.mutable_job()->set_id(request.id());
      response.mutable_job()->set_status(status);
      response.set_event(event);
      return writer.Write(response);
    };
    send(v1::WATCH_EVENT_TYPE_SNAPSHOT, v1::JOB_STATUS_PROCESSING);
    if (stall_ms > 0 && !context.SleepFor(std::chrono::milliseconds(stall_ms))) {
      return context.CancelledStatus();
    }
    send(v1::WATCH_EVENT_TYPE_HEARTBEAT, v1::JOB_STATUS_PROCESSING);
    if (connection <= failures) {
      send(v1::WATCH_EVENT_TYPE_PROGRESS, v1::JOB_STATUS_PROCESSING);
      return connectrpc::Status(connectrpc::Code::kUnavailable, "connection reset");
    }
    send(v1::WATCH_EVENT_TYPE_HEARTBEAT, v1::JOB_STATUS_PROCESSING);
    send(v1::WATCH_EVENT_TYPE_COMPLETED, v1::JOB_STATUS_COMPLETED);
    return connectrpc::Status();
  }

 private:
  std::shared_ptr<FakeState> state_;
};

class FakeVideos : public v1::VideoServiceHandler {
 public:
  explicit FakeVideos(std::shared_ptr<FakeState> state) : state_(std::move(state)) {}

  connectrpc::Status List(connectrpc::ServerContext& context, const v1::ListVideosRequest& request,
                          v1::ListVideosResponse* response) override {
    connectrpc::Status status = Record(*state_, context);
    if (!status.ok()) return status;
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->video_pages.find(request.has_page_token() ? request.page_token() : "");
    if (it == state_->video_pages.end()) {
      return connectrpc::Status(connectrpc::Code::kInvalidArgument, "bad token");
    }
    for (const std::string& id : it->second.first) response->add_videos()->set_id(id);
    if (!it->second.second.empty()) response->set_next_page_token(it->second.second);
    return status;
  }

  connectrpc::Status Watch(connectrpc::ServerContext& context, const v1::WatchVideoRequest& request,
                           connectrpc::ServerWriter<v1::WatchVideoResponse>& writer) override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->calls.push_back(
          {std::string(context.method().procedure), context.request_headers(), {}});
    }
    for (const char* event : {"snapshot", "heartbeat", "status_change", "heartbeat", "completed"}) {
      v1::WatchVideoResponse response;
      response.mutable_video()->set_id(request.id());
      response.set_event_type(event);
      writer.Write(response);
    }
    return connectrpc::Status();
  }

 private:
  std::shared_ptr<FakeState> state_;
};

}  // namespace

std::vector<Recorded> FakeState::Calls() {
  std::lock_guard<std::mutex> lock(mu);
  return calls;
}

FakeServer::FakeServer() : state_(std::make_shared<FakeState>()) {
  connectrpc::ServerOptions options;
  options.codecs = {&DialectCodec()};
  options.handler_threads = 4;
  server_ = std::make_unique<connectrpc::Server>(std::move(options));
  v1::RegisterJobServiceHandler(*server_, std::make_shared<FakeJobs>(state_));
  v1::RegisterVideoServiceHandler(*server_, std::make_shared<FakeVideos>(state_));
  if (server_->Listen("127.0.0.1", 0).ok()) server_->Start();
}

FakeServer::~FakeServer() { server_->Shutdown(std::chrono::milliseconds(1000)); }

std::string FakeServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

}  // namespace transcodely::testing
