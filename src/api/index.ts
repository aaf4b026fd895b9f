import type { Route } from "./http-types.js";
import { accountRoutes } from "./account.js";
import type { ApiContext } from "./api-context.js";
import { functionRoutes } from "./functions.js";
import { invokeRoutes } from "./invoke.js";
import { layerRoutes } from "./layers.js";
import { lambkinRoutes } from "./lambkin-routes.js";

export type { ApiContext } from "./api-context.js";

/** Every route the API serves. */
export function apiRoutes(context: ApiContext): Route[] {
  return [
    ...functionRoutes(context),
    ...invokeRoutes(context),
    ...layerRoutes(context),
    ...accountRoutes(context),
    ...lambkinRoutes(context),
  ];
}
export type { ApiRequest, ApiResponse, Handler, Route } from "./http-types.js";
