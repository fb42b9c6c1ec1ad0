#pragma once
// What the routing layer needs to know about the company: users, groups, schedules, voicemail
// boxes and trunks by name. Implemented above pbx/ from the store (MemoryDirectory is the
// in-memory one); read on the signalling thread, so lookups must not block. A pointer
// returned is valid until the directory next changes: do not keep it across a co_await.
#include <string>
#include <string_view>
#include <vector>

namespace dzvin::pbx {

class Schedule;

struct DirectoryUser {
  std::string name;          // unique in the company; the SIP username
  std::string extension;     // "1001", may be empty
  std::string display_name;  // "Anna Koval", may be empty
};

struct DirectoryGroup {
  std::string name;
  std::vector<std::string> members;  // user names, in the order a sequential ring uses
  std::string description = {};      // for people; "" when none
};

// Callers a scheme treats apart (a manager's protected direct line rings the manager only for
// these: the boss, top clients). Numbers in E.164 (or extensions), normalised when loaded.
struct CallerList {
  std::string name;
  std::vector<std::string> numbers;
  std::string description = {};
};

class Directory {
 public:
  virtual ~Directory() = default;
  virtual const DirectoryUser* find_user(std::string_view name) const = 0;
  virtual const DirectoryGroup* find_group(std::string_view name) const = 0;
  virtual const Schedule* find_schedule(std::string_view name) const = 0;
  virtual bool has_voicemail_box(std::string_view name) const = 0;
  virtual bool has_trunk(std::string_view name) const = 0;
  virtual bool has_prompt(std::string_view name) const = 0;
  virtual const CallerList* find_caller_list(std::string_view name) const = 0;
};

}  // namespace dzvin::pbx
