#include "atelier/server/routes.h"

#include "atelier/server/admin_routes.h"
#include "atelier/server/shopper_routes.h"
#include "atelier/server/static_files.h"
#include "atelier/server/styling_routes.h"
#include "atelier/server/uploads.h"

namespace atelier::server {

void RegisterAllRoutes(Router& router, Services& services, const std::string& web_dir) {
  RegisterSystemRoutes(router, services);
  RegisterCatalogRoutes(router, services);
  RegisterSearchRoutes(router, services);
  RegisterRecommendRoutes(router, services);
  RegisterConfigRoutes(router, services);
  RegisterShopperRoutes(router, services);
  RegisterBuyingRoutes(router, services);
  RegisterStylingRoutes(router, services);
  RegisterUploadRoutes(router, services);
  RegisterAdminRoutes(router, services);
  RegisterStaticFiles(router, web_dir);
}

}  // namespace atelier::server
