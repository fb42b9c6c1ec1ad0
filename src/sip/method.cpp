#include "sip/method.hpp"

namespace dzvin::sip {

// Switch on length first so that a lookup costs at most two short compares.
Method parse_method(std::string_view text) {
  switch (text.size()) {
    case 3:
      if (text == "ACK") return Method::ack;
      if (text == "BYE") return Method::bye;
      break;
    case 4:
      if (text == "INFO") return Method::info;
      break;
    case 5:
      if (text == "PRACK") return Method::prack;
      if (text == "REFER") return Method::refer;
      break;
    case 6:
      if (text == "INVITE") return Method::invite;
      if (text == "CANCEL") return Method::cancel;
      if (text == "UPDATE") return Method::update;
      if (text == "NOTIFY") return Method::notify;
      break;
    case 7:
      if (text == "OPTIONS") return Method::options;
      if (text == "MESSAGE") return Method::message;
      if (text == "PUBLISH") return Method::publish;
      break;
    case 8:
      if (text == "REGISTER") return Method::register_;
      break;
    case 9:
      if (text == "SUBSCRIBE") return Method::subscribe;
      break;
    default:
      break;
  }
  return Method::unknown;
}

std::string_view to_string(Method m) {
  switch (m) {
    case Method::invite:
      return "INVITE";
    case Method::ack:
      return "ACK";
    case Method::bye:
      return "BYE";
    case Method::cancel:
      return "CANCEL";
    case Method::register_:
      return "REGISTER";
    case Method::options:
      return "OPTIONS";
    case Method::info:
      return "INFO";
    case Method::update:
      return "UPDATE";
    case Method::prack:
      return "PRACK";
    case Method::subscribe:
      return "SUBSCRIBE";
    case Method::notify:
      return "NOTIFY";
    case Method::refer:
      return "REFER";
    case Method::message:
      return "MESSAGE";
    case Method::publish:
      return "PUBLISH";
    case Method::unknown:
      break;
  }
  return {};
}

}  // namespace dzvin::sip
