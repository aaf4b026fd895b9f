export { startServer, type RunningServer } from "./lambkin-server.js";
export { defaultConfig, DEFAULT_PORT, type ServerConfig } from "./config.js";
export type { SandboxMode } from "../sandbox/index.js";
