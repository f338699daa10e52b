#include "generator.h"

#include <memory>
#include <string>

#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/zero_copy_stream.h>

#include "file_emitter.h"
#include "model.h"
#include "options.h"
#include "printer.h"

namespace connectrpc::plugin {

bool ConnectCppGenerator::Generate(const google::protobuf::FileDescriptor* file,
                                   const std::string& parameter,
                                   google::protobuf::compiler::GeneratorContext* context,
                                   std::string* error) const {
  Options options;
  if (!ParseOptions(parameter, &options, error)) return false;
  // Files without services need nothing beyond protoc's own .pb.h.
  if (file->service_count() == 0) return true;

  const FileModel model = BuildFileModel(file);
  {
    std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> output(
        context->Open(model.header_path));
    Printer printer(output.get());
    EmitHeader(model, options, printer);
  }
  {
    std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> output(
        context->Open(model.source_path));
    Printer printer(output.get());
    EmitSource(model, options, printer);
  }
  if (options.mocks) {
    std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> output(
        context->Open(model.mock_header_path));
    Printer printer(output.get());
    EmitMockHeader(model, printer);
  }
  return true;
}

}  // namespace connectrpc::plugin
