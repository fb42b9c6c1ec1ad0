#include "pbx/memory_directory.hpp"

namespace dzvin::pbx {

namespace {

template <class Map>
const typename Map::mapped_type* find_in(const Map& map, std::string_view name) {
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void MemoryDirectory::add_user(DirectoryUser user) {
  std::string name = user.name;
  users_.insert_or_assign(std::move(name), std::move(user));
}

void MemoryDirectory::add_group(DirectoryGroup group) {
  std::string name = group.name;
  groups_.insert_or_assign(std::move(name), std::move(group));
}

void MemoryDirectory::add_schedule(Schedule schedule) {
  std::string name = schedule.name();
  schedules_.insert_or_assign(std::move(name), std::move(schedule));
}

void MemoryDirectory::add_voicemail_box(std::string name) {
  voicemail_boxes_.insert(std::move(name));
}

void MemoryDirectory::add_trunk(std::string name) {
  trunks_.insert(std::move(name));
}

void MemoryDirectory::remove_user(std::string_view name) {
  if (auto it = users_.find(name); it != users_.end()) users_.erase(it);
}

const DirectoryUser* MemoryDirectory::find_user(std::string_view name) const {
  return find_in(users_, name);
}

const DirectoryGroup* MemoryDirectory::find_group(std::string_view name) const {
  return find_in(groups_, name);
}

const Schedule* MemoryDirectory::find_schedule(std::string_view name) const {
  return find_in(schedules_, name);
}

bool MemoryDirectory::has_voicemail_box(std::string_view name) const {
  return voicemail_boxes_.find(name) != voicemail_boxes_.end();
}

bool MemoryDirectory::has_trunk(std::string_view name) const {
  return trunks_.find(name) != trunks_.end();
}

void MemoryDirectory::add_prompt(std::string name) {
  prompts_.insert(std::move(name));
}

bool MemoryDirectory::has_prompt(std::string_view name) const {
  return prompts_.find(name) != prompts_.end();
}

void MemoryDirectory::replace_users(const std::vector<DirectoryUser>& users) {
  users_.clear();
  for (const DirectoryUser& u : users)
    users_.insert_or_assign(u.name, u);
}

void MemoryDirectory::add_caller_list(CallerList list) {
  std::string name = list.name;
  caller_lists_.insert_or_assign(std::move(name), std::move(list));
}

void MemoryDirectory::clear_caller_lists() {
  caller_lists_.clear();
}

const CallerList* MemoryDirectory::find_caller_list(std::string_view name) const {
  return find_in(caller_lists_, name);
}

void MemoryDirectory::clear_groups() {
  groups_.clear();
}

}  // namespace dzvin::pbx
