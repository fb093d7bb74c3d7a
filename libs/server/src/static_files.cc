#include "atelier/server/static_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "atelier/core/strings.h"
#include "atelier/server/errors.h"

namespace atelier::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kNoCache = "no-cache";

bool AcceptsGzip(const Request& request) {
  std::optional<std::string_view> header = request.Header("Accept-Encoding");
  if (!header) return false;
  for (const std::string& token : Split(*header, ',')) {
    std::vector<std::string> parts = Split(token, ';');
    if (ToLower(Trim(parts[0])) != "gzip") continue;
    // "gzip;q=0" refuses it.
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = Trim(parts[i]);
      if (StartsWith(p, "q=") && ParseDouble(p.substr(2)).value_or(1.0) <= 0.0) return false;
    }
    return true;
  }
  return false;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

struct FileInfo {
  bool regular = false;
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

FileInfo Stat(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {S_ISREG(st.st_mode), static_cast<int64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::string ETagOf(const FileInfo& info, bool gzip) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx%s\"", static_cast<unsigned long long>(info.size),
                static_cast<unsigned long long>(info.mtime_ns), gzip ? "-gz" : "");
  return buf;
}

// The page of a client-side route: the merchant dashboard (admin.html) for
// /admin and everything below it, the storefront (index.html) otherwise.
std::string_view ClientRoutePage(std::string_view rel) {
  return rel == "admin" || StartsWith(rel, "admin/") ? "admin.html" : "index.html";
}

Response NotFound(std::string_view path) {
  return ErrorResponse(Error::NotFound("no file at " + std::string(path), "path"));
}

}  // namespace

void AddPageSecurityHeaders(Response& response) {
  response.SetHeader("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                     "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "same-origin");
}

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return;
  fs::path canonical = fs::canonical(root, ec);
  if (ec) return;
  root_ = canonical.string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Result<std::string> StaticFiles::SafeRelativePath(std::string_view raw_path) {
  auto refuse = [&](const std::string& why) {
    return Error::InvalidArgument("refused path " + std::string(raw_path) + ": " + why, "path");
  };
  const std::string lower = ToLower(raw_path);
  if (lower.find("%2f") != std::string::npos || lower.find("%5c") != std::string::npos) {
    return refuse("encoded slash");
  }
  std::string decoded;
  if (!PercentDecode(raw_path, decoded, false)) return refuse("malformed percent-escape");
  if (decoded.find('\\') != std::string::npos || decoded.find('\0') != std::string::npos) {
    return refuse("backslash or NUL");
  }
  std::vector<std::string> kept;
  for (const std::string& segment : Split(decoded, '/')) {
    if (segment.empty()) continue;
    // "." and ".." walk the tree; other dot-names are hidden files.
    if (segment[0] == '.') return refuse("dot segment");
    kept.push_back(segment);
  }
  if (kept.empty()) return std::string("index.html");
  std::string rel = Join(kept, "/");
  if (EndsWith(decoded, "/")) rel += "/index.html";
  return rel;
}

std::string_view StaticFiles::ContentTypeFor(std::string_view file_name) {
  struct Type {
    std::string_view extension, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  const std::string lower = ToLower(file_name);
  for (const Type& t : kTypes) {
    if (EndsWith(lower, t.extension)) return t.type;
  }
  return "application/octet-stream";
}

Response StaticFiles::Serve(const Request& request) const {
  Result<std::string> rel = SafeRelativePath(request.path);
  if (!rel.ok()) return ErrorResponse(rel.error());
  if (root_.empty()) return NotFound(request.path);

  std::string path = root_ + "/" + *rel;
  std::error_code ec;
  if (fs::is_directory(path, ec)) path += "/index.html";
  FileInfo info = Stat(path);
  if (!info.regular) {
    // A client-side route ("/products/42", "/admin/orders/") gets its app's
    // page; a missing asset ("/assets/app.123.js") a real 404.
    std::string_view route = request.path;
    while (route.size() > 1 && route.back() == '/') route.remove_suffix(1);
    const std::string_view last = route.substr(route.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos) return NotFound(request.path);
    path = root_ + "/" + std::string(ClientRoutePage(*rel));
    info = Stat(path);
    if (!info.regular) return NotFound(request.path);
  }
  // Refuse symlinks that lead out of the root.
  fs::path canonical = fs::canonical(path, ec);
  if (ec || !StartsWith(canonical.string(), root_ + "/")) return NotFound(request.path);
  const std::string served = canonical.string();

  Response response;
  response.content_type = std::string(ContentTypeFor(served));
  const bool immutable = StartsWith(served, root_ + "/assets/");
  response.SetHeader("Cache-Control", immutable ? kImmutable : kNoCache);

  std::string body_path = served;
  FileInfo body_info = info;
  const FileInfo gz = Stat(served + ".gz");
  if (gz.regular) {
    response.SetHeader("Vary", "Accept-Encoding");
    if (AcceptsGzip(request)) {
      body_path = served + ".gz";
      body_info = gz;
      response.SetHeader("Content-Encoding", "gzip");
    }
  }
  const std::string etag = ETagOf(body_info, body_path != served);
  response.SetHeader("ETag", etag);
  if (StartsWith(response.content_type, "text/html")) AddPageSecurityHeaders(response);
  if (std::optional<std::string_view> match = request.Header("If-None-Match"); match && *match == etag) {
    response.status = 304;
    return response;
  }
  std::optional<std::string> body = ReadFile(body_path);
  if (!body) return ErrorResponse(Error::Internal("cannot read " + *rel));
  response.body = std::move(*body);
  return response;
}

void RegisterStaticFiles(Router& router, std::string root) {
  auto files = std::make_shared<const StaticFiles>(std::move(root));
  router.SetFallback([files](Request& request) { return files->Serve(request); });
}

}  // namespace atelier::server
