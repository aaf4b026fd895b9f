import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseFunctionReference,
  toFunctionConfiguration,
} from "../../src/model/index.js";
import { formatInitReport, formatReport } from "../../src/observe/index.js";

describe("parseFunctionReference", () => {
  it("reads plain names, partial ARNs and full ARNs with qualifiers", () => {
    assert.deepEqual(parseFunctionReference("my-fn"), {
      name: "my-fn",
      qualifier: undefined,
      region: undefined,
      accountId: undefined,
    });
    assert.deepEqual(parseFunctionReference("123456789012:function:my-fn:7"), {
      name: "my-fn",
      qualifier: "7",
      region: undefined,
      accountId: "123456789012",
    });
    assert.deepEqual(
      parseFunctionReference(
        "arn:aws:lambda:eu-west-1:123456789012:function:my_fn:$LATEST",
      ),
      {
        name: "my_fn",
        qualifier: "$LATEST",
        region: "eu-west-1",
        accountId: "123456789012",
      },
    );
  });

  it("refuses names outside Lambda's pattern", () => {
    assert.equal(parseFunctionReference("bad name"), undefined);
    assert.equal(parseFunctionReference("a:b:c:d"), undefined);
    assert.equal(parseFunctionReference(""), undefined);
  });
});

describe("formatReport", () => {
  it("writes AWS's tab-separated REPORT line with a trailing tab", () => {
    assert.equal(
      formatReport({
        requestId: "r-1",
        durationMs: 3.0149,
        memorySizeMb: 128,
        maxMemoryUsedMb: 41,
        initDurationMs: 110.104,
      }),
      "REPORT RequestId: r-1\tDuration: 3.01 ms\tBilled Duration: 4 ms\t" +
        "Memory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 110.10 ms\t",
    );
  });

  it("bills at least one millisecond and marks timeouts", () => {
    const line = formatReport({
      requestId: "r-2",
      durationMs: 0.2,
      memorySizeMb: 256,
      maxMemoryUsedMb: 50,
      status: "timeout",
    });
    assert.match(line, /\tBilled Duration: 1 ms\t/);
    assert.ok(line.endsWith("\tStatus: timeout\t"));
    assert.ok(!line.includes("Init Duration"));
  });
});

describe("formatInitReport", () => {
  it("writes AWS's INIT_REPORT line of a failed init", () => {
    assert.equal(
      formatInitReport({ durationMs: 150.789, errorType: "Runtime.ExitError" }),
      "INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\t" +
        "Error Type: Runtime.ExitError",
    );
  });

  it("writes AWS's INIT_REPORT line of an init that timed out", () => {
    assert.equal(
      formatInitReport({ durationMs: 10000.5 }),
      "INIT_REPORT Init Duration: 10000.50 ms\tPhase: init\tStatus: timeout",
    );
  });
});

describe("toFunctionConfiguration", () => {
  const fn = {
    name: "f",
    runtime: "nodejs20.x",
    role: "arn:aws:iam::000000000000:role/r",
    handler: "index.handler",
    description: "",
    timeout: 3,
    memorySize: 128,
    ephemeralStorage: 512,
    architectures: ["x86_64"],
    code: { sha256Hex: "00", sha256: "AA==", size: 1 },
    revisionId: "rev",
    lastModified: "2026-01-01T00:00:00.000+0000",
  };
  const where = { region: "us-east-1", accountId: "000000000000" };

  it("shows Pending after create and Active/Successful once current", () => {
    assert.equal(
      toFunctionConfiguration(fn, where, "after-create").State,
      "Pending",
    );
    const current = toFunctionConfiguration(fn, where, "current");
    assert.equal(current.State, "Active");
    assert.equal(current.LastUpdateStatus, "Successful");
  });

  it("leaves state out of list items and Environment out when unset", () => {
    const item = toFunctionConfiguration(fn, where, "list-item");
    assert.equal("State" in item, false);
    assert.equal("LastUpdateStatus" in item, false);
    assert.equal("Environment" in item, false);
  });
});
