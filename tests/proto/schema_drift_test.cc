// Schema drift test: compares the compiled Transcodely v1 descriptors (proto/transcodely/v1, as
// linked into this binary) with the public schema JSON, fact by fact and in both directions, and
// proto/buf/validate/validate.proto with the protovalidate subset JSON.
//
// The JSON files live outside the repository (../shared/api); the tests skip when they are
// missing.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "buf/validate/validate.pb.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::google::protobuf::Descriptor;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::EnumDescriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;
using ::google::protobuf::ServiceDescriptor;
using ::google::protobuf::TextFormat;
using ::google::protobuf::util::MessageDifferencer;

constexpr char kSchemaPath[] = TRANSCODELY_SCHEMA_JSON;
constexpr char kSubsetPath[] = PROTOVALIDATE_SUBSET_JSON;
constexpr char kProtoDir[] = TRANSCODELY_PROTO_DIR;
constexpr char kMapStringString[] = "map<string,string>";

// How many facts of each kind were compared, printed at the end of the suite.
std::map<std::string, int>& Counts() {
  static std::map<std::string, int> counts;
  return counts;
}
void Count(const std::string& kind) { ++Counts()[kind]; }

// Prints the counts once all tests have run.
class CountsPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& [kind, count] : Counts()) {
      std::cout << "[ drift    ] compared " << count << " " << kind << "\n";
    }
  }
};
[[maybe_unused]] ::testing::Environment* const kCountsPrinter =
    ::testing::AddGlobalTestEnvironment(new CountsPrinter);

std::optional<json::value> LoadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  json::value value = json::parse(buffer.str(), ec);
  if (ec) {
    ADD_FAILURE() << path << ": invalid JSON: " << ec.message();
    return std::nullopt;
  }
  return value;
}

// Accessors that tolerate absent keys.
std::string Str(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
}
bool Flag(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->as_bool();
}
const json::array& Arr(const json::object& object, std::string_view key) {
  static const json::array kEmpty;
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_array() ? value->as_array() : kEmpty;
}
int Int(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr ? static_cast<int>(value->to_number<std::int64_t>()) : -1;
}

// The schema's spelling of a field's type: a scalar name, a full name, or map<string,string>.
std::string SchemaTypeOf(const FieldDescriptor& field) {
  if (field.is_map()) {
    const Descriptor* entry = field.message_type();
    return "map<" + std::string(entry->map_key()->type_name()) + "," +
           std::string(entry->map_value()->type_name()) + ">";
  }
  switch (field.type()) {
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return field.message_type()->full_name();
    case FieldDescriptor::TYPE_ENUM:
      return field.enum_type()->full_name();
    default:
      return field.type_name();
  }
}

// Parses protovalidate text format into `rules`, failing the test (naming `where`) on errors.
bool ParseRules(const std::string& text, Message* rules, const std::string& where) {
  if (!TextFormat::ParseFromString(text, rules)) {
    ADD_FAILURE() << where << ": schema rules do not parse as " << rules->GetTypeName() << ": "
                  << text;
    return false;
  }
  return true;
}

// Compares a schema rules string (empty = none) with an option extension.
void ExpectRulesEqual(const std::string& schema_text, bool has_extension, const Message& actual,
                      const std::string& where) {
  if (schema_text.empty()) {
    EXPECT_FALSE(has_extension) << where << ": the proto has rules the schema lacks: "
                                << actual.ShortDebugString();
    return;
  }
  Count("rules");
  std::unique_ptr<Message> expected(actual.New());
  if (!ParseRules(schema_text, expected.get(), where)) return;
  EXPECT_TRUE(has_extension) << where << ": the proto lacks the schema's rules: " << schema_text;
  if (MessageDifferencer::Equals(*expected, actual)) return;
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  differencer.Compare(*expected, actual);
  ADD_FAILURE() << where << ": rules differ from the schema:\n"
                << report << "schema: " << expected->ShortDebugString()
                << "\nproto:  " << actual.ShortDebugString();
}

class SchemaDriftTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { schema_ = new std::optional<json::value>(LoadJson(kSchemaPath)); }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }

  void SetUp() override {
    if (!schema_->has_value()) GTEST_SKIP() << "schema JSON not found: " << kSchemaPath;
  }

  static const json::array& Files() { return (*schema_)->as_object().at("files").as_array(); }

  // The compiled file for a schema file entry, or nullptr (with a failure).
  static const FileDescriptor* FindFile(const json::object& file) {
    const std::string name = Str(file, "file");
    const FileDescriptor* descriptor = DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(descriptor, nullptr) << name << ": file missing from the compiled protos";
    return descriptor;
  }

  static std::optional<json::value>* schema_;
};

std::optional<json::value>* SchemaDriftTest::schema_ = nullptr;

TEST_F(SchemaDriftTest, FilesPackagesAndImports) {
  std::set<std::string> schema_files;
  for (const json::value& entry : Files()) {
    const json::object& file = entry.as_object();
    const std::string name = Str(file, "file");
    schema_files.insert(name);
    Count("files");
    const FileDescriptor* descriptor = FindFile(file);
    if (descriptor == nullptr) continue;
    EXPECT_EQ(descriptor->package(), Str(file, "package")) << name << ": package";
    EXPECT_EQ(descriptor->syntax(), FileDescriptor::SYNTAX_PROTO3) << name << ": syntax";
    std::vector<std::string> imports;
    for (int i = 0; i < descriptor->dependency_count(); ++i) {
      imports.push_back(descriptor->dependency(i)->name());
    }
    std::vector<std::string> expected;
    for (const json::value& import : Arr(file, "imports")) {
      expected.emplace_back(import.as_string());
    }
    EXPECT_EQ(imports, expected) << name << ": imports";
  }
  // Reverse: no .proto under proto/transcodely/v1 that the schema lacks.
  const fs::path root(kProtoDir);
  for (const auto& entry : fs::recursive_directory_iterator(root / "transcodely")) {
    if (entry.path().extension() != ".proto") continue;
    const std::string name = fs::relative(entry.path(), root).generic_string();
    EXPECT_TRUE(schema_files.count(name)) << name << ": file not in the schema";
  }
}

TEST_F(SchemaDriftTest, Enums) {
  for (const json::value& entry : Files()) {
    const json::object& file = entry.as_object();
    const FileDescriptor* descriptor = FindFile(file);
    if (descriptor == nullptr) continue;
    const json::array& enums = Arr(file, "enums");
    EXPECT_EQ(descriptor->enum_type_count(), static_cast<int>(enums.size()))
        << descriptor->name() << ": number of top-level enums";
    std::set<std::string> names;
    for (const json::value& enum_value : enums) {
      const json::object& schema_enum = enum_value.as_object();
      const std::string name = Str(schema_enum, "name");
      names.insert(name);
      Count("enums");
      const std::string where = descriptor->name() + ": enum " + name;
      const EnumDescriptor* proto_enum = descriptor->FindEnumTypeByName(name);
      if (proto_enum == nullptr) {
        ADD_FAILURE() << where << ": missing";
        continue;
      }
      const json::array& values = Arr(schema_enum, "values");
      EXPECT_EQ(proto_enum->value_count(), static_cast<int>(values.size()))
          << where << ": number of values";
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string value_name(values[i].as_array().at(0).as_string());
        const int number = static_cast<int>(values[i].as_array().at(1).to_number<std::int64_t>());
        Count("enum values");
        const auto* value = proto_enum->FindValueByName(value_name);
        if (value == nullptr) {
          ADD_FAILURE() << where << ": value " << value_name << " missing";
          continue;
        }
        EXPECT_EQ(value->number(), number) << where << ": number of " << value_name;
        EXPECT_EQ(value->index(), static_cast<int>(i)) << where << ": order of " << value_name;
      }
    }
    for (int i = 0; i < descriptor->enum_type_count(); ++i) {
      EXPECT_TRUE(names.count(descriptor->enum_type(i)->name()))
          << descriptor->name() << ": enum " << descriptor->enum_type(i)->name()
          << " is not in the schema";
    }
  }
}

void CheckField(const json::object& field, const FieldDescriptor& proto_field,
                const std::string& where) {
  EXPECT_EQ(proto_field.number(), Int(field, "number")) << where << ": number";
  const std::string type = Str(field, "type");
  EXPECT_EQ(SchemaTypeOf(proto_field), type) << where << ": type";
  if (type == kMapStringString) {
    EXPECT_TRUE(proto_field.is_map()) << where << ": should be a map";
  } else {
    EXPECT_EQ(proto_field.is_repeated(), Flag(field, "repeated")) << where << ": repeated";
  }
  EXPECT_EQ(proto_field.has_optional_keyword(), Flag(field, "optional"))
      << where << ": proto3 optional";
  EXPECT_TRUE(proto_field.real_containing_oneof() == nullptr)
      << where << ": the schema has no oneofs";
  const auto& options = proto_field.options();
  ExpectRulesEqual(Str(field, "rules"), options.HasExtension(buf::validate::field),
                   options.GetExtension(buf::validate::field), where + " (buf.validate.field)");
}

TEST_F(SchemaDriftTest, MessagesFieldsAndRules) {
  for (const json::value& entry : Files()) {
    const json::object& file = entry.as_object();
    const FileDescriptor* descriptor = FindFile(file);
    if (descriptor == nullptr) continue;
    const json::array& messages = Arr(file, "messages");
    EXPECT_EQ(descriptor->message_type_count(), static_cast<int>(messages.size()))
        << descriptor->name() << ": number of top-level messages";
    std::set<std::string> message_names;
    for (const json::value& message_value : messages) {
      const json::object& message = message_value.as_object();
      const std::string name = Str(message, "name");
      message_names.insert(name);
      Count("messages");
      const std::string where = descriptor->name() + ": message " + name;
      const Descriptor* proto_message = descriptor->FindMessageTypeByName(name);
      if (proto_message == nullptr) {
        ADD_FAILURE() << where << ": missing";
        continue;
      }
      // Only map entries may be nested.
      for (int i = 0; i < proto_message->nested_type_count(); ++i) {
        EXPECT_TRUE(proto_message->nested_type(i)->options().map_entry())
            << where << ": unexpected nested type " << proto_message->nested_type(i)->name();
      }
      EXPECT_EQ(proto_message->enum_type_count(), 0) << where << ": unexpected nested enums";
      const auto& options = proto_message->options();
      ExpectRulesEqual(Str(message, "message_rules"), options.HasExtension(buf::validate::message),
                       options.GetExtension(buf::validate::message),
                       where + " (buf.validate.message)");

      const json::array& fields = Arr(message, "fields");
      EXPECT_EQ(proto_message->field_count(), static_cast<int>(fields.size()))
          << where << ": number of fields";
      std::set<std::string> field_names;
      for (const json::value& field_value : fields) {
        const json::object& field = field_value.as_object();
        const std::string field_name = Str(field, "name");
        field_names.insert(field_name);
        Count("fields");
        const std::string field_where = where + ", field " + field_name;
        const FieldDescriptor* proto_field = proto_message->FindFieldByName(field_name);
        if (proto_field == nullptr) {
          ADD_FAILURE() << field_where << ": missing";
          continue;
        }
        CheckField(field, *proto_field, field_where);
      }
      std::vector<std::string> schema_order;
      for (const json::value& field : fields)
        schema_order.push_back(Str(field.as_object(), "name"));
      std::vector<std::string> proto_order;
      for (int i = 0; i < proto_message->field_count(); ++i) {
        proto_order.push_back(proto_message->field(i)->name());
        EXPECT_TRUE(field_names.count(proto_message->field(i)->name()))
            << where << ": field " << proto_message->field(i)->name() << " is not in the schema";
      }
      EXPECT_EQ(proto_order, schema_order) << where << ": field order (source order)";
    }
    for (int i = 0; i < descriptor->message_type_count(); ++i) {
      EXPECT_TRUE(message_names.count(descriptor->message_type(i)->name()))
          << descriptor->name() << ": message " << descriptor->message_type(i)->name()
          << " is not in the schema";
    }
  }
}

TEST_F(SchemaDriftTest, ServicesAndMethods) {
  for (const json::value& entry : Files()) {
    const json::object& file = entry.as_object();
    const FileDescriptor* descriptor = FindFile(file);
    if (descriptor == nullptr) continue;
    const json::array& services = Arr(file, "services");
    EXPECT_EQ(descriptor->service_count(), static_cast<int>(services.size()))
        << descriptor->name() << ": number of services";
    std::set<std::string> service_names;
    for (const json::value& service_value : services) {
      const json::object& service = service_value.as_object();
      const std::string name = Str(service, "name");
      service_names.insert(name);
      Count("services");
      const std::string where = descriptor->name() + ": service " + name;
      const ServiceDescriptor* proto_service = descriptor->FindServiceByName(name);
      if (proto_service == nullptr) {
        ADD_FAILURE() << where << ": missing";
        continue;
      }
      const json::array& methods = Arr(service, "methods");
      EXPECT_EQ(proto_service->method_count(), static_cast<int>(methods.size()))
          << where << ": number of methods";
      std::set<std::string> method_names;
      for (std::size_t i = 0; i < methods.size(); ++i) {
        const json::object& method = methods[i].as_object();
        const std::string method_name = Str(method, "name");
        method_names.insert(method_name);
        Count("methods");
        const std::string method_where = where + ", rpc " + method_name;
        const MethodDescriptor* proto_method = proto_service->FindMethodByName(method_name);
        if (proto_method == nullptr) {
          ADD_FAILURE() << method_where << ": missing";
          continue;
        }
        EXPECT_EQ(proto_method->index(), static_cast<int>(i)) << method_where << ": order";
        EXPECT_EQ(proto_method->input_type()->full_name(), Str(method, "input"))
            << method_where << ": input type";
        EXPECT_EQ(proto_method->output_type()->full_name(), Str(method, "output"))
            << method_where << ": output type";
        EXPECT_EQ(proto_method->server_streaming(), Flag(method, "server_streaming"))
            << method_where << ": server streaming";
        EXPECT_FALSE(proto_method->client_streaming()) << method_where << ": client streaming";
      }
      for (int i = 0; i < proto_service->method_count(); ++i) {
        EXPECT_TRUE(method_names.count(proto_service->method(i)->name()))
            << where << ": rpc " << proto_service->method(i)->name() << " is not in the schema";
      }
    }
    for (int i = 0; i < descriptor->service_count(); ++i) {
      EXPECT_TRUE(service_names.count(descriptor->service(i)->name()))
          << descriptor->name() << ": service " << descriptor->service(i)->name()
          << " is not in the schema";
    }
  }
}

// validate.proto against protovalidate-subset.json.
class ValidateSubsetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    subset_ = LoadJson(kSubsetPath);
    if (!subset_.has_value()) GTEST_SKIP() << "subset JSON not found: " << kSubsetPath;
    file_ = buf::validate::FieldRules::descriptor()->file();
  }

  const json::object& Subset() const { return subset_->as_object(); }

  std::optional<json::value> subset_;
  const FileDescriptor* file_ = nullptr;
};

TEST_F(ValidateSubsetTest, FileAndExtensions) {
  EXPECT_EQ(file_->name(), "buf/validate/validate.proto");
  EXPECT_EQ(file_->package(), Str(Subset(), "package"));
  EXPECT_EQ(file_->syntax(), Str(Subset(), "syntax") == "proto2" ? FileDescriptor::SYNTAX_PROTO2
                                                                 : FileDescriptor::SYNTAX_PROTO3);
  const json::array& extensions = Arr(Subset(), "extensions");
  EXPECT_EQ(file_->extension_count(), static_cast<int>(extensions.size()))
      << "number of extensions";
  for (const json::value& value : extensions) {
    const json::object& extension = value.as_object();
    const std::string extendee = Str(extension, "extendee");
    const std::string where = "extension " + Str(extension, "name") + " of " + extendee;
    Count("subset extensions");
    const FieldDescriptor* found = nullptr;
    for (int i = 0; i < file_->extension_count(); ++i) {
      const FieldDescriptor* candidate = file_->extension(i);
      if (candidate->name() == Str(extension, "name") &&
          candidate->containing_type()->full_name() == extendee) {
        found = candidate;
      }
    }
    if (found == nullptr) {
      ADD_FAILURE() << where << ": missing";
      continue;
    }
    EXPECT_EQ(found->number(), Int(extension, "number")) << where << ": number";
    EXPECT_EQ(SchemaTypeOf(*found), Str(extension, "type")) << where << ": type";
    EXPECT_FALSE(found->is_repeated()) << where << ": label";
  }
}

TEST_F(ValidateSubsetTest, MessagesAndEnums) {
  std::set<std::string> listed;
  for (const json::value& value : Arr(Subset(), "messages")) {
    const json::object& message = value.as_object();
    const std::string name = Str(message, "name");
    listed.insert(name);
    Count("subset messages");
    const std::string where = "buf.validate." + name;
    const Descriptor* descriptor = file_->FindMessageTypeByName(name);
    if (descriptor == nullptr) {
      ADD_FAILURE() << where << ": missing";
      continue;
    }
    const json::array& fields = Arr(message, "fields");
    EXPECT_EQ(descriptor->field_count(), static_cast<int>(fields.size()))
        << where << ": number of fields";
    for (const json::value& field_value : fields) {
      const json::object& field = field_value.as_object();
      const std::string field_name = Str(field, "name");
      const std::string field_where = where + "." + field_name;
      Count("subset fields");
      const FieldDescriptor* proto_field = descriptor->FindFieldByName(field_name);
      if (proto_field == nullptr) {
        ADD_FAILURE() << field_where << ": missing";
        continue;
      }
      EXPECT_EQ(proto_field->number(), Int(field, "number")) << field_where << ": number";
      EXPECT_EQ(SchemaTypeOf(*proto_field), Str(field, "type")) << field_where << ": type";
      const std::string label = Str(field, "label");
      EXPECT_EQ(proto_field->is_repeated(), label == "repeated") << field_where << ": label";
      EXPECT_EQ(proto_field->is_required(), label == "required") << field_where << ": label";
      const std::string oneof = Str(field, "oneof");
      const auto* proto_oneof = proto_field->real_containing_oneof();
      EXPECT_EQ(proto_oneof != nullptr ? proto_oneof->name() : "", oneof)
          << field_where << ": oneof";
    }
  }
  // Other messages may only be empty placeholders for types the subset mentions.
  std::set<std::string> referenced;
  auto reference = [&](const json::array& entries) {
    for (const json::value& value : entries) {
      for (const json::value& field : Arr(value.as_object(), "fields")) {
        referenced.insert(Str(field.as_object(), "type"));
      }
      referenced.insert(Str(value.as_object(), "type"));
    }
  };
  reference(Arr(Subset(), "messages"));
  reference(Arr(Subset(), "extensions"));
  for (int i = 0; i < file_->message_type_count(); ++i) {
    const Descriptor* descriptor = file_->message_type(i);
    if (listed.count(descriptor->name())) continue;
    EXPECT_TRUE(referenced.count(descriptor->full_name()))
        << descriptor->full_name() << ": not in the subset and not referenced by it";
    EXPECT_EQ(descriptor->field_count(), 0)
        << descriptor->full_name() << ": placeholder messages must stay empty";
  }

  std::set<std::string> listed_enums;
  for (const json::value& value : Arr(Subset(), "enums")) {
    const json::object& schema_enum = value.as_object();
    const std::string name = Str(schema_enum, "name");
    listed_enums.insert(name);
    Count("subset enums");
    const EnumDescriptor* descriptor = file_->FindEnumTypeByName(name);
    if (descriptor == nullptr) {
      ADD_FAILURE() << "buf.validate." << name << ": missing";
      continue;
    }
    const json::array& values = Arr(schema_enum, "values");
    EXPECT_EQ(descriptor->value_count(), static_cast<int>(values.size()))
        << "buf.validate." << name << ": number of values";
    for (const json::value& pair : values) {
      const std::string value_name(pair.as_array().at(0).as_string());
      const auto* proto_value = descriptor->FindValueByName(value_name);
      if (proto_value == nullptr) {
        ADD_FAILURE() << "buf.validate." << name << "." << value_name << ": missing";
        continue;
      }
      EXPECT_EQ(proto_value->number(), pair.as_array().at(1).to_number<std::int64_t>())
          << "buf.validate." << name << "." << value_name << ": number";
    }
  }
  for (int i = 0; i < file_->enum_type_count(); ++i) {
    const EnumDescriptor* descriptor = file_->enum_type(i);
    EXPECT_TRUE(listed_enums.count(descriptor->name()) || referenced.count(descriptor->full_name()))
        << descriptor->full_name() << ": not in the subset and not referenced by it";
  }
}

}  // namespace
