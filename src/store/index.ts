export type {
  Store,
  FunctionTable,
  EventQueue,
  LogTable,
  QueuedEvent,
  LogEvent,
} from "./store.js";
export { openSqliteStore } from "./sqlite-store.js";
export { mergeTrees } from "./merge-trees.js";
export { buildTreeOnce } from "./build-tree-once.js";
export {
  CodeStore,
  CodeRejectedError,
  type CodeRejection,
} from "./code-store.js";
