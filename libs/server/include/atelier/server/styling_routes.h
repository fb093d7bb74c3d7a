#pragma once
// Personal shoppers (stylists) over HTTP (orders/styling.h has the rules).
//
// One set of routes serves both sides; the session's role decides what a
// caller sees. Stylists are staff accounts with the `stylist` role (`atelier
// admin create-staff --role stylist`) and log in through POST
// /api/v1/auth/login like shoppers: a person, not a shared merchant key,
// answers a shopper, and every pick and message is signed by that person's
// account. Every route needs the session cookie, and writes the X-CSRF-Token
// header (auth.h).
//
//   POST /api/v1/stylist-requests                        shopper asks: the spec sheet
//        {"category", "size", "width", "colour", "likes": [..], "dislikes": [..],
//         "budget": 15000 (minor units) | null, "notes"}          -> 201 request
//   GET  /api/v1/stylist-requests[?state=active|all]     shopper: own; stylist: assigned
//                                                        -> {"items": [request], "total"}
//   GET  /api/v1/stylist-requests/{id}                   request with "picks" and "messages"
//   POST /api/v1/stylist-requests/{id}/picks             stylist: {"sku"} or {"model_id",
//        "model_version"?, "selections"}, with "note"  -> 201 pick
//   POST /api/v1/stylist-requests/{id}/messages          either side: {"body"} -> 201 message
//   POST /api/v1/stylist-requests/{id}/close             either side -> request
//   POST /api/v1/stylist-requests/{id}/picks/{pick_id}/cart  shopper: into the cart -> 201
//   POST /api/v1/stylist-requests/{id}/picks/{pick_id}/buy   shopper, Idempotency-Key:
//        one-click buy, shipped to the shopper's saved address (GET/PUT
//        /api/v1/account/address) -> 201 {"order": {"id", "status", "total",
//        "expected_delivery_date", "shipping"}}; 409 field "shipping" when the
//        shopper has no saved address (the message says to add one)
//
// A request that is not the caller's is 404 (never 403). Merchants get 403.
// The stylist searches with POST /api/v1/shopper/find.
//
// Thread-safety: handlers use thread-safe services only.

#include "atelier/server/router.h"
#include "atelier/server/services.h"

namespace atelier::server {

void RegisterStylingRoutes(Router& router, Services& services);

}  // namespace atelier::server
