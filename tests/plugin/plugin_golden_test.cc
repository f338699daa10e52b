// Golden tests for protoc-gen-connect-cpp: runs the generator in-process on tests/plugin/protos
// and compares its output byte for byte with tests/plugin/golden.
//
//   CONNECT_CPP_UPDATE_GOLDENS=1 ./plugin_golden_test   # rewrite the goldens
#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "generator.h"
#include "options.h"

namespace connectrpc::plugin {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::compiler::DiskSourceTree;
using ::google::protobuf::compiler::GeneratorContext;
using ::google::protobuf::compiler::Importer;
using ::google::protobuf::compiler::MultiFileErrorCollector;

class CollectErrors : public MultiFileErrorCollector {
 public:
  void AddError(const std::string& filename, int line, int column,
                const std::string& message) override {
    errors += filename + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
              message + "\n";
  }
  std::string errors;
};

class MemoryContext : public GeneratorContext {
 public:
  google::protobuf::io::ZeroCopyOutputStream* Open(const std::string& filename) override {
    return new google::protobuf::io::StringOutputStream(&files[filename]);
  }
  std::map<std::string, std::string> files;
};

struct Output {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> files;
};

Output Generate(const std::string& proto, const std::string& parameter) {
  DiskSourceTree tree;
  tree.MapPath("", CONNECT_CPP_TEST_PROTO_DIR);
  tree.MapPath("", CONNECT_CPP_PROTOBUF_INCLUDE_DIR);
  CollectErrors errors;
  Importer importer(&tree, &errors);
  const FileDescriptor* file = importer.Import(proto);
  Output out;
  if (file == nullptr) {
    out.error = errors.errors;
    return out;
  }
  MemoryContext context;
  ConnectCppGenerator generator;
  out.ok = generator.Generate(file, parameter, &context, &out.error);
  out.files = std::move(context.files);
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool UpdateMode() {
  const char* update = std::getenv("CONNECT_CPP_UPDATE_GOLDENS");
  return update != nullptr && std::string(update) == "1";
}

struct GoldenCase {
  std::string proto;
  std::string parameter;
  std::string golden_root;  // under tests/plugin/golden
};

std::string CaseName(const testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.golden_root + "_" + info.param.proto;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class GoldenTest : public testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesGolden) {
  const GoldenCase& c = GetParam();
  Output out = Generate(c.proto, c.parameter);
  ASSERT_TRUE(out.ok) << out.error;
  const fs::path root = fs::path(CONNECT_CPP_GOLDEN_DIR) / c.golden_root;
  const std::string stem = c.proto.substr(0, c.proto.size() - std::string(".proto").size());
  for (const char* suffix : {".connect.h", ".connect.cc", ".connect_mock.h"}) {
    const fs::path golden = root / (stem + suffix);
    auto it = out.files.find(stem + suffix);
    if (UpdateMode()) {
      if (it == out.files.end()) {
        fs::remove(golden);
      } else {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << it->second;
      }
      continue;
    }
    if (it == out.files.end()) {
      EXPECT_FALSE(fs::exists(golden)) << golden << " exists but nothing was generated";
      continue;
    }
    ASSERT_TRUE(fs::exists(golden))
        << golden << " is missing; run with CONNECT_CPP_UPDATE_GOLDENS=1 to create it";
    EXPECT_EQ(ReadFile(golden), it->second)
        << stem + suffix << " differs from " << golden
        << "; run with CONNECT_CPP_UPDATE_GOLDENS=1 to update the goldens";
  }
  for (const auto& [name, content] : out.files) {
    EXPECT_TRUE(name == stem + ".connect.h" || name == stem + ".connect.cc" ||
                name == stem + ".connect_mock.h")
        << "unexpected output " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Protos, GoldenTest,
    testing::Values(GoldenCase{"streams/v1/streams.proto", "", "default"},
                    GoldenCase{"comments/v1/comments.proto", "", "default"},
                    GoldenCase{"keywords/v1/keywords.proto", "", "default"},
                    GoldenCase{"nested/a/b/c/v1/nested.proto", "", "default"},
                    GoldenCase{"imports/v1/types.proto", "", "default"},
                    GoldenCase{"imports/v1/service.proto", "", "default"},
                    GoldenCase{"method_options/v1/method_options.proto", "", "default"},
                    GoldenCase{"services/v1/services.proto", "", "default"},
                    GoldenCase{"long_names/v1/long_names.proto", "", "default"},
                    GoldenCase{"no_package.proto", "", "default"},
                    GoldenCase{"streams/v1/streams.proto", "server=false", "client_only"},
                    GoldenCase{"streams/v1/streams.proto", "client=false", "server_only"},
                    // mocks=true: the same .connect.h/.cc as by default, plus .connect_mock.h.
                    GoldenCase{"streams/v1/streams.proto", "mocks=true", "mocks"},
                    GoldenCase{"method_options/v1/method_options.proto", "mocks=true", "mocks"},
                    GoldenCase{"services/v1/services.proto", "mocks=true", "mocks"},
                    GoldenCase{"long_names/v1/long_names.proto", "mocks=true", "mocks"},
                    GoldenCase{"keywords/v1/keywords.proto", "mocks=true", "mocks"},
                    GoldenCase{"no_package.proto", "mocks=true", "mocks"},
                    GoldenCase{"streams/v1/streams.proto", "server=false,mocks=true",
                               "client_only_mocks"}),
    CaseName);

TEST(GeneratorTest, FileWithoutServicesHasNoOutput) {
  Output out = Generate("imports/v1/types.proto", "");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_TRUE(out.files.empty());
}

TEST(GeneratorTest, UnknownParameterIsAnErrorNamingIt) {
  Output out = Generate("streams/v1/streams.proto", "client=true,paths=source_relative");
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("\"paths\""), std::string::npos) << out.error;
  EXPECT_TRUE(out.files.empty());
}

TEST(GeneratorTest, BadParameterValueIsAnError) {
  Output out = Generate("streams/v1/streams.proto", "server=maybe");
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("server"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("maybe"), std::string::npos) << out.error;
}

TEST(GeneratorTest, MocksWithoutClientIsAnError) {
  Output out = Generate("streams/v1/streams.proto", "client=false,mocks=true");
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("mocks"), std::string::npos) << out.error;
  EXPECT_TRUE(out.files.empty());
}

TEST(GeneratorTest, MocksLeaveTheClientAndHandlersUnchanged) {
  Output plain = Generate("streams/v1/streams.proto", "");
  Output mocks = Generate("streams/v1/streams.proto", "mocks=true");
  ASSERT_TRUE(plain.ok && mocks.ok);
  EXPECT_EQ(plain.files.size() + 1, mocks.files.size());
  for (const auto& [name, content] : plain.files) EXPECT_EQ(mocks.files[name], content) << name;
}

TEST(GeneratorTest, IsDeterministic) {
  for (const char* proto :
       {"streams/v1/streams.proto", "comments/v1/comments.proto", "imports/v1/service.proto"}) {
    Output first = Generate(proto, "");
    Output second = Generate(proto, "");
    ASSERT_TRUE(first.ok && second.ok);
    EXPECT_EQ(first.files, second.files) << proto;
  }
}

TEST(OptionsTest, Parses) {
  Options options;
  std::string error;
  ASSERT_TRUE(ParseOptions("", &options, &error));
  EXPECT_TRUE(options.client);
  EXPECT_TRUE(options.server);
  EXPECT_FALSE(options.mocks);
  ASSERT_TRUE(ParseOptions("mocks=true", &options, &error)) << error;
  EXPECT_TRUE(options.mocks);
  ASSERT_TRUE(ParseOptions("client=false, server=true", &options, &error)) << error;
  EXPECT_FALSE(options.client);
  EXPECT_TRUE(options.server);
  EXPECT_FALSE(ParseOptions("client=false,client=true", &options, &error));
  EXPECT_NE(error.find("client"), std::string::npos);
  EXPECT_FALSE(ParseOptions("server", &options, &error));
  EXPECT_NE(error.find("server"), std::string::npos);
  EXPECT_FALSE(ParseOptions("lite=true", &options, &error));
  EXPECT_NE(error.find("\"lite\""), std::string::npos);
}

}  // namespace
}  // namespace connectrpc::plugin
