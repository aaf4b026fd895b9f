/**
 * The bench's baseline: the least a Node.js HTTP server can do for an Invoke
 * of echo, reading the JSON body and answering with its `message`. It runs in
 * its own process, as Lambkin does, and prints its URL once it listens.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      message?: unknown;
    };
    const body = JSON.stringify({ message: event.message ?? null });
    response.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address() as AddressInfo;
process.stdout.write(`baseline listening on http://127.0.0.1:${port}\n`);
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
