// Idempotency keys: caller's or UUIDv4, both header names, and the JobService/Create body key.
#include "transcodely/idempotency.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace transcodely {
namespace {

constexpr std::string_view kJobCreateProcedure = "/transcodely.v1.JobService/Create";
constexpr std::string_view kHealthServicePrefix = "/transcodely.v1.HealthService/";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view MethodName(std::string_view procedure) {
  const size_t slash = procedure.rfind('/');
  return slash == std::string_view::npos ? procedure : procedure.substr(slash + 1);
}

// The request's string field `idempotency_key`, if it has one.
const google::protobuf::FieldDescriptor* BodyKeyField(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("idempotency_key");
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return nullptr;
  }
  return field;
}

// The body key the caller set, if any.
std::optional<std::string> BodyKey(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field = BodyKeyField(request);
  if (field == nullptr) return std::nullopt;
  const google::protobuf::Reflection* reflection = request.GetReflection();
  if (field->has_presence() && !reflection->HasField(request, field)) return std::nullopt;
  std::string key = reflection->GetString(request, field);
  if (key.empty()) return std::nullopt;
  return key;
}

// A copy of `request` with `idempotency_key` set to `key`; null if it already is.
std::unique_ptr<google::protobuf::Message> WithBodyKey(const google::protobuf::Message& request,
                                                       const std::string& key) {
  const google::protobuf::FieldDescriptor* field = BodyKeyField(request);
  if (field == nullptr || BodyKey(request).has_value()) return nullptr;
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  copy->GetReflection()->SetString(copy.get(), field, key);
  return copy;
}

}  // namespace

connectrpc::CallOptions WithIdempotencyKey(std::string_view key, connectrpc::CallOptions base) {
  base.headers.Remove(kXIdempotencyKeyHeader);
  base.headers.Set(kIdempotencyKeyHeader, key);
  return base;
}

std::string NewIdempotencyKey() {
  // The kernel's CSPRNG (getrandom(2)): no per-thread state, unlike OpenSSL's RAND_bytes, whose
  // per-thread generators on the client's loop thread were occasionally not freed when the
  // thread ended (LeakSanitizer reports in the SDK tests).
  std::array<unsigned char, 16> bytes{};
  size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      break;
    }
  }
  if (filled < bytes.size()) {
    std::random_device device;  // getrandom(2) unavailable (ENOSYS): the library's own source
    for (auto& byte : bytes) byte = static_cast<unsigned char>(device());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid;
  uuid.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid.push_back('-');
    uuid.push_back(kHex[bytes[i] >> 4]);
    uuid.push_back(kHex[bytes[i] & 0x0f]);
  }
  return uuid;
}

bool IsMutatingMethod(const connectrpc::MethodInfo& method) {
  if (method.stream_type != connectrpc::StreamType::kUnary) return false;
  if (StartsWith(method.procedure, kHealthServicePrefix)) return false;
  const std::string_view name = MethodName(method.procedure);
  return !StartsWith(name, "Get") && !StartsWith(name, "List");
}

boost::asio::awaitable<connectrpc::Status> IdempotencyInterceptor::InterceptUnary(
    connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  if (!IsMutatingMethod(info.method)) {
    co_return co_await next(info, request, response);
  }
  connectrpc::Headers& headers = info.request_headers;
  const std::optional<std::string_view> plain = headers.Get(kIdempotencyKeyHeader);
  const std::optional<std::string_view> prefixed = headers.Get(kXIdempotencyKeyHeader);
  if (plain && prefixed && *plain != *prefixed) {
    co_return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                 "transcodely: Idempotency-Key and X-Idempotency-Key differ");
  }
  const bool job_create = info.method.procedure == kJobCreateProcedure;
  std::optional<std::string> body_key;
  if (job_create) body_key = BodyKey(request);
  std::string key;
  if (plain) {
    key = std::string(*plain);
  } else if (prefixed) {
    key = std::string(*prefixed);
  } else if (body_key) {
    key = *body_key;  // the documented field: carry the same value in the headers
  } else if (auto_generate_) {
    key = NewIdempotencyKey();
  } else {
    co_return co_await next(info, request, response);
  }
  if (key.empty()) {
    co_return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                 "transcodely: idempotency key is empty");
  }
  if (key.size() > kMaxIdempotencyKeyLength) {
    co_return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                 "transcodely: idempotency key is longer than 128 characters");
  }
  headers.Set(kIdempotencyKeyHeader, key);
  headers.Set(kXIdempotencyKeyHeader, key);
  if (job_create) {
    if (std::unique_ptr<google::protobuf::Message> copy = WithBodyKey(request, key)) {
      co_return co_await next(info, *copy, response);
    }
  }
  co_return co_await next(info, request, response);
}

}  // namespace transcodely
