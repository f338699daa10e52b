// HandlerEmitter: the <Service>Handler class that servers implement, and
// Register<Service>Handler, which routes each procedure to it through connectrpc::Server.
#ifndef PROTOC_GEN_CONNECT_CPP_HANDLER_EMITTER_H_
#define PROTOC_GEN_CONNECT_CPP_HANDLER_EMITTER_H_

#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {

// The handler class and the Register function's declaration, for the .connect.h.
void EmitHandlerClass(const ServiceModel& service, Printer& printer);
void EmitRegisterDeclaration(const ServiceModel& service, Printer& printer);
// The default (kUnimplemented) method bodies and the Register function, for the .connect.cc.
void EmitHandlerDefinitions(const ServiceModel& service, Printer& printer);
void EmitRegisterDefinition(const ServiceModel& service, Printer& printer);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_HANDLER_EMITTER_H_
