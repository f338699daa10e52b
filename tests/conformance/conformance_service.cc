#include "tests/conformance/conformance_service.h"

#include <google/protobuf/any.pb.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connectrpc/code.h"
#include "tests/conformance/conformance_util.h"

namespace connectrpc::conformance {
namespace {

using google::protobuf::Any;
using RequestInfo = v1::ConformancePayload::RequestInfo;
using AnyList = google::protobuf::RepeatedPtrField<Any>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one application/x-www-form-urlencoded component: "%XX" escapes and '+' for space.
// Malformed escapes are kept literally.
std::string PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Parses a raw query string into conformance headers, one per distinct name.
void ParseQuery(std::string_view query, HeaderList* out) {
  std::unordered_map<std::string, v1::Header*> by_name;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name = PercentDecode(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    v1::Header*& header = by_name[name];
    if (header == nullptr) {
      header = out->Add();
      header->set_name(name);
    }
    header->add_value(std::move(value));
  }
}

// Everything the server observed about the call: headers, remaining time, the requests and,
// for GET, the query parameters.
RequestInfo MakeRequestInfo(const ServerContext& context, const AnyList& requests) {
  RequestInfo info;
  AppendProtoHeaders(context.request_headers(), info.mutable_request_headers());
  if (std::optional<std::chrono::milliseconds> remaining = context.TimeRemaining()) {
    info.set_timeout_ms(remaining->count());
  }
  *info.mutable_requests() = requests;
  if (!context.query().empty()) {
    ParseQuery(context.query(), info.mutable_connect_get_info()->mutable_query_params());
  }
  return info;
}

template <typename Message>
AnyList PackOne(const Message& message) {
  AnyList list;
  list.Add()->PackFrom(message);
  return list;
}

// The error a response definition asks for; `request_info`, when given, is appended as the
// last detail.
Status MakeError(const v1::Error& error, const RequestInfo* request_info) {
  Code code = CodeFromInt(static_cast<int>(error.code())).value_or(Code::kUnknown);
  if (code == Code::kOk) code = Code::kUnknown;
  Status status(code, error.message());
  for (const Any& detail : error.details()) {
    status.AddDetail(
        ErrorDetail{std::string(TypeNameFromUrl(detail.type_url())), detail.value(), {}});
  }
  if (request_info != nullptr) status.AddDetail(*request_info);
  return status;
}

template <typename Definition>
void SetResponseMetadata(ServerContext& context, const Definition& definition) {
  AddHeadersFromProto(definition.response_headers(), &context.response_headers());
  AddHeadersFromProto(definition.response_trailers(), &context.response_trailers());
}

// Shared by Unary, IdempotentUnary and ClientStream: fills `payload` or returns the error the
// definition asks for. `definition` is null when the request carried none.
Status RespondUnary(ServerContext& context, const v1::UnaryResponseDefinition* definition,
                    const AnyList& requests, v1::ConformancePayload* payload) {
  RequestInfo info = MakeRequestInfo(context, requests);
  if (definition == nullptr) {
    *payload->mutable_request_info() = std::move(info);
    return Status();
  }
  SetResponseMetadata(context, *definition);
  if (definition->response_delay_ms() > 0 &&
      !context.SleepFor(std::chrono::milliseconds(definition->response_delay_ms()))) {
    return context.CancelledStatus();
  }
  if (definition->has_error()) return MakeError(definition->error(), &info);
  payload->set_data(definition->response_data());
  *payload->mutable_request_info() = std::move(info);
  return Status();
}

Status SleepBeforeSend(ServerContext& context, uint32_t delay_ms) {
  if (delay_ms > 0 && !context.SleepFor(std::chrono::milliseconds(delay_ms))) {
    return context.CancelledStatus();
  }
  return Status();
}

Status WriteFailedStatus(const ServerContext& context) {
  if (context.IsCancelled()) return context.CancelledStatus();
  return Status(Code::kInternal, "error sending on stream");
}

}  // namespace

Status ConformanceServiceImpl::Unary(ServerContext& context, const v1::UnaryRequest& request,
                                     v1::UnaryResponse* response) {
  return RespondUnary(context,
                      request.has_response_definition() ? &request.response_definition() : nullptr,
                      PackOne(request), response->mutable_payload());
}

Status ConformanceServiceImpl::IdempotentUnary(ServerContext& context,
                                               const v1::IdempotentUnaryRequest& request,
                                               v1::IdempotentUnaryResponse* response) {
  return RespondUnary(context,
                      request.has_response_definition() ? &request.response_definition() : nullptr,
                      PackOne(request), response->mutable_payload());
}

Status ConformanceServiceImpl::ServerStream(ServerContext& context,
                                            const v1::ServerStreamRequest& request,
                                            ServerWriter<v1::ServerStreamResponse>& writer) {
  if (!request.has_response_definition()) return Status();
  const v1::StreamResponseDefinition& definition = request.response_definition();
  SetResponseMetadata(context, definition);
  const AnyList requests = PackOne(request);
  if (definition.response_data_size() > 0 && !writer.SendHeaders()) {
    return WriteFailedStatus(context);
  }
  int sent = 0;
  for (const std::string& data : definition.response_data()) {
    v1::ServerStreamResponse response;
    response.mutable_payload()->set_data(data);
    if (sent == 0) {
      *response.mutable_payload()->mutable_request_info() = MakeRequestInfo(context, requests);
    }
    if (Status s = SleepBeforeSend(context, definition.response_delay_ms()); !s.ok()) return s;
    if (!writer.Write(response)) return WriteFailedStatus(context);
    ++sent;
  }
  if (definition.has_error()) {
    if (sent == 0) {
      const RequestInfo info = MakeRequestInfo(context, requests);
      return MakeError(definition.error(), &info);
    }
    return MakeError(definition.error(), nullptr);
  }
  return Status();
}

Status ConformanceServiceImpl::ClientStream(ServerContext& context,
                                            ServerReader<v1::ClientStreamRequest>& reader,
                                            v1::ClientStreamResponse* response) {
  std::optional<v1::UnaryResponseDefinition> definition;
  bool first = true;
  AnyList requests;
  v1::ClientStreamRequest request;
  while (reader.Read(&request)) {
    if (first) {
      if (request.has_response_definition()) definition = request.response_definition();
      first = false;
    }
    requests.Add()->PackFrom(request);
  }
  if (context.IsCancelled()) return context.CancelledStatus();
  return RespondUnary(context, definition ? &*definition : nullptr, requests,
                      response->mutable_payload());
}

Status ConformanceServiceImpl::BidiStream(
    ServerContext& context,
    ServerReaderWriter<v1::BidiStreamRequest, v1::BidiStreamResponse>& stream) {
  std::optional<v1::StreamResponseDefinition> definition;
  bool full_duplex = false;
  bool first = true;
  int sent = 0;
  AnyList requests;  // received since the last response
  v1::BidiStreamRequest request;
  while (stream.Read(&request)) {
    requests.Add()->PackFrom(request);
    if (first) {
      first = false;
      full_duplex = request.full_duplex();
      if (request.has_response_definition()) {
        definition = request.response_definition();
        SetResponseMetadata(context, *definition);
        if (full_duplex && definition->response_data_size() > 0 && !stream.SendHeaders()) {
          return WriteFailedStatus(context);
        }
      }
    }
    if (!full_duplex) continue;
    // Full duplex: one response per request, echoing the requests since the previous one.
    if (!definition || sent >= definition->response_data_size()) break;
    v1::BidiStreamResponse response;
    response.mutable_payload()->set_data(definition->response_data(sent));
    if (sent == 0) {
      *response.mutable_payload()->mutable_request_info() = MakeRequestInfo(context, requests);
    } else {
      *response.mutable_payload()->mutable_request_info()->mutable_requests() = requests;
    }
    if (Status s = SleepBeforeSend(context, definition->response_delay_ms()); !s.ok()) return s;
    if (!stream.Write(response)) return WriteFailedStatus(context);
    ++sent;
    requests.Clear();
  }
  if (context.IsCancelled()) return context.CancelledStatus();
  if (!definition) return Status();

  if (!full_duplex && definition->response_data_size() > 0 && !stream.SendHeaders()) {
    return WriteFailedStatus(context);
  }
  // Half duplex sends everything here; full duplex flushes what is left once the client is done.
  for (; sent < definition->response_data_size(); ++sent) {
    v1::BidiStreamResponse response;
    response.mutable_payload()->set_data(definition->response_data(sent));
    if (sent == 0) {
      *response.mutable_payload()->mutable_request_info() = MakeRequestInfo(context, requests);
    }
    if (Status s = SleepBeforeSend(context, definition->response_delay_ms()); !s.ok()) return s;
    if (!stream.Write(response)) return WriteFailedStatus(context);
  }
  if (definition->has_error()) {
    if (sent == 0) {
      const RequestInfo info = MakeRequestInfo(context, requests);
      return MakeError(definition->error(), &info);
    }
    return MakeError(definition->error(), nullptr);
  }
  return Status();
}

}  // namespace connectrpc::conformance
