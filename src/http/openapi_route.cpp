#include "http/openapi_route.hpp"

#include "http/http_response.hpp"

namespace dzvin::http {

void add_openapi_route(Router& router) {
  router.get("/api/v1/openapi.json", [](const HttpRequest&, const RouteParams&) {
    return json(200, std::string(openapi_document()));
  });
}

}  // namespace dzvin::http
