#pragma once
// A fixed-capacity list of extra response headers whose values live in one reused buffer:
// the registrar fills one per REGISTER without allocating once the buffer has grown to its
// working size. Hand extra() to TransactionLayer::respond / build_response.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sip/message_writer.hpp"

namespace dzvin::sip {

class ResponseHeaders {
 public:
  static constexpr std::size_t kCapacity = 24;

  ResponseHeaders() { buffer_.reserve(1024); }

  void clear() {
    buffer_.clear();
    count_ = 0;
  }
  // `name` must outlive the list (a literal or a canonical_name()). False when full.
  bool add(std::string_view name, std::string_view value) {
    if (!begin(name)) return false;
    buffer_.append(value);
    commit();
    return true;
  }
  bool add(std::string_view name, std::uint64_t value) {
    if (!begin(name)) return false;
    append_number(value);
    commit();
    return true;
  }

  // Builds a value piecewise: begin(name), append...(), commit().
  bool begin(std::string_view name) {
    if (count_ == kCapacity) return false;
    slots_[count_] = Slot{name, buffer_.size(), 0};
    open_ = true;
    return true;
  }
  void append(std::string_view text) { buffer_.append(text); }
  void append_number(std::uint64_t value) {
    char digits[20];
    std::size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    while (n > 0)
      buffer_.push_back(digits[--n]);
  }
  void commit() {
    if (!open_) return;
    slots_[count_].length = buffer_.size() - slots_[count_].offset;
    ++count_;
    open_ = false;
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view name(std::size_t i) const { return slots_[i].name; }
  std::string_view value(std::size_t i) const {
    return {buffer_.data() + slots_[i].offset, slots_[i].length};
  }
  // First value of a header by exact name, empty when absent (tests, callers that inspect).
  std::string_view find(std::string_view header_name) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (slots_[i].name == header_name) return value(i);
    }
    return {};
  }

  // Views for build_response; valid until the list changes.
  std::span<const ExtraHeader> extra() const {
    for (std::size_t i = 0; i < count_; ++i)
      views_[i] = ExtraHeader{slots_[i].name, value(i)};
    return {views_.data(), count_};
  }

 private:
  // Offsets, not views: appending may move the buffer.
  struct Slot {
    std::string_view name;
    std::size_t offset = 0;
    std::size_t length = 0;
  };
  std::string buffer_;
  std::array<Slot, kCapacity> slots_{};
  mutable std::array<ExtraHeader, kCapacity> views_{};
  std::size_t count_ = 0;
  bool open_ = false;
};

}  // namespace dzvin::sip
