// The connect-go peers of bench/peers/run. bench/peers/run copies this module into the build
// tree and generates benchpeers/gen/greet/v1 there from examples/proto/greet/v1/greet.proto.
module benchpeers

go 1.24.0

require (
	connectrpc.com/connect v1.19.1
	google.golang.org/protobuf v1.36.10
)
