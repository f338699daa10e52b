// Every enum value of shared/api/enum-wire-strings.txt against the generated transcodely.v1
// descriptors and the dialect codec: prefix, wire string, both lookups, and a round trip through a
// real message field of the enum's type.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "transcodely/json_dialect.h"

namespace transcodely {
namespace {

namespace json = boost::json;
using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

struct VectorValue {
  std::string name;
  int number = 0;
  std::string wire;
};

struct VectorEnum {
  std::string file;    // "job.proto"
  std::string name;    // "JobStatus"
  std::string prefix;  // "JOB_STATUS_"
  std::vector<VectorValue> values;
};

// Parses the vectors file; false if it does not exist.
bool LoadVectors(std::vector<VectorEnum>* enums) {
  std::ifstream in(TRANSCODELY_ENUM_VECTORS_PATH);
  if (!in) return false;
  const std::regex header(R"(^(\S+\.proto): ([A-Za-z0-9_]+) \[prefix ([A-Z0-9_]+)\]\s*$)");
  const std::regex value(R"(^\s+([A-Z0-9_]+)\((-?[0-9]+)\)->(\S+)\s*$)");
  std::string line;
  std::smatch match;
  while (std::getline(in, line)) {
    if (std::regex_match(line, match, header)) {
      enums->push_back(VectorEnum{match[1], match[2], match[3], {}});
    } else if (std::regex_match(line, match, value)) {
      if (enums->empty()) continue;
      enums->back().values.push_back(VectorValue{match[1], std::stoi(match[2]), match[3]});
    }
  }
  return true;
}

const std::vector<VectorEnum>& Vectors() {
  static const std::vector<VectorEnum>* const vectors = [] {
    auto* loaded = new std::vector<VectorEnum>();
    if (!LoadVectors(loaded)) loaded->clear();
    return loaded;
  }();
  return *vectors;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void CollectEnumFields(const Descriptor& type,
                       std::map<std::string, const FieldDescriptor*>* fields) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->type() != FieldDescriptor::TYPE_ENUM || field->is_map()) continue;
    const std::string& enum_name = field->enum_type()->full_name();
    auto it = fields->find(enum_name);
    // Prefer a singular field; otherwise any (repeated) one.
    if (it == fields->end() || (it->second->is_repeated() && !field->is_repeated())) {
      (*fields)[enum_name] = field;
    }
  }
  for (int i = 0; i < type.nested_type_count(); ++i) {
    const Descriptor& nested = *type.nested_type(i);
    if (!nested.options().map_entry()) CollectEnumFields(nested, fields);
  }
}

class EnumVectorsTest : public testing::Test {
 protected:
  void SetUp() override {
    if (Vectors().empty()) GTEST_SKIP() << "missing " << TRANSCODELY_ENUM_VECTORS_PATH;
  }
};

TEST_F(EnumVectorsTest, FileHasEveryEnum) {
  EXPECT_EQ(Vectors().size(), 50u);
  size_t values = 0;
  for (const VectorEnum& vector : Vectors()) {
    EXPECT_FALSE(vector.values.empty()) << vector.name;
    values += vector.values.size();
  }
  RecordProperty("enums", static_cast<int>(Vectors().size()));
  RecordProperty("values", static_cast<int>(values));
}

TEST_F(EnumVectorsTest, DescriptorsPrefixesAndWireStrings) {
  const DescriptorPool& pool = *DescriptorPool::generated_pool();
  for (const VectorEnum& vector : Vectors()) {
    SCOPED_TRACE(vector.name);
    const EnumDescriptor* type = pool.FindEnumTypeByName("transcodely.v1." + vector.name);
    ASSERT_NE(type, nullptr) << "transcodely.v1." << vector.name << " not in the generated pool";
    EXPECT_EQ(type->file()->name(), "transcodely/v1/" + vector.file);
    EXPECT_EQ(EnumPrefix(type->name()), vector.prefix);
    EXPECT_EQ(type->value_count(), static_cast<int>(vector.values.size()));
    for (const VectorValue& expected : vector.values) {
      SCOPED_TRACE(expected.name);
      const auto* value = type->FindValueByName(expected.name);
      ASSERT_NE(value, nullptr);
      EXPECT_EQ(value->number(), expected.number);
      EXPECT_EQ(EnumWireString(*value), expected.wire);
      EXPECT_EQ(EnumFromWireString(*type, expected.wire), value);
      EXPECT_EQ(EnumFromWireString(*type, Upper(expected.wire)), value);
      EXPECT_EQ(EnumFromWireString(*type, expected.name), value);
      // The lowercased canonical name is not a wire string (the reference drops it).
      EXPECT_EQ(EnumFromWireString(*type, Lower(expected.name)), nullptr);
    }
  }
}

TEST_F(EnumVectorsTest, RoundTripThroughAMessageField) {
  const DescriptorPool& pool = *DescriptorPool::generated_pool();
  std::map<std::string, const FieldDescriptor*> fields;
  std::set<std::string> files;
  for (const VectorEnum& vector : Vectors()) files.insert("transcodely/v1/" + vector.file);
  for (const std::string& name : files) {
    const auto* file = pool.FindFileByName(name);
    ASSERT_NE(file, nullptr) << name;
    for (int i = 0; i < file->message_type_count(); ++i) {
      CollectEnumFields(*file->message_type(i), &fields);
    }
  }
  int checked_enums = 0;
  std::vector<std::string> unused;
  for (const VectorEnum& vector : Vectors()) {
    SCOPED_TRACE(vector.name);
    const auto it = fields.find("transcodely.v1." + vector.name);
    if (it == fields.end()) {
      unused.push_back(vector.name);
      continue;
    }
    ++checked_enums;
    const FieldDescriptor& field = *it->second;
    const Descriptor& owner = *field.containing_type();
    const auto* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(&owner);
    ASSERT_NE(prototype, nullptr) << owner.full_name();
    for (const VectorValue& expected : vector.values) {
      SCOPED_TRACE(field.full_name() + " = " + expected.name);
      std::unique_ptr<google::protobuf::Message> message(prototype->New());
      const auto* reflection = message->GetReflection();
      if (field.is_repeated()) {
        reflection->AddEnumValue(message.get(), &field, expected.number);
      } else {
        reflection->SetEnumValue(message.get(), &field, expected.number);
      }
      std::string text;
      ASSERT_TRUE(DialectCodec().Marshal(*message, &text).ok());
      const json::value encoded = json::parse(text);
      const json::value& at = encoded.at(field.name());
      if (field.is_repeated()) {
        EXPECT_EQ(at, json::array{json::value(expected.wire)}) << text;
      } else {
        EXPECT_EQ(at, json::value(expected.wire)) << text;
      }

      const std::string wire_json =
          field.is_repeated() ? "[\"" + expected.wire + "\"]" : "\"" + expected.wire + "\"";
      const std::string canonical_json =
          field.is_repeated() ? "[\"" + expected.name + "\"]" : "\"" + expected.name + "\"";
      for (const std::string& body : {"{\"" + field.name() + "\":" + wire_json + "}",
                                      "{\"" + field.json_name() + "\":" + wire_json + "}",
                                      "{\"" + field.name() + "\":" + canonical_json + "}", text}) {
        std::unique_ptr<google::protobuf::Message> decoded(prototype->New());
        const connectrpc::Status status = DialectCodec().Unmarshal(body, decoded.get());
        ASSERT_TRUE(status.ok()) << status.ToString() << " for " << body;
        const int number = field.is_repeated()
                               ? (reflection->FieldSize(*decoded, &field) == 1
                                      ? reflection->GetRepeatedEnumValue(*decoded, &field, 0)
                                      : -1)
                               : reflection->GetEnumValue(*decoded, &field);
        EXPECT_EQ(number, expected.number) << body;
      }
    }
  }
  RecordProperty("round_tripped_enums", checked_enums);
  std::string unused_list;
  for (const std::string& name : unused) unused_list += name + " ";
  RecordProperty("enums_without_field", unused_list);
  EXPECT_GE(checked_enums, 40) << "enums without a field: " << unused_list;
}

}  // namespace
}  // namespace transcodely
