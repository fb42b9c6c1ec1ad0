#pragma once
// Mailer: hands one finished message to a mail server. The outbox depends on this interface
// only, so tests give it a fake and the SMTP details stay in smtp_mailer.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace dzvin::notify {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends `message` (a complete RFC 5322 message with CRLF line ends) to `recipients`. Blocks
  // until the server accepted or refused it: call it from a worker thread, never from the
  // signalling loop. An Error's message says why, for the delivery log; it never holds a
  // password.
  virtual Result<void> send(const std::vector<std::string>& recipients,
                            std::string_view message) = 0;
};

}  // namespace dzvin::notify
