#pragma once
// A Directory held in memory: what the app builds from the store or the config file, and what
// tests use.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pbx/directory.hpp"
#include "pbx/schedule.hpp"

namespace dzvin::pbx {

class MemoryDirectory final : public Directory {
 public:
  // Each add replaces an entry of the same name.
  void add_user(DirectoryUser user);
  void add_group(DirectoryGroup group);
  void add_schedule(Schedule schedule);
  void add_voicemail_box(std::string name);
  void add_trunk(std::string name);
  void add_prompt(std::string name);
  void remove_user(std::string_view name);
  void clear_groups();
  void add_caller_list(CallerList list);
  void clear_caller_lists();
  // The users become exactly `users` (a user deleted elsewhere is no longer rung).
  void replace_users(const std::vector<DirectoryUser>& users);

  const DirectoryUser* find_user(std::string_view name) const override;
  const DirectoryGroup* find_group(std::string_view name) const override;
  const Schedule* find_schedule(std::string_view name) const override;
  bool has_voicemail_box(std::string_view name) const override;
  bool has_trunk(std::string_view name) const override;
  bool has_prompt(std::string_view name) const override;
  const CallerList* find_caller_list(std::string_view name) const override;

 private:
  std::map<std::string, DirectoryUser, std::less<>> users_;
  std::map<std::string, DirectoryGroup, std::less<>> groups_;
  std::map<std::string, CallerList, std::less<>> caller_lists_;
  std::map<std::string, Schedule, std::less<>> schedules_;
  std::set<std::string, std::less<>> voicemail_boxes_;
  std::set<std::string, std::less<>> trunks_;
  std::set<std::string, std::less<>> prompts_;
};

}  // namespace dzvin::pbx
