export type {
  Sandbox,
  SandboxSpec,
  SandboxedProcess,
  SandboxExit,
  SandboxPaths,
} from "./sandbox.js";
export { OFFLINE_ENDPOINTS } from "./sandbox.js";
export { selectSandbox, type SandboxMode } from "./select-sandbox.js";
export { exitFromStatus } from "./exit-status.js";
