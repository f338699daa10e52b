// Hand-written C++ predicates for the CEL rules of the transcodely.v1 schema, keyed by rule id.
// Internal to the validator.
#ifndef CONNECTRPC_VALIDATE_SRC_CEL_RULES_H_
#define CONNECTRPC_VALIDATE_SRC_CEL_RULES_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace connectrpc::validate::internal {

// `this` of a field-level rule on a scalar field (only the member matching the field's type is
// meaningful; enums and integers use `integer`).
struct CelScalar {
  std::string_view string;
  double number = 0;
  int64_t integer = 0;
  bool boolean = false;
};

using FieldCelFn = bool (*)(const CelScalar& self);
using MessageCelFn = bool (*)(const google::protobuf::Message& self);

struct CelRule {
  std::string_view id;
  std::string_view expression;     // the CEL source the predicate implements
  FieldCelFn field = nullptr;      // set for field-level rules
  MessageCelFn message = nullptr;  // set for message-level rules
};

const std::vector<CelRule>& AllCelRules();
const CelRule* FindCelRule(std::string_view id);

}  // namespace connectrpc::validate::internal

#endif  // CONNECTRPC_VALIDATE_SRC_CEL_RULES_H_
