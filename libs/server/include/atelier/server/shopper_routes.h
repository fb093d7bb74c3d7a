#pragma once
// POST /api/v1/shopper/find: the personal shopper's find tool over HTTP
// (libs/shopper, atelier/shopper/find.h).
//
// Request (every member optional):
//   {"specs": [{"field": "size", "op": "=", "value": 10.5},
//              {"field": "width", "value": "W"},                      // op defaults to "="
//              {"field": "heel_height_cm", "op": "<=", "value": 2},
//              {"field": "colour", "op": "in", "value": ["black", "navy"]},
//              {"field": "price", "op": "<=", "value": 15000}],       // minor units
//    "preferences": [{"field": "colour", "value": "black", "weight": 2}],  // weight defaults to 1
//    "budget": 15000,              // minor units of the shop currency
//    "category": "shoes",          // slug or name
//    "kind": "any" | "product" | "configuration",
//    "limit": 10}                  // 1..100
// Response:
//   {"matches": [{"kind": "product" | "configuration",  // in stock | built to order
//                 "product": {id, sku, title, brand, price, category, ...},
//                 "model_id": "shoes" | null, "configuration": {"size": "11.5", ...} | null,
//                 "stock": {"location", "location_name", "region", "quantity"} | null,
//                 "price": {"amount", "currency"}, "score": 2,
//                 "meets": [{"spec": 0, "field": "size", "text": "size 11.5 ✓", "ok": true}],
//                 "prefers": [{"preference": 0, "field": "colour", "text": "...", "ok": false}]}],
//    "total": 1,
//    "relaxations": [{"description": "size in {11, 12} instead of = 11.5",
//                     "changes": [{"kind": "drop" | "loosen" | "raise_budget", "spec": 0 | null,
//                                  "field": "size" | null, "text": "...",
//                                  "loosened": {"field", "op", "value"} | null,
//                                  "new_budget": {"amount", "currency"} | null,
//                                  "raise_by": {"amount", "currency"} | null}],
//                     "yield_count": 2, "examples": [match, ...]}],
//    "candidates": 512, "configure_calls": 12}
// Errors: 400 naming the field ("specs[2].op", "preferences[0].weight",
// "budget", "category", "body"); 503 while the catalog is loading. Product
// models not loaded yet only mean no configurations are offered.
//
// Thread-safety: the handler keeps a candidate index per catalog snapshot,
// rebuilt under a mutex when the catalog is republished.

#include "atelier/server/router.h"
#include "atelier/server/services.h"

namespace atelier::server {

// POST /api/v1/shopper/find
void RegisterShopperRoutes(Router& router, Services& services);

}  // namespace atelier::server
