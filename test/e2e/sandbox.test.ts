import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { before, describe, it } from "node:test";
import { UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { countMatching, pollFunctionLog } from "../support/logs.js";
import {
  bystander,
  createFunction,
  invoke,
  logTailOf,
  payloadOf,
  zipFiles,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

/** A function whose handler body is `body` (ES module, may use `await`). */
const fn = (body: string, prelude = "") =>
  zipFiles({
    "index.mjs": `${prelude}\nexport const handler = async (event) => {\n${body}\n};`,
  });

const errorTypeOf = (output: Parameters<typeof payloadOf>[0]) =>
  (payloadOf(output) as { errorType?: string }).errorType;

// One test per attack: each runs a function that tries it, checks that it is
// contained, and checks that another function keeps answering meanwhile.
describe("the isolated sandbox", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin({ args: ["--sandbox", "isolated"] });
    await bystander.create(lambkin.client);
  });

  const bystanderAnswers = () => bystander.answers(lambkin.client);

  it("says at startup that isolation is in force", () => {
    assert.match(lambkin.stdout(), /^Isolation: isolated: /m);
  });

  it("hides the host's files and Lambkin's database", async () => {
    await createFunction(
      lambkin.client,
      "snoop-host",
      fn(
        `const tryRead = (file) => { try { fs.readFileSync(file); return "read"; } catch (e) { return e.code; } };
         return {
           shadow: tryRead("/etc/shadow"),
           database: tryRead(event.database),
           root: fs.readdirSync("/").sort(),
           uid: process.getuid(),
         };`,
        "import fs from 'node:fs';",
      ),
    );
    const seen = payloadOf(
      await invoke(lambkin.client, "snoop-host", {
        database: `${lambkin.dataDir}/lambkin.db`,
      }),
    ) as { shadow: string; database: string; root: string[]; uid: number };
    assert.equal(seen.shadow, "ENOENT");
    assert.equal(seen.database, "ENOENT");
    assert.notEqual(seen.uid, 0);
    for (const hostOnly of ["root", "home", "work", "srv"]) {
      assert.ok(!seen.root.includes(hostOnly), `/${hostOnly} is visible`);
    }
    await bystanderAnswers();
  });

  it("keeps code read-only and /tmp private to each environment", async () => {
    await createFunction(
      lambkin.client,
      "writer",
      fn(
        `fs.writeFileSync("/tmp/secret", "mine");
         let codeWritable = true;
         try { fs.writeFileSync("/var/task/index.mjs", "x"); } catch { codeWritable = false; }
         return { codeWritable };`,
        "import fs from 'node:fs';",
      ),
    );
    await createFunction(
      lambkin.client,
      "reader",
      fn(
        "return { tmp: fs.readdirSync('/tmp'), task: fs.readdirSync('/var/task') };",
        "import fs from 'node:fs';",
      ),
    );
    assert.deepEqual(payloadOf(await invoke(lambkin.client, "writer")), {
      codeWritable: false,
    });
    assert.deepEqual(payloadOf(await invoke(lambkin.client, "reader")), {
      tmp: [],
      task: ["index.mjs"],
    });
    await bystanderAnswers();
  });

  it("cannot signal processes outside the sandbox", async () => {
    await createFunction(
      lambkin.client,
      "assassin",
      fn(
        `const attempt = (pid) => { try { process.kill(pid, "SIGKILL"); return "killed"; } catch (e) { return e.code; } };
         return { server: attempt(event.serverPid), init: attempt(1) };`,
      ),
    );
    const serverPid = Number(/"pid":(\d+)/.exec(lambkin.stderr())?.[1]);
    assert.ok(serverPid > 1);
    const result = payloadOf(
      await invoke(lambkin.client, "assassin", { serverPid }),
    ) as { server: string; init: string };
    assert.ok(["ESRCH", "EPERM"].includes(result.server), result.server);
    assert.equal(result.init, "EPERM");
    await bystanderAnswers();
  });

  it("stops a fork bomb at the pids limit", async () => {
    await createFunction(
      lambkin.client,
      "fork-bomb",
      fn(
        `const children = [];
         let error = "none";
         for (let i = 0; i < 3000; i++) {
           try {
             const child = spawn("sleep", ["30"], { stdio: "ignore" });
             const failed = await new Promise((resolve) => {
               child.once("spawn", () => resolve(false));
               child.once("error", (e) => { error = e.code; resolve(true); });
             });
             if (failed) break;
             children.push(child);
           } catch (e) { error = e.code; break; }
         }
         return { started: children.length, error };`,
        "import { spawn } from 'node:child_process';",
      ),
      { MemorySize: 2048, Timeout: 60 },
    );
    const result = payloadOf(await invoke(lambkin.client, "fork-bomb")) as {
      started: number;
      error: string;
    };
    assert.ok(result.started < 1024, `started ${result.started}`);
    assert.equal(result.error, "EAGAIN");
    await bystanderAnswers();
  });

  it("ends an environment that allocates past its MemorySize", async () => {
    await createFunction(
      lambkin.client,
      "memory-hog",
      fn(
        `const hoard = [];
         for (let i = 0; i < 64; i++) hoard.push(Buffer.alloc(16 * 1024 * 1024, 1));
         return hoard.length;`,
      ),
      { MemorySize: 256, Timeout: 30 },
    );
    const output = await invoke(lambkin.client, "memory-hog");
    assert.equal(output.FunctionError, "Unhandled");
    assert.equal(errorTypeOf(output), "Runtime.OutOfMemory");
    assert.match(
      logTailOf(output),
      /\tMemory Size: 256 MB\tMax Memory Used: 2(4|5)\d MB\t/,
    );
    await bystanderAnswers();
  });

  it("reports the measured peak as Max Memory Used", async () => {
    await createFunction(
      lambkin.client,
      "peak",
      fn(
        `const block = Buffer.alloc(150 * 1024 * 1024, 1);
         return block.length;`,
      ),
      { MemorySize: 512, Timeout: 30 },
    );
    const output = await invoke(lambkin.client, "peak");
    const used = Number(
      /Max Memory Used: (\d+) MB/.exec(logTailOf(output))?.[1],
    );
    assert.ok(used >= 150 && used < 300, `Max Memory Used ${used} MB`);
  });

  it("fails writes past EphemeralStorage with ENOSPC", async () => {
    await createFunction(
      lambkin.client,
      "tmp-filler",
      fn(
        `const chunk = Buffer.alloc(16 * 1024 * 1024, 1);
         let written = 0;
         try {
           const fd = fs.openSync("/tmp/fill", "w");
           for (;;) { fs.writeSync(fd, chunk); written += chunk.length; }
         } catch (e) {
           fs.rmSync("/tmp/fill", { force: true });
           return { code: e.code, writtenMb: written / 1024 / 1024 };
         }`,
        "import fs from 'node:fs';",
      ),
      { MemorySize: 1024, EphemeralStorage: { Size: 512 }, Timeout: 60 },
    );
    const result = payloadOf(await invoke(lambkin.client, "tmp-filler")) as {
      code: string;
      writtenMb: number;
    };
    assert.equal(result.code, "ENOSPC");
    assert.ok(
      result.writtenMb >= 480 && result.writtenMb <= 512,
      `${result.writtenMb} MB`,
    );
    await bystanderAnswers();
  });

  it("leaves no background children once the environment ends", async () => {
    await createFunction(
      lambkin.client,
      "spawner",
      fn(
        `spawn("sleep", ["4242.5"], { stdio: "ignore", detached: true }).unref();
         return "spawned";`,
        "import { spawn } from 'node:child_process';",
      ),
    );
    assert.equal(payloadOf(await invoke(lambkin.client, "spawner")), "spawned");
    const running = () =>
      execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.trim() === "sleep 4242.5").length;
    assert.equal(running(), 1);
    await lambkin.client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "spawner",
        Timeout: 4,
      }),
    );
    const deadline = Date.now() + 5_000;
    while (running() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(running(), 0);
  });

  it("gives a function in a VPC no network, but its Runtime API and Lambkin's", async () => {
    const listener = createServer((socket) => socket.end("reached"));
    await new Promise<void>((resolve) =>
      listener.listen(0, "127.0.0.1", resolve),
    );
    const port = (listener.address() as AddressInfo).port;
    const probe = fn(
      `const reach = () => new Promise((resolve) => {
         const socket = net.connect(event.port, "127.0.0.1");
         socket.once("data", (data) => resolve(String(data)));
         socket.once("error", (e) => resolve(e.code));
       });
       const functions = await lambda.send(new ListFunctionsCommand({}));
       return {
         host: await reach(),
         interfaces: Object.keys(os.networkInterfaces()),
         lambkin: functions.Functions.length > 0,
       };`,
      `import net from "node:net";
       import os from "node:os";
       import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
       const lambda = new LambdaClient({});`,
    );
    await createFunction(lambkin.client, "in-vpc", probe, {
      VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: ["sg-1"] },
      Timeout: 10,
    });
    await createFunction(lambkin.client, "outside-vpc", probe, { Timeout: 10 });
    try {
      const inside = await invoke(lambkin.client, "in-vpc", { port });
      assert.deepEqual(payloadOf(inside), {
        host: "ECONNREFUSED",
        interfaces: ["lo"],
        lambkin: true,
      });
      const outside = await invoke(lambkin.client, "outside-vpc", { port });
      assert.equal((payloadOf(outside) as { host: string }).host, "reached");
    } finally {
      listener.close();
    }
    await bystanderAnswers();
  });

  it("keeps 1 GB written to stdout from filling the log or stalling others", async () => {
    await createFunction(
      lambkin.client,
      "firehose",
      fn(
        `const line = Buffer.from("y".repeat(1023) + "\\n");
         const chunk = Buffer.concat(Array(1024).fill(line));
         for (let i = 0; i < 1024; i++) {
           await new Promise((resolve) => process.stdout.write(chunk, resolve));
         }
         return "done";`,
      ),
      { MemorySize: 1769, Timeout: 60 },
    );
    const running = invoke(lambkin.client, "firehose");
    await bystanderAnswers();
    assert.equal(payloadOf(await running), "done");
    const log = await pollFunctionLog(
      lambkin.url,
      "firehose",
      (lines) => countMatching(lines, /^REPORT /) === 1,
      { timeoutMs: 30_000, what: "the firehose's REPORT line" },
    );
    assert.ok(log.length < 1100, `${log.length} log events kept`);
    assert.equal(countMatching(log, /^Lambkin: log output passed/), 1);
  });

  it("freezes an idle environment: its timers do not fire", async () => {
    await createFunction(
      lambkin.client,
      "ticker",
      fn(
        "return ticks;",
        "let ticks = 0; setInterval(() => { ticks += 1; }, 10);",
      ),
      { MemorySize: 1769 },
    );
    const first = payloadOf(await invoke(lambkin.client, "ticker")) as number;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = payloadOf(await invoke(lambkin.client, "ticker")) as number;
    assert.ok(second - first < 20, `${second - first} ticks while idle`);
  });
});
