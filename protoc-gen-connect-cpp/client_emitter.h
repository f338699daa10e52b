// ClientEmitter: the <Service>ClientInterface and the <Service>Client class that implements it,
// whose methods forward to connectrpc::Client.
#ifndef PROTOC_GEN_CONNECT_CPP_CLIENT_EMITTER_H_
#define PROTOC_GEN_CONNECT_CPP_CLIENT_EMITTER_H_

#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {

// The abstract <Service>ClientInterface, for the .connect.h, before the client.
void EmitClientInterface(const ServiceModel& service, Printer& printer);
// The class declaration, for the .connect.h.
void EmitClientClass(const ServiceModel& service, Printer& printer);
// The constructor and method definitions, for the .connect.cc.
void EmitClientDefinitions(const ServiceModel& service, Printer& printer);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_CLIENT_EMITTER_H_
