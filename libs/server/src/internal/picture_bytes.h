#pragma once
// How the upload routes keep a picture's bytes in the store: the `uploads`
// table's `data` column is text on both stores (SQLite and PostgreSQL), so
// the bytes are written as standard base64 (RFC 4648, with padding) and read
// back through DecodePictureBytes.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "atelier/core/result.h"

namespace atelier::server::internal {

// `bytes` as base64 with padding.
std::string EncodePictureBytes(std::string_view bytes);

// The bytes EncodePictureBytes wrote. Errors: kInternal (a stored picture is
// only ever written by EncodePictureBytes, so anything else is a damaged
// row) for a length that is not a multiple of 4, a character outside the
// alphabet, or padding anywhere but at the end.
Result<std::string> DecodePictureBytes(std::string_view text);

}  // namespace atelier::server::internal
