// FileEmitter: the layout of a .connect.h, .connect.cc and .connect_mock.h: prologue, includes,
// ABI check, namespace, per-service constants, then the client and handler parts in output order.
#ifndef PROTOC_GEN_CONNECT_CPP_FILE_EMITTER_H_
#define PROTOC_GEN_CONNECT_CPP_FILE_EMITTER_H_

#include "model.h"
#include "options.h"
#include "printer.h"

namespace connectrpc::plugin {

void EmitHeader(const FileModel& file, const Options& options, Printer& printer);
void EmitSource(const FileModel& file, const Options& options, Printer& printer);
// The <stem>.connect_mock.h of the mocks=true option.
void EmitMockHeader(const FileModel& file, Printer& printer);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_FILE_EMITTER_H_
