export { EventQueueWorker, type WorkerTiming } from "./event-queue-worker.js";
