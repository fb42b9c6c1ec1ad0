#pragma once
// From an Error to the one error shape of the REST API (json_error). An Error reaching a
// handler carries either an HTTP status (400..599: request validation, password_hasher.hpp,
// json_body.hpp) or a store::StoreError code (web_accounts.hpp, the store repositories); a
// message that starts with "<field>: " names the field at fault, as the store's messages do
// ("username: 'x' already exists").
#include <string_view>

#include "base/result.hpp"
#include "http/http_response.hpp"

namespace dzvin::http {

// The field an Error's message names ("email" for "email: not an e-mail address"); "" when
// the message does not start with a field name and ": ".
std::string_view error_field(const Error& error);

// 400 invalid (with the field) or bad_request, 401 unauthorized, 403 forbidden, 404
// not_found, 409 conflict, 413 body_too_large, 415 unsupported_media_type, 422 unprocessable
// (a well-formed request whose content cannot be used: a CSV file that is not), 429
// too_many_requests; store::kInvalid → 400, kNotFound → 404, kConflict → 409. Anything else is
// a 500 whose message is logged, never sent (it may quote SQL).
HttpResponse api_error_response(const Error& error);

}  // namespace dzvin::http
