#pragma once
// Query-parameter parsing for handlers.
//
// Every helper returns kInvalidArgument with `field` set to the parameter's
// name and a message that says what was expected, so a bad `page=-1` becomes
// a 400 naming "page". An absent parameter takes its default; a present but
// empty one ("page=") is an error, except for free-text parameters.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "atelier/core/result.h"
#include "atelier/server/http.h"

namespace atelier::server {

// An integer in [min_value, max_value].
Result<int64_t> IntParam(const Request& request, std::string_view name, int64_t default_value,
                         int64_t min_value, int64_t max_value);

// A decimal amount in major units ("49.99") as minor units (4999), >= 0;
// nullopt when absent.
Result<std::optional<int64_t>> MoneyParam(const Request& request, std::string_view name);

// One of `allowed`; `default_value` when absent.
Result<std::string> EnumParam(const Request& request, std::string_view name,
                              std::string_view default_value,
                              std::initializer_list<std::string_view> allowed);

// Free text (trimmed); `default_value` when absent.
std::string TextParam(const Request& request, std::string_view name,
                      std::string_view default_value = {});

struct PageParams {
  int page = 1;       // 1-based
  int per_page = 24;
};

// `page` (>= 1, <= 10000) and `per_page` (1..max_per_page).
Result<PageParams> PageParamsOf(const Request& request, int default_per_page = 24,
                                int max_per_page = 100);

// A positive integer id from the path placeholder `name`; kNotFound when the
// segment is not one (no product can have that id).
Result<int64_t> PathIdParam(const Request& request, std::string_view name);

}  // namespace atelier::server
