// TODO(placeholder being written now): authority routes.
import { createRouter } from '../../openapi.js';

export function authorityRoutes() {
  return createRouter();
}
