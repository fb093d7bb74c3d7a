#pragma once
// Pieces of the buying routes that the configurator's routes use too.
//
// Thread-safety: functions over thread-safe services.

#include <boost/json/object.hpp>

#include "atelier/config/compiled_model.h"
#include "atelier/server/http.h"
#include "atelier/server/services.h"

namespace atelier::server::internal {

// True when a configure request body starts from an earlier configuration
// ("from_order" or "from_stock_unit") and so needs ConfigureFrom.
bool StartsFromSource(const boost::json::object& body);

// POST /api/v1/models/{id}/configure with "from_order": {"order_id",
// "line_id"?} (the caller's own order; line 1 by default) or
// "from_stock_unit": id: the source's configuration with the request's
// "selections" (the changed picks) on top. A source pick that conflicts with
// the changed picks is dropped (listed in "changed", with the
// configurator's reason). The response is the configurator state plus
// "source", "changed" and "availability" (as POST .../availability, for the
// resulting picks, in "region" or the account's region, within "budget").
Response ConfigureFrom(Services& services, const Request& request, const config::CompiledModel& model,
                       boost::json::object body);

}  // namespace atelier::server::internal
