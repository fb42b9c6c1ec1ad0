#pragma once
// Codes of the Result errors the notify module returns (Error::code). Errors of the database
// pass through with the store's codes (store::StoreError).
namespace dzvin::notify {

enum class NotifyErrc : int {
  invalid_address = 1,  // not a plain addr-spec (one @, no spaces, brackets or controls)
  invalid_header = 2,   // CR, LF or NUL in a header value: header injection
  invalid_message = 3,  // no recipient, bad content type
  bad_settings = 4,     // SMTP URL or sender that cannot work
  smtp_failed = 5,      // the message names curl's reason and the server's reply code
  secret_file = 6,      // the link secret file cannot be read, parsed or written
};

constexpr int code(NotifyErrc e) {
  return static_cast<int>(e);
}

}  // namespace dzvin::notify
