// connectrpc::validate: a protovalidate ("buf.validate") rule evaluator without a CEL runtime.
//
// Reads each field's `(buf.validate.field)` and each message's `(buf.validate.message)` options
// through reflection and checks a message against them, recursing into set message fields,
// repeated messages and message map values. interceptors.h turns it into a server interceptor
// and a client interceptor.
//
// Supported rules (every rule kind the Transcodely v1 schema uses):
//
//   * FieldRules: required, ignore (IGNORE_IF_ZERO_VALUE, IGNORE_ALWAYS), cel (by id, see below).
//   * string: const, len, min_len, max_len, len_bytes, min_bytes, max_bytes, pattern (RE2
//     subset: literals, classes, groups, alternation, quantifiers, anchors; linear time),
//     prefix, suffix, contains, not_contains, in, not_in, and the well-known email, hostname,
//     uri, uuid.
//   * int32 / int64 / double: const, lt, lte, gt, gte (with protovalidate's combined and
//     exclusive ranges), in, not_in, finite (double).
//   * enum: const, defined_only, in, not_in.
//   * repeated: min_items, max_items, unique, items. map: min_pairs, max_pairs, keys, values.
//
// Not supported (no CEL runtime, and rule kinds no schema here uses): arbitrary CEL expressions
// (`cel` rules whose id has no built-in C++ predicate, see CelRuleIds(), and every bare
// `cel_expression`); the float, uint32, uint64, sint32, sint64, fixed32, fixed64, sfixed32,
// sfixed64, bool, bytes, any, duration, timestamp and field_mask rule kinds; the string
// well-knowns ip*, address, host_and_port, tuuid, ulid, uri_ref, protobuf_fqn*,
// well_known_regex; oneof rules and MessageRules.oneof; predefined rules.
//
// What happens to an unsupported rule: it is skipped (never a violation) and reported, so a
// caller can refuse it up front or notice it at run time:
//   * UnsupportedRules(descriptor) lists, before any request, every unsupported rule reachable
//     from a message type; ServerValidationOptions::reject_unsupported_rules makes the server
//     interceptor's factory fail with that list.
//   * ValidateStats (optional out-parameter) and SkippedRuleCount() count skips at run time.
//
// Presence follows protovalidate: rules of an unset proto3 `optional` field or an unset message
// field are skipped; implicit-presence scalars are always checked unless `ignore:
// IGNORE_IF_ZERO_VALUE` (or ValidateOptions::ignore_if_zero) applies. A failed `required` is the
// field's only violation.
//
// The built-in CEL predicates are hand-written C++ for the CEL rule ids of the Transcodely v1
// schema (CelRuleIds()); a predicate runs only for a rule with its id.
#ifndef CONNECTRPC_VALIDATE_VALIDATOR_H_
#define CONNECTRPC_VALIDATE_VALIDATOR_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace connectrpc::validate {

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
  // True if the violation is of a map key (`field` then names the entry).
  bool for_key = false;

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
  // Other unsupported rules that were skipped, as "<full field name>: <rule>" (e.g.
  // "pkg.Msg.size: uint32"), one entry per skipped evaluation.
  std::vector<std::string> skipped_rules;
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
int64_t SkippedCelRuleCount();
// Total unsupported-rule evaluations skipped (CEL included) since process start.
int64_t SkippedRuleCount();

// Every unsupported rule reachable from `descriptor` (through message fields, repeated and map
// values), as "<full field or message name>: <rule>", e.g.
// "pkg.Msg.size: uint32", "pkg.Msg: cel_expression `this.a < this.b`", "pkg.Msg.x: cel id
// `my.rule`". Empty when every rule is evaluated.
std::vector<std::string> UnsupportedRules(const google::protobuf::Descriptor& descriptor);

}  // namespace connectrpc::validate

#endif  // CONNECTRPC_VALIDATE_VALIDATOR_H_
