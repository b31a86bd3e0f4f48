#pragma once
// The OpenAPI 3.1 description of the whole API (server/openapi.json),
// embedded at build time and served at GET /v1/openapi.json. A test keeps
// it and the router's table in step. Immutable, thread-safe.
#include <string_view>

namespace vigie::server {

std::string_view OpenApiDocument();

}  // namespace vigie::server
