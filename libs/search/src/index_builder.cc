// SearchIndex::Build: writes every product of a catalog snapshot into a
// Xapian glass database laid out as internal/schema.h describes.

#include <stdlib.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "atelier/catalog/types.h"
#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "internal/document_tables.h"
#include "internal/match_set.h"
#include "internal/query_words.h"
#include "internal/reader_pool.h"
#include "internal/schema.h"

namespace atelier::search {
namespace {

namespace fs = std::filesystem;
using internal::kBrandPrefix;
using internal::kBrandTextPrefix;
using internal::kCategoryPrefix;
using internal::kIdPrefix;
using internal::kTitlePrefix;

Status ValidateOptions(const Options& options) {
  const auto& bounds = options.price_bucket_bounds;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (bounds[i] <= 0 || (i > 0 && bounds[i] <= bounds[i - 1])) {
      return Error::InvalidArgument("price bucket bounds must be positive and ascending",
                                    "price_bucket_bounds");
    }
  }
  if (bounds.size() > 99) {
    return Error::InvalidArgument("at most 99 price bucket bounds", "price_bucket_bounds");
  }
  if (options.brand_facet_size < 0) {
    return Error::InvalidArgument("brand_facet_size must be >= 0", "brand_facet_size");
  }
  if (options.max_prefix_expansion < 1) {
    return Error::InvalidArgument("max_prefix_expansion must be >= 1", "max_prefix_expansion");
  }
  if (options.max_result_window < 1) {
    return Error::InvalidArgument("max_result_window must be >= 1", "max_result_window");
  }
  const FieldWeights& w = options.weights;
  for (int weight : {w.title, w.brand, w.category, w.description, w.attributes}) {
    if (weight < 0) return Error::InvalidArgument("field weights must be >= 0", "weights");
  }
  if (!(options.bm25.k1 >= 0) || !(options.bm25.b >= 0 && options.bm25.b <= 1)) {
    return Error::InvalidArgument("bm25 needs k1 >= 0 and b in [0, 1]", "bm25");
  }
  return Ok();
}

// Makes `dir` ready to hold a new index: created when missing; refused when it
// holds anything but a previous glass database (so a wrong path never wipes
// unrelated files).
Status PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Error::InvalidArgument("'" + dir + "' is not a directory", "directory");
    }
    bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(fs::path(dir) / "iamglass", ec)) {
      return Error::InvalidArgument(
          "'" + dir + "' is neither empty nor a search index; refusing to overwrite it",
          "directory");
    }
    return Ok();
  }
  fs::create_directories(dir, ec);
  if (ec) return Error::Unavailable("cannot create '" + dir + "': " + ec.message());
  return Ok();
}

Result<std::string> MakeTempDirectory() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "atelier-search-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error::Unavailable("cannot create a temporary directory under " + base.string());
  }
  return pattern;
}

// Indexes one product. Free text of every field goes into the unprefixed
// space (plus stemmed Z terms) with the field's wdf increment; BM25 then
// favours the heavier fields. Spelling words come from titles, brands,
// category names and text attributes only: descriptions carry too many rare
// words and typos.
// `spelling`: also add the words to the database's spelling dictionary
// (REQUIRES: then `text` has a database).
void IndexProduct(const catalog::CatalogSnapshot& catalog, const catalog::Product& product,
                  const Options& options, bool spelling, Xapian::TermGenerator& text,
                  Xapian::Document& doc) {
  const FieldWeights& w = options.weights;
  text.set_document(doc);

  // set_flags(toggle, mask) sets flags to (old & mask) ^ toggle.
  text.set_flags(spelling ? Xapian::TermGenerator::FLAG_SPELLING
                          : Xapian::TermGenerator::flags(0));
  text.index_text_without_positions(product.title, w.title);
  text.index_text_without_positions(product.brand, w.brand);
  auto path = catalog.CategoryPath(product.category_id);
  for (const catalog::Category* category : path) {
    text.index_text_without_positions(category->name, w.category);
  }
  // Text attributes (authors, colours, materials) are searched by name too.
  for (const catalog::Attribute& attribute : product.attributes) {
    if (const std::string* value = std::get_if<std::string>(&attribute.value)) {
      text.index_text_without_positions(*value, w.attributes);
    }
  }
  text.set_flags(Xapian::TermGenerator::flags(0));

  text.index_text_without_positions(product.description, w.description);
  for (const catalog::Attribute& attribute : product.attributes) {
    if (const bool* flag = std::get_if<bool>(&attribute.value)) {
      // A set flag ("waterproof") is a word of the product; a cleared one is not.
      if (*flag) text.index_text_without_positions(attribute.key, w.attributes);
    } else if (std::holds_alternative<double>(attribute.value)) {
      text.index_text_without_positions(catalog::AttributeText(attribute.value), w.attributes);
    }
  }

  // Field-specific copies for `title:` and `brand:` in the query text.
  text.index_text_without_positions(product.title, 1, kTitlePrefix);
  text.index_text_without_positions(product.brand, 1, kBrandTextPrefix);

  doc.add_boolean_term(kIdPrefix + std::to_string(product.id));
  if (!product.brand.empty()) {
    doc.add_boolean_term(kBrandPrefix + internal::LowerUtf8(product.brand));
    doc.add_value(internal::kBrandSlot, product.brand);
  }
  for (size_t depth = 0; depth < path.size(); ++depth) {
    doc.add_boolean_term(kCategoryPrefix + path[depth]->slug);
    if (depth < static_cast<size_t>(internal::kMaxCategoryDepth)) {
      doc.add_value(internal::CategorySlot(static_cast<int>(depth)), path[depth]->slug);
    }
  }
  doc.add_value(internal::kPriceSlot,
                Xapian::sortable_serialise(static_cast<double>(product.price.amount)));
  doc.add_value(internal::kPriceBucketSlot,
                internal::PriceBucketValue(
                    internal::PriceBucket(product.price.amount, options.price_bucket_bounds)));
  doc.add_value(internal::kCreatedSlot,
                Xapian::sortable_serialise(static_cast<double>(product.created_at)));
}

// Xapian's document length: the sum of the wdf of its terms.
double DocLength(const Xapian::Document& doc) {
  double length = 0;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) length += it.get_wdf();
  return length;
}

// Rescales every wdf of `doc` by BM25's length normalisation (schema.h).
void NormaliseLength(Xapian::Document& doc, double average_length, const Bm25Params& bm25) {
  const double norm_length = std::max(DocLength(doc) / average_length, internal::kMinNormLength);
  const double factor = internal::kLengthScale / ((1 - bm25.b) + bm25.b * norm_length);
  std::vector<std::pair<std::string, Xapian::termcount>> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    terms.emplace_back(*it, it.get_wdf());
  }
  doc.clear_terms();
  for (const auto& [term, wdf] : terms) {
    if (wdf == 0) {
      doc.add_boolean_term(term);
    } else {
      doc.add_term(term, static_cast<Xapian::termcount>(
                             std::max<long long>(1, std::llround(wdf * factor))));
    }
  }
}

}  // namespace

Result<std::shared_ptr<const SearchIndex>> SearchIndex::Build(
    std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options) {
  ATELIER_RETURN_IF_ERROR(ValidateOptions(options));
  std::shared_ptr<SearchIndex> index(new SearchIndex());
  index->catalog_ = std::move(catalog);
  if (options.directory.empty()) {
    ATELIER_ASSIGN_OR_RETURN(index->directory_, MakeTempDirectory());
    index->owns_directory_ = true;
  } else {
    ATELIER_RETURN_IF_ERROR(PrepareDirectory(options.directory));
    index->directory_ = options.directory;
  }
  index->options_ = std::move(options);
  const Options& opts = index->options_;

  try {
    // The index is derived data (rebuilt from the store at will), so it skips
    // fsync, and it has no termlist table: nothing here reads a document's
    // terms back, and the table costs build time and disk.
    Xapian::WritableDatabase db(index->directory_, Xapian::DB_CREATE_OR_OVERWRITE |
                                                       Xapian::DB_BACKEND_GLASS |
                                                       Xapian::DB_NO_SYNC | Xapian::DB_NO_TERMLIST);
    const auto& products = index->catalog_->products();
    // First pass: the average document length, for BM25's normalisation.
    double average_length = 0;
    if (opts.normalise_length_at_build) {
      Xapian::TermGenerator text;
      text.set_stemmer(Xapian::Stem("english"));
      double total = 0;
      for (const catalog::Product& product : products) {
        Xapian::Document doc;
        IndexProduct(*index->catalog_, product, opts, false, text, doc);
        total += DocLength(doc);
      }
      average_length = products.empty() ? 1 : std::max(total / products.size(), 1.0);
    }
    Xapian::TermGenerator text;
    text.set_stemmer(Xapian::Stem("english"));
    text.set_database(db);
    for (size_t i = 0; i < products.size(); ++i) {
      Xapian::Document doc;
      IndexProduct(*index->catalog_, products[i], opts, true, text, doc);
      if (opts.normalise_length_at_build) NormaliseLength(doc, average_length, opts.bm25);
      Xapian::docid did = db.add_document(doc);
      // Search maps docid d back to products()[d - 1].
      if (did != i + 1) return Error::Internal("search index: unexpected document id");
    }
    db.set_metadata("atelier.catalog_version", std::to_string(index->catalog_->version()));
    db.commit();
    db.close();
    index->readers_ =
        std::make_unique<ReaderPool>(index->directory_, static_cast<size_t>(opts.max_idle_readers));
    // Open one handle now so that an unreadable index fails here, not on the first search.
    auto lease = index->readers_->Acquire();
  } catch (const Xapian::Error& e) {
    return Error::Unavailable("search index at '" + index->directory_ +
                              "': " + e.get_description());
  }
  index->tables_ =
      std::make_unique<internal::DocumentTables>(*index->catalog_, opts.price_bucket_bounds);
  index->postings_ = std::make_unique<internal::PostingCache>(
      opts.max_cached_postings, opts.bm25.k1 * internal::kLengthScale);
  index->catalog_facets_ =
      index->tables_->ToFacets(index->tables_->all(), static_cast<size_t>(opts.brand_facet_size),
                               opts.price_bucket_bounds);
  return std::shared_ptr<const SearchIndex>(std::move(index));
}

SearchIndex::~SearchIndex() {
  readers_.reset();  // close every handle before removing the files
  if (owns_directory_) {
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }
}

size_t SearchIndex::product_count() const { return catalog_->products().size(); }

}  // namespace atelier::search
