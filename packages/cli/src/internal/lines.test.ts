import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lines } from "./lines.js";

async function collect(chunks: Array<string | Buffer>) {
  const out = [];
  for await (const line of lines((async function* () {
    for (const c of chunks) yield typeof c === "string" ? Buffer.from(c) : c;
  })())) out.push(line);
  return out;
}

describe("lines", () => {
  test("splits across chunk boundaries, keeps multi-byte characters whole and drops CR", async () => {
    const euro = Buffer.from("€"); // 3 bytes
    const got = await collect(["ab", "c\r\nd", euro.subarray(0, 1), euro.subarray(1), "\n\nlast"]);
    assert.deepEqual(got, [
      { text: "abc", number: 1, bytes: 5 },
      { text: "d€", number: 2, bytes: 5 },
      { text: "", number: 3, bytes: 1 },
      { text: "last", number: 4, bytes: 4 },
    ]);
  });

  test("yields nothing for empty input and no phantom last line after a final newline", async () => {
    assert.deepEqual(await collect([]), []);
    assert.deepEqual(await collect(["x\n"]), [{ text: "x", number: 1, bytes: 2 }]);
  });

  test("passes stream errors on", async () => {
    const failing = (async function* () {
      yield Buffer.from("a\n");
      throw new Error("EIO");
    })();
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const line of lines(failing)) seen.push(line.text);
    }, /EIO/);
    assert.deepEqual(seen, ["a"]);
  });
});
