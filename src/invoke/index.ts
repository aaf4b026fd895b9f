export {
  Invoker,
  type InvokeInput,
  type InvokeOutput,
  type ResolvedTarget,
} from "./invoker.js";
