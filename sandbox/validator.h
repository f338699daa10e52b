// A protovalidate ("buf.validate") rule evaluator for the transcodely.v1 messages.
//
// Reads each field's `(buf.validate.field)` and each message's `(buf.validate.message)` options
// through reflection and checks a message against them, recursing into set message fields,
// repeated messages and message map values. It implements the rule kinds of the
// buf.validate subset in proto/buf/validate/validate.proto:
//
//   * FieldRules: required, ignore (IGNORE_IF_ZERO_VALUE, IGNORE_ALWAYS), cel (by id).
//   * string: const, len, min_len, max_len, len_bytes, min_bytes, max_bytes, pattern (RE2
//     subset, see validator_regex.h), prefix, suffix, contains, not_contains, in, not_in, email,
//     hostname, uri, uuid.
//   * int32 / int64 / double: const, lt, lte, gt, gte (with protovalidate's combined and
//     exclusive ranges), in, not_in, finite (double).
//   * enum: const, defined_only, in, not_in.
//   * repeated: min_items, max_items, unique, items. map: min_pairs, max_pairs, keys, values.
//
// Presence follows protovalidate: rules of an unset proto3 `optional` field or an unset message
// field are skipped; implicit-presence scalars are always checked unless `ignore:
// IGNORE_IF_ZERO_VALUE` (or ValidateOptions::ignore_if_zero) applies. A failed `required` is the
// field's only violation.
//
// CEL cannot be evaluated in general: every CEL rule id used by the transcodely.v1 schema has a
// hand-written C++ predicate (CelRuleIds()). A rule with an unknown id, or a bare
// `cel_expression`, is skipped and counted in ValidateStats.
#ifndef CONNECTRPC_SANDBOX_VALIDATOR_H_
#define CONNECTRPC_SANDBOX_VALIDATOR_H_

#include <google/protobuf/message.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

struct FieldViolation {
  // Path from the validated message, e.g. "outputs[0].video[1].codec" or "metadata[\"key\"]";
  // empty for a message-level rule of the top-level message.
  std::string field;
  // The rule's `message` when it has one, else text such as
  // "value length must be at most 2048 characters".
  std::string description;
  // protovalidate's rule id: "string.max_len", "required", "enum.defined_only",
  // "int32.gte_lte", or a CEL rule's id such as "create_job.input_source".
  std::string rule_id;

  bool operator==(const FieldViolation&) const = default;
};

struct ValidateOptions {
  // Full field names (e.g. "transcodely.v1.ListVideosRequest.page_size") whose rules,
  // `required` included, are skipped when the field is unset or holds its zero value, as if
  // annotated IGNORE_IF_ZERO_VALUE: for server quirks such as page_size = 0 from every SDK
  // (wire §6) or CreateAPIKeyRequest.environment, which the official SDKs never send (§9).
  std::set<std::string, std::less<>> ignore_if_zero;
};

struct ValidateStats {
  // CEL rules that were skipped because no C++ predicate implements them: their ids (or the
  // expression, for an id-less `cel_expression`), one entry per skipped evaluation.
  std::vector<std::string> skipped_cel;
  // CEL rules whose id is implemented but whose expression differs from the one the predicate
  // was written for (the predicate still ran): their ids.
  std::vector<std::string> mismatched_cel;
};

// Checks `message` (recursively into set message fields, repeated messages and map values)
// against its buf.validate annotations; returns every violation, message-level rules of a
// message before its fields, fields in declaration order.
std::vector<FieldViolation> Validate(const google::protobuf::Message& message);
std::vector<FieldViolation> Validate(const google::protobuf::Message& message,
                                     const ValidateOptions& options,
                                     ValidateStats* stats = nullptr);

// The CEL rule ids that have a C++ implementation.
std::vector<std::string> CelRuleIds();
// True if `id` has an implementation; if `expression` is not null it also must equal the CEL
// expression the implementation was written for.
bool HasCelRule(std::string_view id, const std::string* expression = nullptr);

// Total CEL rule evaluations skipped (unknown id or id-less expression) since process start.
long long SkippedCelRuleCount();

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_VALIDATOR_H_
