#pragma once
// Per-document data held in memory beside the Xapian database.
//
// The index is immutable and its docids are nearly dense (a full build gives
// docid d to catalog.products()[d - 1]; an incremental update leaves the
// docids of removed products unused and appends new ones), so facet codes and
// sort orders can live in plain arrays indexed by docid. Counting a match is
// then a few array increments (FacetSpy) instead of Xapian value-slot reads,
// and browsing the whole catalog needs no matcher run at all (precomputed
// counts and orders).
//
// Thread-safety: immutable after construction. A FacetSpy is per search.

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/search/types.h"

namespace atelier::search::internal {

// Tallies of one match set; codes index DocumentTables' category/brand lists
// (code 0 means "none").
struct FacetTally {
  std::vector<uint32_t> top;       // by category code, depth 0
  std::vector<uint32_t> children;  // by category code, at children_depth
  std::vector<uint32_t> brands;    // by brand code
  std::vector<uint32_t> buckets;   // by price bucket
  int children_depth = -1;         // -1: no children tally
  uint64_t matches = 0;
};

class DocumentTables {
 public:
  // `documents[d - 1]`: the index in catalog.products() of the product with
  // docid d, or -1 for a docid no document has. REQUIRES: every product
  // appears once, at increasing docids in catalog order.
  DocumentTables(const catalog::CatalogSnapshot& catalog, std::vector<int32_t> documents,
                 const std::vector<int64_t>& price_bounds);
  // The same tables, made from `base`'s for an index derived from base's by
  // rewriting the documents at indexes `rewritten` (docid - 1: added,
  // changed or removed ones): the other documents' rows and places in the
  // sort orders are carried over (O(size) copies and a merge, no sort of
  // every document). REQUIRES: as above, and every document index that is
  // not in `rewritten` holds the same values in both catalogs.
  DocumentTables(const DocumentTables& base, const catalog::CatalogSnapshot& catalog,
                 std::vector<int32_t> documents, const std::vector<uint32_t>& rewritten,
                 const std::vector<int64_t>& price_bounds);

  // Docids in use or not: the highest docid.
  size_t size() const { return documents_.size(); }
  // Documents the index holds (Xapian's document count).
  size_t live() const { return by_docid_.size(); }
  int max_depth() const { return max_depth_; }
  // The index in the catalog's products of document `index` (docid - 1);
  // -1 for an unused docid.
  int32_t product_index(size_t index) const { return documents_[index]; }
  // The product of document `index` (docid - 1). REQUIRES: a live document.
  const catalog::Product& product(size_t index) const {
    return catalog_.products()[static_cast<size_t>(documents_[index])];
  }

  // An empty tally sized for this catalog; `children_depth` as in FacetTally.
  FacetTally EmptyTally(int children_depth) const;
  // Adds document `index` (docid - 1) to `tally`.
  void Count(size_t index, FacetTally& tally) const {
    const uint32_t* path = &path_[index * static_cast<size_t>(max_depth_)];
    tally.top[path[0]]++;
    if (tally.children_depth >= 0) tally.children[path[tally.children_depth]]++;
    tally.brands[brand_[index]]++;
    tally.buckets[bucket_[index]]++;
    tally.matches++;
  }

  // Renders a tally: categories by count then name, the `brand_limit` most
  // frequent brands, non-empty price buckets in price order.
  Facets ToFacets(const FacetTally& tally, size_t brand_limit,
                  const std::vector<int64_t>& price_bounds) const;

  // Every live document index ordered as the matcher would order a browse of
  // the whole catalog under `sort` (ties by docid); kRelevance: ascending.
  const std::vector<uint32_t>& BrowseOrder(SortOrder sort) const;
  // Facets of the whole catalog.
  const FacetTally& all() const { return all_; }

 private:
  struct Codes;
  // Fills categories_, brand_names_ and max_depth_; returns the codes.
  Codes MakeCodes();
  // Sets the codes of document `index` (all 0 for an unused docid).
  void FillRow(size_t index, const Codes& codes, const std::vector<int64_t>& price_bounds);

  const catalog::CatalogSnapshot& catalog_;
  std::vector<int32_t> documents_;  // [index] -> product index, -1: none
  int max_depth_ = 1;
  std::vector<const catalog::Category*> categories_;  // code - 1
  std::vector<std::string> brand_names_;              // code - 1
  std::vector<uint32_t> path_;                        // [index * max_depth_ + depth] -> category code
  std::vector<uint32_t> brand_;                       // [index] -> brand code
  std::vector<uint8_t> bucket_;                       // [index] -> price bucket
  std::vector<uint32_t> by_docid_, by_price_asc_, by_price_desc_, by_newest_;
  FacetTally all_;
};

// A Xapian match spy that tallies every match the matcher visits.
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(const DocumentTables& tables, int children_depth)
      : tables_(tables), tally_(tables.EmptyTally(children_depth)) {}
  void operator()(const Xapian::Document& doc, double) override {
    tables_.Count(doc.get_docid() - 1, tally_);
  }
  const FacetTally& tally() const { return tally_; }

 private:
  const DocumentTables& tables_;
  FacetTally tally_;
};

}  // namespace atelier::search::internal
