export { EnvironmentManager, type CodeLocator } from "./environment-manager.js";
export type { EnvironmentDeps } from "./environment-deps.js";
export { prepareProvidedModules } from "./provided-modules.js";
export type { PlatformEndpoints } from "./environment-variables.js";
export type {
  InvocationRequest,
  InvocationResult,
  InvocationOutcome,
} from "./invocation.js";
