// Micro-benchmarks for the protocol hot paths: envelopes, codecs, error JSON.
#include <benchmark/benchmark.h>
#include <google/protobuf/wrappers.pb.h>

#include <string>

#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/envelope.h"
#include "connectrpc/protocol_connect.h"
#include "connectrpc/status.h"
#include "greet/v1/greet.pb.h"

namespace {

void BM_EnvelopeRoundTrip(benchmark::State& state) {
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  std::string wire;
  connectrpc::Envelope frame;
  for (auto _ : state) {
    wire.clear();
    connectrpc::AppendEnvelope(0, payload, &wire);
    connectrpc::EnvelopeReader reader(0);
    reader.Feed(wire);
    benchmark::DoNotOptimize(reader.Next(&frame));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EnvelopeRoundTrip)->Arg(16)->Arg(1024)->Arg(64 << 10);

void BM_Codec(benchmark::State& state, const connectrpc::Codec* codec) {
  google::protobuf::StringValue message;
  message.set_value(std::string(static_cast<size_t>(state.range(0)), 'y'));
  std::string bytes;
  google::protobuf::StringValue parsed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec->Marshal(message, &bytes));
    benchmark::DoNotOptimize(codec->Unmarshal(bytes, &parsed));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(BM_Codec, proto, &connectrpc::ProtoCodec())->Arg(16)->Arg(1024)->Arg(64 << 10);
BENCHMARK_CAPTURE(BM_Codec, json, &connectrpc::JsonCodec())->Arg(16)->Arg(1024)->Arg(64 << 10);

// A small generated message (StringValue above takes the JSON codec's json_util fallback; this one
// its fast path).
void BM_CodecGreet(benchmark::State& state, const connectrpc::Codec* codec) {
  greet::v1::GreetRequest message;
  message.set_name(std::string(static_cast<size_t>(state.range(0)), 'y'));
  std::string bytes;
  greet::v1::GreetRequest parsed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec->Marshal(message, &bytes));
    benchmark::DoNotOptimize(codec->Unmarshal(bytes, &parsed));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(BM_CodecGreet, proto, &connectrpc::ProtoCodec())->Arg(16)->Arg(1024);
BENCHMARK_CAPTURE(BM_CodecGreet, json, &connectrpc::JsonCodec())->Arg(16)->Arg(1024);

void BM_Gzip(benchmark::State& state) {
  std::string payload;
  for (int i = 0; payload.size() < static_cast<size_t>(state.range(0)); ++i) {
    payload += "message " + std::to_string(i) + " ";
  }
  const connectrpc::Compressor* gzip = connectrpc::FindCompressor("gzip");
  std::string packed;
  std::string plain;
  for (auto _ : state) {
    benchmark::DoNotOptimize(gzip->Compress(payload, &packed));
    benchmark::DoNotOptimize(gzip->Decompress(packed, &plain, 0));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}
BENCHMARK(BM_Gzip)->Arg(1024)->Arg(64 << 10);

void BM_ErrorJson(benchmark::State& state) {
  connectrpc::Status status(connectrpc::Code::kInvalidArgument, "field \"name\" is required");
  google::protobuf::StringValue detail;
  detail.set_value("details travel as base64");
  status.AddDetail(detail);
  for (auto _ : state) {
    std::string json = connectrpc::protocol::ErrorToJson(status);
    benchmark::DoNotOptimize(connectrpc::protocol::ErrorFromJson(json, 400));
  }
}
BENCHMARK(BM_ErrorJson);

}  // namespace

BENCHMARK_MAIN();
