// The SIP message layer on its hot path: parsing a typical INVITE and building a response.
// Global operator new is replaced by a counting one, so each benchmark reports the heap
// allocations it makes per message (the target: parsing allocates only the buffer copy,
// building into a reused buffer allocates nothing).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "sip/message_writer.hpp"
#include "sip/sip_message.hpp"
#include "sip/stream_framer.hpp"
#include "sip/uri.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// GCC flags malloc/free inside replaced global new/delete once they are inlined into callers
// (a false positive of -Wmismatched-new-delete: the pair is consistent by construction).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace dzvin::sip;

// A realistic INVITE from a desk phone through one proxy (~800 bytes).
const std::string kSdp =
    "v=0\r\n"
    "o=- 20079 20079 IN IP4 192.168.1.34\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.34\r\n"
    "t=0 0\r\n"
    "m=audio 11780 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n";
const std::string kInvite =
    "INVITE sip:+380441234567@pbx.example.com;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-524287-1-6d2f0a6f;rport\r\n"
    "Via: SIP/2.0/UDP 192.168.1.34:5060;received=198.51.100.34;branch=z9hG4bK.Xp3kQw9a\r\n"
    "Max-Forwards: 69\r\n"
    "From: \"Olena Kovalenko\" <sip:1001@pbx.example.com>;tag=8f1c2e3d\r\n"
    "To: <sip:+380441234567@pbx.example.com;user=phone>\r\n"
    "Call-ID: 7b9d7c1e-2f6a-4b3c-9d8e-1a2b3c4d5e6f@192.168.1.34\r\n"
    "CSeq: 20 INVITE\r\n"
    "Contact: <sip:1001@192.168.1.34:5060;transport=udp>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r\n"
    "Supported: replaces, timer, 100rel\r\n"
    "User-Agent: Yealink SIP-T46U 108.86.0.20\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: " +
    std::to_string(kSdp.size()) + "\r\n\r\n" + kSdp;

void BM_ParseInvite(benchmark::State& state) {
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    std::string buffer = kInvite;  // the datagram as the transport hands it over
    auto m = parse_message(std::move(buffer));
    benchmark::DoNotOptimize(m);
    if (!m) state.SkipWithError(m.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kInvite.size()));
  state.counters["allocs_per_msg"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before), benchmark::Counter::kAvgIterations);
  state.counters["bytes"] = static_cast<double>(kInvite.size());
}
BENCHMARK(BM_ParseInvite);

// The datagram copy alone, for reference: part of every BM_ParseInvite iteration.
void BM_CopyDatagram(benchmark::State& state) {
  for (auto _ : state) {
    std::string buffer = kInvite;
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CopyDatagram);

void BM_ParseAndValidateInvite(benchmark::State& state) {
  const std::string_view supported[] = {"replaces", "timer", "100rel"};
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    auto m = parse_message(kInvite);
    if (!m || !validate_request(*m, supported)) state.SkipWithError("invalid");
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_msg"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ParseAndValidateInvite);

void BM_BuildResponse(benchmark::State& state) {
  auto request = parse_message(kInvite);
  if (!request) {
    state.SkipWithError(request.error().message.c_str());
    return;
  }
  const ExtraHeader extra[] = {{"Contact", "<sip:pbx.example.com:5060>"}, {"Server", "Dzvin/0.1"}};
  std::string out;  // reused across responses, as the transaction layer does
  out.reserve(2048);
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    build_response(out, *request, {"198.51.100.20", 5060}, 180, {}, "as83kd9bs", extra);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_msg"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before), benchmark::Counter::kAvgIterations);
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_BuildResponse);

void BM_FrameStream(benchmark::State& state) {
  std::string chunk;
  for (int i = 0; i < 16; ++i)
    chunk += kInvite;
  StreamFramer framer;
  std::size_t messages = 0;
  for (auto _ : state) {
    framer.feed(chunk);
    while (true) {
      auto next = framer.next();
      if (!next || !next->has_value()) break;
      ++messages;
      benchmark::DoNotOptimize(next);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}
BENCHMARK(BM_FrameStream);

void BM_ParseUri(benchmark::State& state) {
  const std::string_view text = "sips:alice@atlanta.example.com:5061;transport=tcp;lr?subject=hi";
  for (auto _ : state) {
    auto u = parse_uri(text);
    benchmark::DoNotOptimize(u);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseUri);

}  // namespace
