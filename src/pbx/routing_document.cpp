#include "pbx/routing_document.hpp"

#include "pbx/directory.hpp"
#include "pbx/field_path.hpp"

namespace dzvin::pbx {

namespace {

// The caller's directory with the document's schedules in front of it.
class DocumentDirectory final : public Directory {
 public:
  DocumentDirectory(const RoutingDocument& document, const Directory& base)
      : document_(document), base_(base) {}

  const DirectoryUser* find_user(std::string_view name) const override {
    return base_.find_user(name);
  }
  const DirectoryGroup* find_group(std::string_view name) const override {
    for (const DirectoryGroup& g : document_.groups) {
      if (g.name == name) return &g;
    }
    return base_.find_group(name);
  }
  const Schedule* find_schedule(std::string_view name) const override {
    for (const Schedule& s : document_.schedules) {
      if (s.name() == name) return &s;
    }
    return base_.find_schedule(name);
  }
  bool has_voicemail_box(std::string_view name) const override {
    for (const VoicemailBox& b : document_.voicemail_boxes) {
      if (b.name == name) return true;
    }
    return base_.has_voicemail_box(name);
  }
  bool has_trunk(std::string_view name) const override { return base_.has_trunk(name); }
  const CallerList* find_caller_list(std::string_view name) const override {
    for (const CallerList& l : document_.caller_lists) {
      if (l.name == name) return &l;
    }
    return base_.find_caller_list(name);
  }
  bool has_prompt(std::string_view name) const override {
    for (const PromptSpec& p : document_.prompts) {
      if (p.name == name) return true;
    }
    return base_.has_prompt(name);
  }

 private:
  const RoutingDocument& document_;
  const Directory& base_;
};

}  // namespace

Result<void> validate_routing_document(const RoutingDocument& document, const Directory& directory,
                                       const SchemeLimits& limits) {
  const DocumentDirectory combined(document, directory);
  for (const VoicemailBox& box : document.voicemail_boxes) {
    if (!box.greeting.empty() && !combined.has_prompt(box.greeting)) {
      return make_error(400, field_path(field_path("voicemail", box.name), "greeting") +
                                 ": unknown prompt " + in_quotes(box.greeting));
    }
  }
  for (const DirectoryGroup& group : document.groups) {
    for (std::size_t i = 0; i < group.members.size(); ++i) {
      if (combined.find_user(group.members[i]) == nullptr) {
        return make_error(400,
                          field_path(field_path(field_path("groups", group.name), "members"), i) +
                              ": unknown user " + in_quotes(group.members[i]));
      }
    }
  }
  const RecordingPolicy& rec = document.recording;
  if (!rec.announcement.empty() && !combined.has_prompt(rec.announcement)) {
    return make_error(400, "recording.announcement: unknown prompt " + in_quotes(rec.announcement));
  }
  for (const auto& [user, mode] : rec.users) {
    if (combined.find_user(user) == nullptr) {
      return make_error(400,
                        field_path("recording.users", user) + ": unknown user " + in_quotes(user));
    }
  }
  for (const RoutingScheme& scheme : document.schemes) {
    // Paths as in the document, where a scheme is keyed by its name.
    if (auto ok =
            validate_routing_scheme(scheme, combined, limits, field_path("schemes", scheme.name));
        !ok) {
      return ok;
    }
  }
  return {};
}

}  // namespace dzvin::pbx
