// The register's routes: imports and sync, authorities and their domains, WARPs.
import { createRouter } from '../../openapi.js';
import { authorityRoutes } from './authority-routes.js';
import { importRoutes } from './import-routes.js';
import { warpRoutes } from './warp-routes.js';

export function registerRoutes() {
  const router = createRouter();
  router.route('/', importRoutes());
  router.route('/', authorityRoutes());
  router.route('/', warpRoutes());
  return router;
}
