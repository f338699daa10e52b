#include "model.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "names.h"

namespace connectrpc::plugin {
namespace {

using ::google::protobuf::FileDescriptor;
using ::google::protobuf::MethodDescriptor;
using ::google::protobuf::MethodOptions;
using ::google::protobuf::ServiceDescriptor;
using ::google::protobuf::SourceLocation;

// Splits a proto comment into lines, dropping trailing blanks and the final empty line.
void AppendCommentLines(const std::string& text, std::vector<std::string>* lines) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.pop_back();
    }
    out.push_back(line);
    start = end + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  while (!out.empty() && out.front().empty()) out.erase(out.begin());
  if (out.empty()) return;
  if (!lines->empty()) lines->push_back("");
  lines->insert(lines->end(), out.begin(), out.end());
}

template <typename Descriptor>
std::vector<std::string> Comments(const Descriptor* descriptor) {
  std::vector<std::string> lines;
  SourceLocation location;
  if (!descriptor->GetSourceLocation(&location)) return lines;
  AppendCommentLines(location.leading_comments, &lines);
  AppendCommentLines(location.trailing_comments, &lines);
  return lines;
}

StreamKind KindOf(const MethodDescriptor* method) {
  if (method->client_streaming() && method->server_streaming()) return StreamKind::kBidiStream;
  if (method->client_streaming()) return StreamKind::kClientStream;
  if (method->server_streaming()) return StreamKind::kServerStream;
  return StreamKind::kUnary;
}

std::string StreamTypeEnumerator(StreamKind kind) {
  switch (kind) {
    case StreamKind::kUnary:
      return "connectrpc::StreamType::kUnary";
    case StreamKind::kClientStream:
      return "connectrpc::StreamType::kClientStream";
    case StreamKind::kServerStream:
      return "connectrpc::StreamType::kServerStream";
    case StreamKind::kBidiStream:
      return "connectrpc::StreamType::kBidiStream";
  }
  return "";
}

std::string IdempotencyEnumerator(const MethodDescriptor* method) {
  switch (method->options().idempotency_level()) {
    case MethodOptions::NO_SIDE_EFFECTS:
      return "connectrpc::Idempotency::kNoSideEffects";
    case MethodOptions::IDEMPOTENT:
      return "connectrpc::Idempotency::kIdempotent";
    default:
      return "connectrpc::Idempotency::kUnknown";
  }
}

MethodModel BuildMethod(const MethodDescriptor* method) {
  MethodModel m;
  m.function = MethodFunctionName(method);
  m.async_function = AsyncMethodFunctionName(method);
  m.full_name = method->full_name();
  m.procedure = Procedure(method);
  m.procedure_const = ProcedureConstant(method);
  m.method_const = MethodInfoConstant(method);
  m.request = QualifiedMessageType(method->input_type());
  m.response = QualifiedMessageType(method->output_type());
  m.kind = KindOf(method);
  m.stream_type = StreamTypeEnumerator(m.kind);
  m.idempotency = IdempotencyEnumerator(method);
  m.unimplemented = UnimplementedMessage(method);
  m.deprecated = method->options().deprecated();
  m.comments = Comments(method);
  return m;
}

ServiceModel BuildService(const ServiceDescriptor* service) {
  ServiceModel s;
  s.full_name = service->full_name();
  s.name_const = ServiceNameConstant(service);
  s.client_class = ClientClassName(service);
  s.client_interface_class = ClientInterfaceClassName(service);
  s.mock_client_class = MockClientClassName(service);
  s.handler_class = HandlerClassName(service);
  s.async_handler_class = AsyncHandlerClassName(service);
  s.register_func = RegisterFunctionName(service);
  s.comments = Comments(service);
  for (int i = 0; i < service->method_count(); ++i) {
    s.methods.push_back(BuildMethod(service->method(i)));
  }
  return s;
}

}  // namespace

FileModel BuildFileModel(const FileDescriptor* file) {
  FileModel f;
  f.proto_path = file->name();
  f.header_path = ConnectHeaderPath(file);
  f.source_path = ConnectSourcePath(file);
  f.guard = HeaderGuard(f.header_path);
  f.mock_header_path = ConnectMockHeaderPath(file);
  f.mock_guard = HeaderGuard(f.mock_header_path);
  f.cpp_namespace = CppNamespace(file);
  f.pb_headers.push_back(PbHeaderPath(file));
  std::set<std::string> imported;
  for (int i = 0; i < file->service_count(); ++i) {
    const ServiceDescriptor* service = file->service(i);
    f.services.push_back(BuildService(service));
    for (int j = 0; j < service->method_count(); ++j) {
      for (const FileDescriptor* used : {service->method(j)->input_type()->file(),
                                         service->method(j)->output_type()->file()}) {
        if (used != file) imported.insert(PbHeaderPath(used));
      }
    }
  }
  f.pb_headers.insert(f.pb_headers.end(), imported.begin(), imported.end());
  return f;
}

}  // namespace connectrpc::plugin
