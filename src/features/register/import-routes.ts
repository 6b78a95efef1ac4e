// TODO(placeholder being written now): import routes.
import { createRouter } from '../../openapi.js';

export function importRoutes() {
  return createRouter();
}
