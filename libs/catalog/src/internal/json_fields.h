#pragma once
// The JSON text forms of a product's attributes and images, as stored in
// products.attributes / products.images and read by the JSON Lines import.

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "atelier/catalog/types.h"
#include "atelier/core/result.h"

namespace atelier::catalog::internal {

// {"author":"Frank Herbert","pages":412,"signed":false}, in attribute order.
std::string AttributesToJson(const std::vector<Attribute>& attributes);
// ["/static/img/books.svg", ...].
std::string ImagesToJson(const std::vector<std::string>& images);

// Converts a JSON object of scalars to attributes (order kept; null values
// dropped). Errors: kInvalidArgument naming "<field>.<key>" for a nested
// array or object, or `field` when `value` is not an object.
Result<std::vector<Attribute>> AttributesFromJson(const boost::json::value& value,
                                                  const std::string& field = "attributes");
// Converts a JSON array of strings. Errors: kInvalidArgument naming `field`.
Result<std::vector<std::string>> ImagesFromJson(const boost::json::value& value,
                                                const std::string& field = "images");

// Parses stored text; malformed text (never written by this module) yields
// an empty list rather than failing a whole catalog load.
std::vector<Attribute> ParseStoredAttributes(const std::string& text);
std::vector<std::string> ParseStoredImages(const std::string& text);

}  // namespace atelier::catalog::internal
