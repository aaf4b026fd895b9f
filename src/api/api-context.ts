import type { EnvironmentManager } from "../environments/index.js";
import type { Invoker } from "../invoke/index.js";
import type { Region } from "../model/index.js";
import type { CodeStore, Store } from "../store/index.js";

/** What the API operations work with. */
export interface ApiContext {
  store: Store;
  codeStore: CodeStore;
  invoker: Invoker;
  environments: EnvironmentManager;
  where: Region;
  /** The base URL clients reach this server at, for links such as Code.Location. */
  baseUrl: () => string;
  /** The account concurrency limit, ConcurrentExecutions. */
  concurrencyLimit: number;
}
