#pragma once
// The HTTP thread's CRM stores over one connection of their own, opened on first use.
#include <memory>
#include <string>

#include "base/clock.hpp"
#include "crm/contact_store.hpp"
#include "crm/task_store.hpp"
#include "http/lazy_database.hpp"

namespace dzvin::http {

class CrmStores {
 public:
  CrmStores(std::string database_path, const Clock& clock)
      : db_(std::move(database_path), false), clock_(clock) {}

  // Errors: the database cannot be opened.
  Result<CrmStores*> open() {
    if (!contacts_) {
      auto db = db_.get();
      if (!db) return db.error();
      contacts_ = std::make_unique<crm::ContactStore>(**db, clock_);
      tasks_ = std::make_unique<crm::TaskStore>(**db, clock_);
      connection_ = *db;
    }
    return this;
  }
  crm::ContactStore& contacts() { return *contacts_; }
  crm::TaskStore& tasks() { return *tasks_; }
  store::Database& database() { return *connection_; }
  const Clock& clock() const { return clock_; }

 private:
  LazyDatabase db_;
  const Clock& clock_;
  store::Database* connection_ = nullptr;
  std::unique_ptr<crm::ContactStore> contacts_;
  std::unique_ptr<crm::TaskStore> tasks_;
};

}  // namespace dzvin::http
