#pragma once
// GET /api/v1/openapi.json: the REST API's OpenAPI 3 description. The text is docs/openapi.json,
// built into the binary (CMake generates openapi_document.cpp from it), so the file served and
// the file in docs/ cannot differ.
#include <string_view>

#include "http/router.hpp"

namespace dzvin::http {

std::string_view openapi_document();  // docs/openapi.json as built
void add_openapi_route(Router& router);

}  // namespace dzvin::http
