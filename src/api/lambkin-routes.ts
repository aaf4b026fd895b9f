import { logGroupName, resourceNotFound, validation } from "../model/index.js";
import type { Route } from "./http-types.js";
import type { ApiContext } from "./api-context.js";

const NO_BODY = {
  maxBodyBytes: 0,
  tooLargeMessage: () => "This operation takes no request body",
};

/**
 * Lambkin's own endpoints under `/_lambkin/`: the zip download behind
 * GetFunction's Code.Location, and the log reader behind `lambkin logs`.
 */
export function lambkinRoutes(context: ApiContext): Route[] {
  return [
    {
      method: "GET",
      path: "/_lambkin/code/{Digest}.zip",
      ...NO_BODY,
      handler: async (request) => {
        const zip = await context.codeStore.readZip(request.params.Digest!);
        if (!zip)
          throw resourceNotFound("No deployment package has this digest.");
        return {
          status: 200,
          headers: { "Content-Type": "application/zip" },
          body: zip,
        };
      },
    },
    {
      method: "GET",
      path: "/_lambkin/logs/{FunctionName}",
      ...NO_BODY,
      handler: (request) => {
        const after = Number(request.query.get("after") ?? "0");
        const limit = Number(request.query.get("limit") ?? "1000");
        if (
          !Number.isInteger(after) ||
          !Number.isInteger(limit) ||
          limit < 1 ||
          limit > 10000
        ) {
          throw validation(
            "after must be an integer and limit an integer from 1 to 10000",
          );
        }
        const group = logGroupName(request.params.FunctionName!);
        const events = context.store.logs.read(group, after, limit);
        return {
          status: 200,
          body: {
            logGroupName: group,
            events: events.map((event) => ({
              id: event.id,
              logStreamName: event.logStream,
              timestamp: event.timestamp,
              message: event.message,
            })),
            nextAfter: events.at(-1)?.id ?? after,
          },
        };
      },
    },
  ];
}
