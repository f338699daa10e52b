// The error a failed validation becomes: Code::kInvalidArgument, a readable message naming the
// first violation, and a buf.validate.Violations error detail (protovalidate's own message,
// type URL type.googleapis.com/buf.validate.Violations) with one Violation per rule broken:
// the field path (names, numbers, types, list indexes and map keys), the rule's path inside
// buf.validate.FieldRules when it has one, the rule id, the message and for_key.
#ifndef CONNECTRPC_VALIDATE_VIOLATIONS_H_
#define CONNECTRPC_VALIDATE_VIOLATIONS_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "buf/validate/violations.pb.h"
#include "connectrpc/status.h"
#include "connectrpc/validate/validator.h"

namespace connectrpc::validate {

// "invalid request: outputs[0].codec: value is required (and 2 more)"; `violations` must not be
// empty.
std::string ViolationsMessage(const std::vector<FieldViolation>& violations);

// The violations of a message of type `root` as protovalidate's detail message.
buf::validate::Violations ToViolationsProto(const google::protobuf::Descriptor& root,
                                            const std::vector<FieldViolation>& violations);

// OK if `violations` is empty; else kInvalidArgument with ViolationsMessage() and the
// buf.validate.Violations detail.
Status ViolationsStatus(const google::protobuf::Descriptor& root,
                        const std::vector<FieldViolation>& violations);

// Validate() and ViolationsStatus() in one.
Status ValidateToStatus(const google::protobuf::Message& message,
                        const ValidateOptions& options = {});

}  // namespace connectrpc::validate

#endif  // CONNECTRPC_VALIDATE_VIOLATIONS_H_
