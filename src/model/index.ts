export * from "./errors.js";
export * from "./arn.js";
export * from "./limits.js";
export * from "./runtimes.js";
export * from "./function.js";
export * from "./validation.js";
export * from "./environment-variables.js";
