import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fromOtlpJson, otlpId } from "./from-otlp-json.js";

const TRACE = "5b8efff798038103d269b633813fc60c";
const REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
      scopeSpans: [
        {
          scope: { name: "calltree", version: "0.1.0" },
          spans: [
            {
              traceId: TRACE,
              spanId: "EEE19B7EC3C1B174",
              parentSpanId: "eee19b7ec3c1b173",
              name: "child",
              kind: 1,
              startTimeUnixNano: "1544712660000000000",
              endTimeUnixNano: 1544712661000000000,
              attributes: [
                { key: "s", value: { stringValue: "x" } },
                { key: "b", value: { boolValue: false } },
                { key: "i", value: { intValue: "42" } },
                { key: "j", value: { intValue: 7 } },
                { key: "d", value: { doubleValue: 1.5 } },
                { key: "nan", value: { doubleValue: "NaN" } },
                { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: "1" }, {}] } } },
                { key: "kv", value: { kvlistValue: { values: [{ key: "inner", value: { boolValue: true } }] } } },
                { key: "bytes", value: { bytesValue: "AQI=" } },
                { key: "empty", value: {} },
              ],
              events: [{ timeUnixNano: "1544712660500000000", name: "note", attributes: [{ key: "k", value: { stringValue: "v" } }] }],
              status: { code: "STATUS_CODE_ERROR", message: "bad" },
            },
            // Base64 ids, as generic protobuf-JSON writers spell bytes; an all-zero parent means none.
            { traceId: "W47/95gDgQPSabYzgT/GDA==", spanId: "7uGbfsPBsXM=", parentSpanId: "0000000000000000", name: "root", startTimeUnixNano: "1", endTimeUnixNano: "2", status: {} },
          ],
        },
      ],
    },
  ],
};

describe("fromOtlpJson", () => {
  test("normalizes every AnyValue variant, ids, times, status and events", () => {
    const [child, root] = fromOtlpJson(REQUEST);
    assert.deepEqual(child, {
      traceId: TRACE,
      spanId: "eee19b7ec3c1b174",
      parentSpanId: "eee19b7ec3c1b173",
      name: "child",
      startTimeUnixNano: 1544712660000000000n,
      endTimeUnixNano: 1544712661000000000n,
      attributes: { s: "x", b: false, i: 42, j: 7, d: 1.5, nan: Number.NaN, a: ["p", 1, null], kv: { inner: true }, bytes: "AQI=", empty: null },
      status: { code: 2, message: "bad" },
      events: [{ name: "note", timeUnixNano: 1544712660500000000n, attributes: { k: "v" } }],
      resource: { "service.name": "svc" },
      scope: { name: "calltree", version: "0.1.0" },
    });
    assert.deepEqual(root, {
      traceId: TRACE,
      spanId: "eee19b7ec3c1b173",
      name: "root",
      startTimeUnixNano: 1n,
      endTimeUnixNano: 2n,
      attributes: {},
      status: { code: 0 },
      events: [],
      resource: { "service.name": "svc" },
      scope: { name: "calltree", version: "0.1.0" },
    });
  });

  test("skips spans without valid ids and never throws on junk", () => {
    const bad = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "xyz", spanId: "0000000000000001" }, { traceId: TRACE }, null, 5] }] }] };
    assert.deepEqual(fromOtlpJson(bad), []);
    for (const junk of [null, undefined, 1, "x", [], { resourceSpans: "no" }, { resourceSpans: [null, { scopeSpans: {} }] }]) {
      assert.deepEqual(fromOtlpJson(junk), []);
    }
  });

  test("otlpId accepts hex and base64 of the right length only", () => {
    assert.equal(otlpId("EEE19B7EC3C1B174", 8), "eee19b7ec3c1b174");
    assert.equal(otlpId("7uGbfsPBsXM=", 8), "eee19b7ec3c1b173");
    assert.equal(otlpId("eee19b7ec3c1b174", 16), undefined);
    assert.equal(otlpId("", 8), undefined);
    assert.equal(otlpId(12, 8), undefined);
  });
});
