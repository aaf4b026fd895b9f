import Database from "better-sqlite3";
import type { FunctionRecord, LayerVersionRecord } from "../model/index.js";
import type {
  EventQueue,
  FunctionTable,
  LayerTable,
  LogEvent,
  LogTable,
  QueuedEvent,
  Store,
} from "./store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS functions (
  name TEXT PRIMARY KEY,
  revision_id TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS layer_names (
  name TEXT PRIMARY KEY,
  last_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS layer_versions (
  layer_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (layer_name, version)
);
CREATE TABLE IF NOT EXISTS async_events (
  request_id TEXT PRIMARY KEY,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  invoked_arn TEXT NOT NULL,
  payload BLOB NOT NULL,
  enqueued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  running INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS async_events_waiting ON async_events (running, enqueued_at);
CREATE TABLE IF NOT EXISTS log_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  log_group TEXT NOT NULL,
  log_stream TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_group ON log_events (log_group, id);
`;

/** The embedded default store: one SQLite file through better-sqlite3. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return {
    functions: functionTable(db),
    layers: layerTable(db),
    events: eventQueue(db),
    logs: logTable(db),
    close: () => db.close(),
  };
}

function functionTable(db: Database.Database): FunctionTable {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO functions (name, revision_id, code_size, record) VALUES (?, ?, ?, ?)",
  );
  const get = db.prepare<[string], { record: string }>(
    "SELECT record FROM functions WHERE name = ?",
  );
  const list = db.prepare<[string, number], { record: string }>(
    "SELECT record FROM functions WHERE name > ? ORDER BY name LIMIT ?",
  );
  const replace = db.prepare(
    `UPDATE functions SET revision_id = ?, code_size = ?, record = ?
     WHERE name = ? AND revision_id = ?`,
  );
  const remove = db.prepare("DELETE FROM functions WHERE name = ?");
  const usage = db.prepare<
    [],
    { functionCount: number; totalCodeSize: number }
  >(
    "SELECT COUNT(*) AS functionCount, COALESCE(SUM(code_size), 0) AS totalCodeSize FROM functions",
  );
  const parse = (
    row: { record: string } | undefined,
  ): FunctionRecord | undefined =>
    row ? (JSON.parse(row.record) as FunctionRecord) : undefined;
  return {
    insert: (fn) =>
      insert.run(fn.name, fn.revisionId, fn.code.size, JSON.stringify(fn))
        .changes === 1,
    get: (name) => parse(get.get(name)),
    list: (afterName, limit) =>
      list.all(afterName ?? "", limit).map((row) => parse(row)!),
    replace: (fn, expectedRevision) =>
      replace.run(
        fn.revisionId,
        fn.code.size,
        JSON.stringify(fn),
        fn.name,
        expectedRevision,
      ).changes === 1,
    delete: (name) => remove.run(name).changes === 1,
    usage: () => usage.get()!,
  };
}

function layerTable(db: Database.Database): LayerTable {
  const bump = db.prepare<[string], { last_version: number }>(
    `INSERT INTO layer_names (name, last_version) VALUES (?, 1)
     ON CONFLICT (name) DO UPDATE SET last_version = last_version + 1
     RETURNING last_version`,
  );
  const insert = db.prepare(
    "INSERT INTO layer_versions (layer_name, version, record) VALUES (?, ?, ?)",
  );
  const get = db.prepare<[string, number], { record: string }>(
    "SELECT record FROM layer_versions WHERE layer_name = ? AND version = ?",
  );
  const all = db.prepare<[], { record: string }>(
    "SELECT record FROM layer_versions ORDER BY layer_name, version DESC",
  );
  const remove = db.prepare(
    "DELETE FROM layer_versions WHERE layer_name = ? AND version = ?",
  );
  const parse = (row: { record: string }) =>
    JSON.parse(row.record) as LayerVersionRecord;
  const publish = db.transaction(
    (layer: Omit<LayerVersionRecord, "version">): LayerVersionRecord => {
      const version = bump.get(layer.layerName)!.last_version;
      const record: LayerVersionRecord = { ...layer, version };
      insert.run(layer.layerName, version, JSON.stringify(record));
      return record;
    },
  );
  return {
    publish: (layer) => publish(layer),
    get: (layerName, version) => {
      const row = get.get(layerName, version);
      return row ? parse(row) : undefined;
    },
    all: () => all.all().map(parse),
    delete: (layerName, version) => {
      remove.run(layerName, version);
    },
  };
}

interface EventRow {
  request_id: string;
  function_name: string;
  qualifier: string;
  invoked_arn: string;
  payload: Buffer;
  enqueued_at: number;
  attempts: number;
}

function eventQueue(db: Database.Database): EventQueue {
  const insert = db.prepare(
    `INSERT INTO async_events
       (request_id, function_name, qualifier, invoked_arn, payload, enqueued_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const oldest = db.prepare<[], EventRow>(
    "SELECT * FROM async_events WHERE running = 0 ORDER BY enqueued_at LIMIT 1",
  );
  const markRunning = db.prepare(
    "UPDATE async_events SET running = 1, attempts = attempts + 1 WHERE request_id = ?",
  );
  const remove = db.prepare("DELETE FROM async_events WHERE request_id = ?");
  const recover = db.prepare(
    "UPDATE async_events SET running = 0 WHERE running = 1",
  );
  const waiting = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM async_events WHERE running = 0",
  );
  const claim = db.transaction((): QueuedEvent | undefined => {
    const row = oldest.get();
    if (!row) return undefined;
    markRunning.run(row.request_id);
    return {
      requestId: row.request_id,
      functionName: row.function_name,
      qualifier: row.qualifier,
      invokedArn: row.invoked_arn,
      payload: row.payload,
      enqueuedAt: row.enqueued_at,
      attempts: row.attempts + 1,
    };
  });
  return {
    enqueue: (event) => {
      insert.run(
        event.requestId,
        event.functionName,
        event.qualifier,
        event.invokedArn,
        event.payload,
        event.enqueuedAt,
      );
    },
    claim: () => claim(),
    complete: (requestId) => {
      remove.run(requestId);
    },
    recoverRunning: () => recover.run().changes,
    waiting: () => waiting.get()!.n,
  };
}

interface LogRow {
  id: number;
  log_group: string;
  log_stream: string;
  timestamp: number;
  message: string;
}

function logTable(db: Database.Database): LogTable {
  const insert = db.prepare(
    "INSERT INTO log_events (log_group, log_stream, timestamp, message) VALUES (?, ?, ?, ?)",
  );
  const read = db.prepare<[string, number, number], LogRow>(
    "SELECT * FROM log_events WHERE log_group = ? AND id > ? ORDER BY id LIMIT ?",
  );
  const appendAll = db.transaction((events: Omit<LogEvent, "id">[]) => {
    for (const e of events)
      insert.run(e.logGroup, e.logStream, e.timestamp, e.message);
  });
  return {
    append: (events) => appendAll(events),
    read: (logGroup, afterId, limit) =>
      read.all(logGroup, afterId, limit).map((row) => ({
        id: row.id,
        logGroup: row.log_group,
        logStream: row.log_stream,
        timestamp: row.timestamp,
        message: row.message,
      })),
  };
}
