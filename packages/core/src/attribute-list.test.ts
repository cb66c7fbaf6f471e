import { test } from "node:test";
import assert from "node:assert/strict";
import { AttributeList } from "./attribute-list.js";

test("AttributeList keeps pairs in order, leaves out undefined values and reads the last value of a key", () => {
  const list = new AttributeList();
  list.set("a", 1);
  list.set("b", undefined);
  list.set("c", "x");
  list.set("a", 2);
  assert.deepEqual(list.keys, ["a", "c", "a"]);
  assert.deepEqual(list.values, [1, "x", 2]);
  assert.equal(list.length, 3);
  assert.equal(list.get("a"), 2);
  assert.equal(list.get("b"), undefined);
  assert.deepEqual(list.toAttributes(), { a: 2, c: "x" });
});

test("AttributeList.truncate takes back the pairs set after a count", () => {
  const list = new AttributeList();
  list.set("a", 1);
  const mark = list.length;
  list.set("b", 2);
  list.set("c", 3);
  list.truncate(mark);
  assert.deepEqual(list.toAttributes(), { a: 1 });
  list.truncate(5);
  assert.equal(list.length, 1);
});
