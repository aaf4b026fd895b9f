import type { FunctionRecord, LayerVersionRecord } from "../model/index.js";

/** An Event invocation waiting in, or taken from, the durable queue. */
export interface QueuedEvent {
  requestId: string;
  functionName: string;
  qualifier: string;
  invokedArn: string;
  payload: Buffer;
  enqueuedAt: number;
  attempts: number;
}

/** One line of a function's log, as a CloudWatch Logs event. */
export interface LogEvent {
  id: number;
  logGroup: string;
  logStream: string;
  timestamp: number;
  message: string;
}

/** Persistence of functions. */
export interface FunctionTable {
  /** Inserts a new function; returns false if the name is taken. */
  insert(fn: FunctionRecord): boolean;
  get(name: string): FunctionRecord | undefined;
  /** Functions in name order, after `afterName` when given. */
  list(afterName: string | undefined, limit: number): FunctionRecord[];
  /** Replaces a function if its stored RevisionId is still `expectedRevision`. */
  replace(fn: FunctionRecord, expectedRevision: string): boolean;
  delete(name: string): boolean;
  usage(): { functionCount: number; totalCodeSize: number };
}

/** Persistence of layer versions. */
export interface LayerTable {
  /** Stores a new version numbered one past the layer's last, even a deleted one. */
  publish(layer: Omit<LayerVersionRecord, "version">): LayerVersionRecord;
  get(layerName: string, version: number): LayerVersionRecord | undefined;
  /** Every stored version, by layer name and then newest first. */
  all(): LayerVersionRecord[];
  delete(layerName: string, version: number): void;
}

/** The durable queue of Event invocations. */
export interface EventQueue {
  enqueue(event: QueuedEvent): void;
  /** Takes the oldest waiting event and marks it running. */
  claim(): QueuedEvent | undefined;
  /** Removes an event once it has been handled. */
  complete(requestId: string): void;
  /** Puts events left running by a previous process back in line. */
  recoverRunning(): number;
  waiting(): number;
}

/** Log groups and streams of functions. */
export interface LogTable {
  append(events: Omit<LogEvent, "id">[]): void;
  /** Events of a group with an id above `afterId`, oldest first. */
  read(logGroup: string, afterId: number, limit: number): LogEvent[];
}

/** Everything Lambkin keeps, behind one interface. */
export interface Store {
  functions: FunctionTable;
  layers: LayerTable;
  events: EventQueue;
  logs: LogTable;
  close(): void;
}
