export type {
  Sandbox,
  SandboxSpec,
  SandboxedProcess,
  SandboxExit,
} from "./sandbox.js";
export { ProcessSandbox } from "./process-sandbox.js";
