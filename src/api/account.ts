import { LIMITS } from "../model/index.js";
import type { Route } from "./http-types.js";
import type { ApiContext } from "./api-context.js";

/** GetAccountSettings. */
export function accountRoutes(context: ApiContext): Route[] {
  return [
    {
      method: "GET",
      path: "/2016-08-19/account-settings",
      maxBodyBytes: 0,
      tooLargeMessage: () => "GetAccountSettings takes no request body",
      handler: () => {
        const usage = context.store.functions.usage();
        // Limitation: no reserved concurrency yet, so all of it is unreserved.
        return {
          status: 200,
          body: {
            AccountLimit: {
              TotalCodeSize: LIMITS.totalCodeSizeBytes,
              CodeSizeUnzipped: LIMITS.unzippedCodeMaxBytes,
              CodeSizeZipped: LIMITS.zippedCodeMaxBytes,
              ConcurrentExecutions: context.concurrencyLimit,
              UnreservedConcurrentExecutions: context.concurrencyLimit,
            },
            AccountUsage: {
              TotalCodeSize: usage.totalCodeSize,
              FunctionCount: usage.functionCount,
            },
          },
        };
      },
    },
  ];
}
