#include "atelier/server/params.h"

#include "atelier/core/money.h"
#include "atelier/core/strings.h"

namespace atelier::server {

Result<int64_t> IntParam(const Request& request, std::string_view name, int64_t default_value,
                         int64_t min_value, int64_t max_value) {
  std::optional<std::string_view> text = request.Query(name);
  if (!text) return default_value;
  std::optional<int64_t> value = ParseInt(Trim(*text));
  const std::string range = std::to_string(min_value) + ".." + std::to_string(max_value);
  if (!value) {
    return Error::InvalidArgument(std::string(name) + " must be an integer in " + range + ", got \"" +
                                      std::string(*text) + "\"",
                                  std::string(name));
  }
  if (*value < min_value || *value > max_value) {
    return Error::InvalidArgument(std::string(name) + " must be in " + range + ", got " + std::to_string(*value),
                                  std::string(name));
  }
  return *value;
}

Result<std::optional<int64_t>> MoneyParam(const Request& request, std::string_view name) {
  std::optional<std::string_view> text = request.Query(name);
  if (!text) return std::optional<int64_t>();
  Result<int64_t> amount = ParseMinorUnits(Trim(*text), name);
  if (!amount.ok()) {
    return Error::InvalidArgument(std::string(name) + " must be an amount like 49.99, got \"" +
                                      std::string(*text) + "\"",
                                  std::string(name));
  }
  if (*amount < 0) {
    return Error::InvalidArgument(std::string(name) + " must not be negative", std::string(name));
  }
  return std::optional<int64_t>(*amount);
}

Result<std::string> EnumParam(const Request& request, std::string_view name,
                              std::string_view default_value,
                              std::initializer_list<std::string_view> allowed) {
  std::optional<std::string_view> text = request.Query(name);
  if (!text) return std::string(default_value);
  for (std::string_view a : allowed) {
    if (*text == a) return std::string(a);
  }
  std::string names;
  for (std::string_view a : allowed) {
    if (!names.empty()) names += ", ";
    names += a;
  }
  return Error::InvalidArgument(std::string(name) + " must be one of " + names + ", got \"" +
                                    std::string(*text) + "\"",
                                std::string(name));
}

std::string TextParam(const Request& request, std::string_view name, std::string_view default_value) {
  std::optional<std::string_view> text = request.Query(name);
  return std::string(text ? Trim(*text) : default_value);
}

Result<PageParams> PageParamsOf(const Request& request, int default_per_page, int max_per_page) {
  ATELIER_ASSIGN_OR_RETURN(int64_t page, IntParam(request, "page", 1, 1, 10000));
  ATELIER_ASSIGN_OR_RETURN(int64_t per_page, IntParam(request, "per_page", default_per_page, 1, max_per_page));
  return PageParams{static_cast<int>(page), static_cast<int>(per_page)};
}

Result<int64_t> PathIdParam(const Request& request, std::string_view name) {
  std::string_view text = request.PathParam(name);
  std::optional<int64_t> id = ParseInt(text);
  if (!id || *id <= 0) {
    return Error::NotFound("no such id: \"" + std::string(text) + "\"", std::string(name));
  }
  return *id;
}

}  // namespace atelier::server
