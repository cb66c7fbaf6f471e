import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError, decodeRequest, encodeResponse, encodeStatus, encodingOf } from "./otlp-codec.js";

describe("otlp-codec", () => {
  test("maps content types to encodings", () => {
    assert.equal(encodingOf("application/x-protobuf"), "protobuf");
    assert.equal(encodingOf("Application/JSON; charset=utf-8"), "json");
    assert.equal(encodingOf("text/plain"), undefined);
    assert.equal(encodingOf(undefined), undefined);
  });

  test("canonicalizes ids to hex and drops (counting) spans that cannot be placed", () => {
    const body = Buffer.from(
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: "W47/95gDgQPSabYzgT/GDA==", spanId: "7uGbfsPBsXM=", parentSpanId: "", links: [{ traceId: "W47/95gDgQPSabYzgT/GDA==", spanId: "7uGbfsPBsXM=" }] },
                  { traceId: "00000000000000000000000000000000", spanId: "0000000000000001" },
                  { traceId: "5b8efff798038103d269b633813fc60c", spanId: "0000000000000002", parentSpanId: "xyz" },
                ],
              },
            ],
          },
        ],
      }),
    );
    const decoded = decodeRequest(body, "json");
    assert.deepEqual(decoded.request, {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: "5b8efff798038103d269b633813fc60c",
                  spanId: "eee19b7ec3c1b173",
                  links: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b173" }],
                },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(decoded.acceptedSpans, 1);
    assert.equal(decoded.rejectedSpans, 2);
    assert.equal(decoded.rejectReason, "a span has no valid traceId (16 bytes, hex)");
  });

  test("rejects bodies that are not requests", () => {
    for (const body of ["", "null", "5", '{"resourceSpans":[5]}', '{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}']) {
      assert.throws(() => decodeRequest(Buffer.from(body), "json"), BadRequestError, body);
    }
    assert.throws(() => decodeRequest(Buffer.from([0x0a, 0x05, 0x01]), "protobuf"), BadRequestError);
  });

  test("encodes responses and statuses in both encodings", () => {
    assert.equal(Buffer.from(encodeResponse("json", 0, undefined)).toString(), "{}");
    assert.equal(Buffer.from(encodeResponse("json", 2, "why")).toString(), '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"why"}}');
    assert.deepEqual([...encodeResponse("protobuf", 0, undefined)], []);
    // field 1 (partial_success) { field 1 varint 2, field 2 "why" }
    assert.deepEqual([...encodeResponse("protobuf", 2, "why")], [0x0a, 0x07, 0x08, 0x02, 0x12, 0x03, 0x77, 0x68, 0x79]);
    assert.equal(Buffer.from(encodeStatus("json", "bad")).toString(), '{"code":3,"message":"bad"}');
    assert.deepEqual([...encodeStatus("protobuf", "bad")], [0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]);
  });
});
