#pragma once
// How products are laid out in the Xapian database: term prefixes and value
// slots shared by the index builder and the query side.

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace atelier::search::internal {

// Term prefixes (Xapian convention: upper case; terms after them are lower case).
inline constexpr char kStemPrefix[] = "Z";       // stemmed free text (TermGenerator)
inline constexpr char kTitlePrefix[] = "S";      // title words, for `title:word`
inline constexpr char kBrandTextPrefix[] = "XM"; // brand words, for `brand:word`
inline constexpr char kBrandPrefix[] = "B";      // boolean: lower-cased brand name
inline constexpr char kCategoryPrefix[] = "XC";  // boolean: slug of the category and every ancestor
inline constexpr char kIdPrefix[] = "Q";         // boolean: product id

// BM25 length normalisation is applied when a document is indexed: each
// term's wdf is stored as round(wdf * kLengthScale / K), K = (1 - b) + b *
// max(doclen / average doclen, kMinNormLength) (BM25's per-document factor,
// lengths as Xapian counts them before the rescaling), and queries weigh with
// BM25 b = 0 and k1 * kLengthScale. The ranking is BM25's with the configured
// b, and the weights BM25's times (k1 * kLengthScale + 1) / (k1 + 1), but the
// matcher reads no document length: Xapian's per-match doclen lookup was ~40%
// of a search's CPU time at 100k products (BENCHMARKS.md).
inline constexpr double kLengthScale = 1024;
inline constexpr double kMinNormLength = 0.5;  // Xapian BM25Weight's min_normlen

// Steps per doubling of the average length NormalisationLength rounds to.
inline constexpr double kNormLengthSteps = 256;

// The "average document length" the normalisation above uses: the
// documents' average (at least 1) rounded to a step of 2^(1/256), i.e. by
// at most 0.14%. BM25 hardly notices, and it lets SearchIndex::Update keep
// every unchanged document's stored wdf and still equal a full build: a few
// changed products move the exact average by far less than a step (one edit
// of a 6,000-product catalog moves it by ~0.01%), and when they do cross a
// step the update builds in full.
inline double NormalisationLength(double total_length, size_t documents) {
  const double average =
      documents == 0 ? 1 : std::max(total_length / static_cast<double>(documents), 1.0);
  return std::exp2(std::round(std::log2(average) * kNormLengthSteps) / kNormLengthSteps);
}

// Value slots.
inline constexpr Xapian::valueno kPriceSlot = 0;        // sortable_serialise(minor units)
inline constexpr Xapian::valueno kCreatedSlot = 1;      // sortable_serialise(unix seconds)
inline constexpr Xapian::valueno kBrandSlot = 2;        // brand name as written
inline constexpr Xapian::valueno kPriceBucketSlot = 3;  // PriceBucketValue(bucket index)
// Category slug at depth d of the product's category path (0 = top level).
inline constexpr Xapian::valueno kCategorySlotBase = 4;
inline constexpr int kMaxCategoryDepth = 6;

inline Xapian::valueno CategorySlot(int depth) {
  return kCategorySlotBase + static_cast<Xapian::valueno>(depth);
}

// Index of the bucket of `price` given ascending upper bounds.
inline size_t PriceBucket(int64_t price, const std::vector<int64_t>& bounds) {
  size_t i = 0;
  while (i < bounds.size() && price >= bounds[i]) ++i;
  return i;
}

// Two digits, so that values sort as numbers ("03" < "10").
inline std::string PriceBucketValue(size_t bucket) {
  std::string s = std::to_string(bucket);
  return s.size() < 2 ? "0" + s : s;
}

}  // namespace atelier::search::internal
