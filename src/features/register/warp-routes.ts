// TODO(placeholder being written now): warp routes.
import { createRouter } from '../../openapi.js';

export function warpRoutes() {
  return createRouter();
}
