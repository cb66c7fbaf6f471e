import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatCost, formatDuration, groupDigits, sanitize } from "./format.js";

describe("formatDuration", () => {
  test("picks a compact unit", () => {
    const cases: Array<[bigint, string]> = [
      [-1n, "?"],
      [0n, "0ns"],
      [999n, "999ns"],
      [1_000n, "1µs"],
      [420_400n, "420µs"],
      [999_499n, "999µs"],
      [999_500n, "1.0ms"],
      [1_240_000n, "1.2ms"],
      [9_949_999n, "9.9ms"],
      [9_950_000n, "10ms"],
      [12_400_000n, "12ms"],
      [999_499_999n, "999ms"],
      [999_500_000n, "1.00s"],
      [1_240_000_000n, "1.24s"],
      [59_994_000_000n, "59.99s"],
      [59_995_000_000n, "1m 00s"],
      [62_000_000_000n, "1m 02s"],
      [3_599_000_000_000n, "59m 59s"],
      [7_500_000_000_000n, "2h 05m"],
    ];
    for (const [nanos, text] of cases) assert.equal(formatDuration(nanos), text, String(nanos));
  });
});

describe("formatCost", () => {
  test("shows dollars with precision that fits the amount", () => {
    const cases: Array<[number, string]> = [
      [0, "$0"],
      [0.000123, "$0.000123"],
      [0.0000001, "<$0.000001"],
      [0.0123, "$0.0123"],
      [0.5, "$0.5000"],
      [1.5, "$1.50"],
      [1.999, "$2.00"],
      [12345.678, "$12,345.68"],
      [-0.002, "-$0.002000"],
    ];
    for (const [usd, text] of cases) assert.equal(formatCost(usd), text, String(usd));
  });
});

describe("groupDigits and sanitize", () => {
  test("group thousands without a locale", () => {
    assert.equal(groupDigits(0), "0");
    assert.equal(groupDigits(999), "999");
    assert.equal(groupDigits(1000), "1,000");
    assert.equal(groupDigits(1234567.4), "1,234,567");
    assert.equal(groupDigits(-1234), "-1,234");
  });

  test("keep text on one line and cut it without splitting a surrogate pair", () => {
    assert.equal(sanitize("a\tb\u0085c\u2028d", 50), "a b c d");
    assert.equal(sanitize("abcdef", 4), "abc…");
    assert.equal(sanitize("ab😀cd", 4), "ab…");
  });
});
