// connectrpc::validate on a small annotated API: rule kinds, the buf.validate.Violations detail
// (field paths, rule paths, for_key), the readable message, and unsupported rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "buf/validate/violations.pb.h"
#include "connectrpc/validate/validator.h"
#include "connectrpc/validate/violations.h"
#include "validtest/v1/users.pb.h"

namespace connectrpc::validate {
namespace {

using validtest::v1::CreateUserRequest;

CreateUserRequest ValidUser() {
  CreateUserRequest request;
  request.set_name("ada");
  request.set_email("ada@example.com");
  request.set_age(36);
  request.set_role(validtest::v1::ROLE_ADMIN);
  (*request.mutable_labels())["team"] = "core";
  request.add_addresses()->set_city("London");
  request.add_tags("x1");
  request.add_tags("y2");
  return request;
}

std::vector<std::string> RuleIds(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> ids;
  for (const auto& v : violations) ids.push_back(v.field + " " + v.rule_id);
  return ids;
}

TEST(ValidateTest, ValidRequestHasNoViolations) {
  EXPECT_TRUE(Validate(ValidUser()).empty());
  EXPECT_TRUE(ValidateToStatus(ValidUser()).ok());
}

TEST(ValidateTest, EveryRuleKindOfTheTestApi) {
  CreateUserRequest request = ValidUser();
  request.set_name("");                                    // string.min_len
  request.set_email("not an address");                     // string.email
  request.set_age(151);                                    // int32.gte_lte
  request.set_role(static_cast<validtest::v1::Role>(7));   // enum.defined_only
  (*request.mutable_labels())["Bad"] = "much too long";    // map key pattern, value max_len
  request.add_addresses()->set_zip("12");                  // required city, zip pattern
  request.add_addresses()->set_city("Paris");              // repeated.max_items (3 > 2)
  request.add_tags("x1");                                  // repeated.unique
  request.add_tags("z");                                   // items string.min_len
  request.set_score(1.5);                                  // double.gt_lt
  const std::vector<std::string> ids = RuleIds(Validate(request));
  const std::vector<std::string> expected = {
      "name string.min_len",
      "email string.email",
      "age int32.gte_lte",
      "role enum.defined_only",
      "labels[\"Bad\"] string.pattern",
      "labels[\"Bad\"] string.max_len",
      "addresses repeated.max_items",
      "addresses[1].city required",
      "addresses[1].zip string.pattern",
      "tags repeated.unique",
      "tags[3] string.min_len",
      "score double.gt_lt",
  };
  EXPECT_EQ(ids, expected);
}

TEST(ValidateTest, ImplicitZeroEnumBreaksNotIn) {
  CreateUserRequest request = ValidUser();
  request.clear_role();
  EXPECT_EQ(RuleIds(Validate(request)), std::vector<std::string>{"role enum.not_in"});
}

TEST(ViolationsTest, DetailCarriesFieldPathsRulePathsAndForKey) {
  CreateUserRequest request = ValidUser();
  (*request.mutable_labels())["Bad"] = "ok";
  request.add_addresses()->set_zip("12345");
  const Status status = ValidateToStatus(request);
  ASSERT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "invalid request: labels[\"Bad\"]: value does not match regex pattern `^[a-z]+$` "
            "(and 1 more)");
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0].type, "buf.validate.Violations");
  buf::validate::Violations violations;
  ASSERT_TRUE(status.details()[0].UnpackTo(&violations));
  ASSERT_EQ(violations.violations_size(), 2);

  const buf::validate::Violation& key = violations.violations(0);
  EXPECT_EQ(key.rule_id(), "string.pattern");
  EXPECT_TRUE(key.for_key());
  ASSERT_EQ(key.field().elements_size(), 1);
  EXPECT_EQ(key.field().elements(0).field_name(), "labels");
  EXPECT_EQ(key.field().elements(0).field_number(), 5);
  EXPECT_EQ(key.field().elements(0).string_key(), "Bad");
  EXPECT_EQ(key.field().elements(0).key_type(),
            google::protobuf::FieldDescriptorProto::TYPE_STRING);
  ASSERT_EQ(key.rule().elements_size(), 2);
  EXPECT_EQ(key.rule().elements(0).field_name(), "string");
  EXPECT_EQ(key.rule().elements(0).field_number(), 14);
  EXPECT_EQ(key.rule().elements(1).field_name(), "pattern");
  EXPECT_EQ(key.rule().elements(1).field_number(), 6);

  const buf::validate::Violation& city = violations.violations(1);
  EXPECT_EQ(city.rule_id(), "required");
  EXPECT_EQ(city.message(), "value is required");
  EXPECT_FALSE(city.for_key());
  ASSERT_EQ(city.field().elements_size(), 2);
  EXPECT_EQ(city.field().elements(0).field_name(), "addresses");
  EXPECT_EQ(city.field().elements(0).index(), 1u);
  EXPECT_EQ(city.field().elements(0).field_type(),
            google::protobuf::FieldDescriptorProto::TYPE_MESSAGE);
  EXPECT_EQ(city.field().elements(1).field_name(), "city");
  EXPECT_EQ(city.field().elements(1).field_number(), 1);
  ASSERT_EQ(city.rule().elements_size(), 1);
  EXPECT_EQ(city.rule().elements(0).field_name(), "required");
}

TEST(ViolationsTest, CombinedRangeIdsPointAtTheirFirstRule) {
  CreateUserRequest request = ValidUser();
  request.set_age(-1);
  buf::validate::Violations violations =
      ToViolationsProto(*CreateUserRequest::descriptor(), Validate(request));
  ASSERT_EQ(violations.violations_size(), 1);
  EXPECT_EQ(violations.violations(0).rule_id(), "int32.gte_lte");
  ASSERT_EQ(violations.violations(0).rule().elements_size(), 2);
  EXPECT_EQ(violations.violations(0).rule().elements(0).field_name(), "int32");
  EXPECT_EQ(violations.violations(0).rule().elements(1).field_name(), "gte");
}

TEST(UnsupportedRulesTest, ListsEveryRuleTheEvaluatorSkips) {
  std::vector<std::string> rules = UnsupportedRules(*validtest::v1::Unsupported::descriptor());
  std::sort(rules.begin(), rules.end());
  const std::vector<std::string> expected = {
      "validtest.v1.Unsupported.address: string.ip",
      "validtest.v1.Unsupported.custom: cel id `custom.rule`",
      "validtest.v1.Unsupported.low: uint32",
      "validtest.v1.Unsupported: cel id `unsupported.order`",
      "validtest.v1.Unsupported: cel_expression `this.low < this.high`",
  };
  EXPECT_EQ(rules, expected);
  EXPECT_TRUE(UnsupportedRules(*CreateUserRequest::descriptor()).empty());
}

TEST(UnsupportedRulesTest, AreSkippedAndCountedAtRunTime) {
  validtest::v1::Unsupported message;
  message.set_low(5);
  message.set_high(1);
  message.set_address("not an ip");
  message.set_custom("x");
  const int64_t before = SkippedRuleCount();
  ValidateStats stats;
  EXPECT_TRUE(Validate(message, {}, &stats).empty());
  EXPECT_EQ(stats.skipped_cel.size(), 3u);  // message cel, cel_expression, field cel
  EXPECT_EQ(stats.skipped_rules,
            (std::vector<std::string>{"validtest.v1.Unsupported.low: uint32",
                                      "validtest.v1.Unsupported.address: string.ip"}));
  EXPECT_EQ(SkippedRuleCount(), before + 5);
}

}  // namespace
}  // namespace connectrpc::validate
