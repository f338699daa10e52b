// Status: the outcome of an RPC — a Code, a message, typed error details and error metadata.
//
//   connectrpc::Status status(connectrpc::Code::kNotFound, "no such job");
//   status.AddDetail(error_info);           // any protobuf message
//   if (!status.ok()) LOG(status.ToString());
#ifndef CONNECTRPC_STATUS_H_
#define CONNECTRPC_STATUS_H_

#include <google/protobuf/message.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectrpc/code.h"
#include "connectrpc/headers.h"

namespace connectrpc {

// One error detail: a protobuf message identified by its full type name (no
// "type.googleapis.com/" prefix) and its binary encoding.
struct ErrorDetail {
  std::string type;   // e.g. "google.rpc.RetryInfo"
  std::string value;  // binary protobuf
  // Optional JSON rendering of the message for humans ("debug" on the wire); readers must not
  // depend on it. Written verbatim, so it must be a valid JSON value.
  std::string debug_json;
  // Unpacks into `message` if the type names match.
  bool UnpackTo(google::protobuf::Message* message) const;
  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

// [[nodiscard]]: a function returning a Status reports an error that must be handled. Where
// ignoring one is right, say so with a (void) cast and a comment.
class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  const std::vector<ErrorDetail>& details() const { return details_; }
  std::vector<ErrorDetail>& mutable_details() { return details_; }
  // Appends `detail` packed with its full type name.
  Status& AddDetail(const google::protobuf::Message& detail);
  Status& AddDetail(ErrorDetail detail);

  // Metadata that came with (or should go with) an error: on the client the response headers
  // and trailers of the failed call, on the server extra headers for the error response.
  const Headers& metadata() const { return metadata_; }
  Headers& mutable_metadata() { return metadata_; }

  // "not_found: no such job".
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<ErrorDetail> details_;
  Headers metadata_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_STATUS_H_
