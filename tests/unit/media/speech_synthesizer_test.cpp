// Text-to-speech prompts with the real espeak-ng: Ukrainian, Russian and English sentences
// become audible 8 kHz clips of a plausible length; repeated texts come from the memory cache,
// and from the disk cache after a restart; bad requests are refused with a message; requests
// from many threads at once are all answered.
#include "media/speech_synthesizer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../store/temp_dir.hpp"
#include "media/audio_file.hpp"

namespace dzvin::media {
namespace {

using store::testing::TempDir;
using namespace std::chrono_literals;

const std::string kUkrainian = "Наші робочі години з дев'ятої до шостої";
const std::string kRussian = "Здравствуйте! Все операторы сейчас заняты, пожалуйста, подождите.";
const std::string kEnglish = "Thank you for calling. Please hold the line.";

double rms(const AudioClip& clip) {
  double sum = 0;
  for (const auto s : clip.samples) {
    sum += static_cast<double>(s) * s;
  }
  return clip.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(clip.samples.size()));
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files.push_back(entry.path());
  }
  return files;
}

struct Sentence {
  const char* language;
  const std::string* text;
};

class SpeakSentence : public testing::TestWithParam<Sentence> {};

TEST_P(SpeakSentence, IsAudibleAndPlausiblyLong) {
  SpeechSynthesizer speech({});
  const auto clip = speech.synthesize_now(*GetParam().text, GetParam().language);
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_GT(clip->duration(), 1s);
  EXPECT_LT(clip->duration(), 15s);
  EXPECT_GT(rms(*clip), 1000);  // speech, not silence (full scale is 32767)
  EXPECT_EQ(speech.stats().synthesized, 1u);
}

INSTANTIATE_TEST_SUITE_P(SpeechSynthesizer, SpeakSentence,
                         testing::Values(Sentence{"uk", &kUkrainian}, Sentence{"ru", &kRussian},
                                         Sentence{"en", &kEnglish}),
                         [](const testing::TestParamInfo<Sentence>& p) {
                           return std::string(p.param.language);
                         });

TEST(SpeechSynthesizer, SupportsUkrainianRussianAndEnglish) {
  EXPECT_TRUE(SpeechSynthesizer::supports_language("uk"));
  EXPECT_TRUE(SpeechSynthesizer::supports_language("ru"));
  EXPECT_TRUE(SpeechSynthesizer::supports_language("en"));
  EXPECT_FALSE(SpeechSynthesizer::supports_language("de"));
  EXPECT_FALSE(SpeechSynthesizer::supports_language("UK"));
  EXPECT_FALSE(SpeechSynthesizer::supports_language(""));
}

TEST(SpeechSynthesizer, SecondRequestIsAMemoryHitWithTheSameSamples) {
  SpeechSynthesizer speech({});
  const auto first = speech.synthesize_now(kUkrainian, "uk");
  const auto second = speech.synthesize_now(kUkrainian, "uk");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  const auto stats = speech.stats();
  EXPECT_EQ(stats.synthesized, 1u);
  EXPECT_EQ(stats.memory_hits, 1u);
  EXPECT_EQ(stats.disk_hits, 0u);
  EXPECT_GE(stats.memory_bytes, first->samples.size() * 2);
}

TEST(SpeechSynthesizer, TheSameTextInAnotherLanguageIsSpokenAgain) {
  SpeechSynthesizer speech({});
  ASSERT_TRUE(speech.synthesize_now("Алло", "uk"));
  ASSERT_TRUE(speech.synthesize_now("Алло", "ru"));
  EXPECT_EQ(speech.stats().synthesized, 2u);
  EXPECT_EQ(speech.stats().memory_hits, 0u);
}

TEST(SpeechSynthesizer, DiskCacheServesTheNextInstance) {
  const TempDir dir;
  const std::string cache = dir.file("tts");
  AudioClip spoken;
  {
    SpeechSynthesizer speech({.cache_dir = cache});
    auto clip = speech.synthesize_now(kEnglish, "en");
    ASSERT_TRUE(clip) << clip.error().message;
    spoken = std::move(*clip);
  }
  const auto files = files_in(cache);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(std::regex_match(files[0].filename().string(), std::regex("[0-9a-f]{40}\\.wav")))
      << files[0];

  SpeechSynthesizer restarted({.cache_dir = cache});
  const auto clip = restarted.synthesize_now(kEnglish, "en");
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_EQ(*clip, spoken);
  EXPECT_EQ(restarted.stats().disk_hits, 1u);
  EXPECT_EQ(restarted.stats().synthesized, 0u);
  // Then it is in memory too.
  ASSERT_TRUE(restarted.synthesize_now(kEnglish, "en"));
  EXPECT_EQ(restarted.stats().memory_hits, 1u);
}

TEST(SpeechSynthesizer, DamagedCacheFileIsSpokenAndWrittenAgain) {
  const TempDir dir;
  {
    SpeechSynthesizer speech({.cache_dir = dir.path().string()});
    ASSERT_TRUE(speech.synthesize_now(kRussian, "ru"));
  }
  const auto files = files_in(dir.path());
  ASSERT_EQ(files.size(), 1u);
  std::ofstream(files[0], std::ios::trunc) << "not a wav any more";
  std::ofstream(dir.file("left-by-a-crash.wav.tmp")) << "half a file";

  SpeechSynthesizer speech({.cache_dir = dir.path().string()});
  EXPECT_FALSE(std::filesystem::exists(dir.file("left-by-a-crash.wav.tmp")));
  ASSERT_TRUE(speech.synthesize_now(kRussian, "ru"));
  EXPECT_EQ(speech.stats().synthesized, 1u);
  EXPECT_EQ(speech.stats().disk_hits, 0u);
  EXPECT_TRUE(read_audio_file(files[0].string()));
}

TEST(SpeechSynthesizer, LeastRecentlyUsedClipLeavesTheMemoryCache) {
  // Room for about one sentence (~2-4 s at 8 kHz = 32-64 KB).
  SpeechSynthesizer speech({.memory_cache_bytes = 80'000});
  ASSERT_TRUE(speech.synthesize_now(kUkrainian, "uk"));
  ASSERT_TRUE(speech.synthesize_now(kEnglish, "en"));
  EXPECT_LE(speech.stats().memory_bytes, 80'000u);
  ASSERT_TRUE(speech.synthesize_now(kEnglish, "en"));    // still there
  ASSERT_TRUE(speech.synthesize_now(kUkrainian, "uk"));  // evicted: spoken again
  const auto stats = speech.stats();
  EXPECT_EQ(stats.memory_hits, 1u);
  EXPECT_EQ(stats.synthesized, 3u);
  EXPECT_LE(stats.memory_bytes, 80'000u);
}

TEST(SpeechSynthesizer, UnknownLanguageIsRefused) {
  SpeechSynthesizer speech({});
  const auto clip = speech.synthesize_now("Hallo", "xx");
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 400);
  EXPECT_EQ(clip.error().message, "unknown prompt language 'xx' (uk, ru, en)");
}

TEST(SpeechSynthesizer, EmptyTooLongAndMalformedTextsAreRefused) {
  SpeechSynthesizer speech({.max_text_bytes = 100});
  const auto empty = speech.synthesize_now("", "uk");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, 400);
  EXPECT_EQ(empty.error().message, "the prompt text is empty");

  const auto too_long = speech.synthesize_now(std::string(101, 'a'), "en");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, 400);
  EXPECT_EQ(too_long.error().message, "the prompt text is 101 bytes: at most 100 are accepted");
  EXPECT_TRUE(speech.synthesize_now(std::string(50, 'a') + " b", "en"));

  // A lone lead byte, a bad continuation, a surrogate, an overlong '/'.
  for (const std::string& bad : {std::string("\xD0"), std::string("caf\xC3\x28"),
                                 std::string("\xED\xA0\x80"), std::string("\xC0\xAF")}) {
    const auto clip = speech.synthesize_now(bad, "en");
    ASSERT_FALSE(clip);
    EXPECT_EQ(clip.error().code, 400);
    EXPECT_EQ(clip.error().message, "the prompt text is not valid UTF-8");
  }
  const auto nul = speech.synthesize_now(std::string("a\0b", 3), "en");
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().message, "the prompt text holds a NUL character");
  EXPECT_EQ(speech.stats().synthesized, 1u);
}

TEST(SpeechSynthesizer, FiftyRequestsFromSeveralThreadsAreAllAnswered) {
  SpeechSynthesizer speech({});
  const std::vector<std::pair<std::string, std::string>> texts = {{kUkrainian, "uk"},
                                                                  {kRussian, "ru"},
                                                                  {kEnglish, "en"},
                                                                  {"Дякуємо за дзвінок", "uk"},
                                                                  {"Good bye", "en"}};
  std::mutex mutex;
  std::condition_variable answered;
  int ok = 0, failed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 5; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const auto& [text, language] = texts[static_cast<std::size_t>((t + i) % 5)];
        speech.synthesize(text, language, [&](Result<AudioClip> clip) {
          std::lock_guard lock(mutex);
          (clip && !clip->samples.empty() ? ok : failed) += 1;
          answered.notify_one();
        });
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(answered.wait_for(lock, 60s, [&] { return ok + failed == 50; }))
      << ok << " ok, " << failed << " failed";
  EXPECT_EQ(ok, 50);
  EXPECT_EQ(speech.stats().synthesized, 5u);
  EXPECT_EQ(speech.stats().memory_hits, 45u);
}

TEST(SpeechSynthesizer, TwoInstancesAtOnceShareEspeakSafely) {
  SpeechSynthesizer a({});
  SpeechSynthesizer b({});
  std::atomic<int> answered{0};
  for (int i = 0; i < 10; ++i) {
    const std::string text = "Номер " + std::to_string(i);
    a.synthesize(text, "uk", [&](Result<AudioClip> clip) { answered += clip ? 1 : 100; });
    b.synthesize(text, "ru", [&](Result<AudioClip> clip) { answered += clip ? 1 : 100; });
  }
  ASSERT_TRUE(a.synthesize_now("Кінець", "uk"));
  ASSERT_TRUE(b.synthesize_now("Конец", "ru"));
  EXPECT_EQ(answered.load(), 20);  // requests are served in order
}

TEST(SpeechSynthesizer, DestroyingAnswersEveryQueuedRequestOnce) {
  std::atomic<int> answered{0};
  {
    SpeechSynthesizer speech({});
    for (int i = 0; i < 30; ++i) {
      speech.synthesize(kEnglish + " " + std::to_string(i), "en", [&](Result<AudioClip> clip) {
        ++answered;
        if (!clip) {
          EXPECT_EQ(clip.error().code, 503);
        }
      });
    }
  }
  EXPECT_EQ(answered.load(), 30);
}

TEST(SpeechSynthesizer, SynthesizeNowInsideACallbackIsRefusedNotADeadlock) {
  SpeechSynthesizer speech({});
  std::promise<Error> inner;
  speech.synthesize("One", "en", [&](Result<AudioClip>) {
    const auto clip = speech.synthesize_now("Two", "en");
    inner.set_value(clip ? Error{} : clip.error());
  });
  auto future = inner.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(future.get().code, 500);
}

TEST(SpeechSynthesizer, StartUpFailuresThrow) {
  EXPECT_THROW(SpeechSynthesizer({.words_per_minute = 1000}), std::runtime_error);
  const TempDir dir;
  std::ofstream(dir.file("file")) << "x";
  try {
    SpeechSynthesizer speech({.cache_dir = dir.file("file") + "/tts"});
    ADD_FAILURE() << "a cache directory inside a file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create the speech cache directory"),
              std::string::npos)
        << e.what();
  }
}

// espeak-ng loads once per process, so its start-up failure is tested in a fresh one.
TEST(SpeechSynthesizerDeathTest, MissingVoiceDataIsAStartUpError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const TempDir dir;
  std::filesystem::create_directory(dir.path() / "espeak-ng-data");
  EXPECT_EXIT(
      {
        setenv("ESPEAK_DATA_PATH", dir.path().c_str(), 1);
        try {
          SpeechSynthesizer speech({});
        } catch (const std::runtime_error& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(3);
        }
        std::_Exit(0);
      },
      testing::ExitedWithCode(3), "espeak-ng cannot start: .*");
}

}  // namespace
}  // namespace dzvin::media
