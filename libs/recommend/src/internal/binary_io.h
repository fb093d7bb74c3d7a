#pragma once
// Little helpers for the binary model artifact: POD values and vectors of
// PODs, length-prefixed. Readers check the stream and return false on a
// truncated or corrupt input instead of reading past it.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace atelier::recommend::internal {

template <typename T>
void WritePod(std::ostream& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.write(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
bool ReadPod(std::istream& in, T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  in.read(reinterpret_cast<char*>(&v), sizeof(T));
  return static_cast<bool>(in);
}

template <typename T>
void WriteVector(std::ostream& out, const std::vector<T>& v) {
  WritePod<uint64_t>(out, v.size());
  if (!v.empty()) out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

// `max_elements` bounds allocations from a corrupt length.
template <typename T>
bool ReadVector(std::istream& in, std::vector<T>& v, uint64_t max_elements = (1ULL << 36)) {
  uint64_t n = 0;
  if (!ReadPod(in, n) || n > max_elements) return false;
  v.resize(n);
  if (n > 0) in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  return static_cast<bool>(in);
}

inline void WriteString(std::ostream& out, const std::string& s) {
  WritePod<uint64_t>(out, s.size());
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

inline bool ReadString(std::istream& in, std::string& s, uint64_t max_size = (1ULL << 30)) {
  uint64_t n = 0;
  if (!ReadPod(in, n) || n > max_size) return false;
  s.resize(n);
  in.read(s.data(), static_cast<std::streamsize>(n));
  return static_cast<bool>(in);
}

}  // namespace atelier::recommend::internal
