#include "app/app.h"

namespace minsheng {

extern const char* const kOpenApiYaml;

std::string_view OpenApiDocument() { return kOpenApiYaml; }

void RegisterOpenApiRoute(http::Router& router) {
  router.Add(http::Method::kGet, "/api/v1/openapi.yaml", [](http::Request&) {
    return http::Response::Text(200, kOpenApiYaml, "application/yaml; charset=utf-8");
  }, {.non_blocking = true});
}

}  // namespace minsheng
