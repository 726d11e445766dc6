// Private to src/http/: problems the HTTP layer itself raises, and Problem with
// a status that no ErrorCode carries (405). Thread-safe: pure functions.
#pragma once

#include "core/result.h"
#include "http/router.h"

namespace minsheng::http {

// Problem(error, request) with an explicit HTTP status.
Response ProblemWithStatus(int status, const Error& error, const Request& request);

// 404 "route_not_found": no route (and no static file) for an /api/ path.
Error RouteNotFoundError();
// 405 "method_not_allowed": answer with ProblemWithStatus(405, ...) and an Allow header.
Error MethodNotAllowedError();

}  // namespace minsheng::http
