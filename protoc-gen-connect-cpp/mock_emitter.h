// MockEmitter: the gMock Mock<Service>Client class of the mocks=true option, which implements
// <Service>ClientInterface with a MOCK_METHOD per virtual method.
#ifndef PROTOC_GEN_CONNECT_CPP_MOCK_EMITTER_H_
#define PROTOC_GEN_CONNECT_CPP_MOCK_EMITTER_H_

#include "model.h"
#include "printer.h"

namespace connectrpc::plugin {

// The class, for the .connect_mock.h.
void EmitMockClass(const ServiceModel& service, Printer& printer);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_MOCK_EMITTER_H_
