import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderTrace, renderTraces, DEFAULT_RENDER_OPTIONS } from "../dist/esm/render-trace.js";
import { groupTraces } from "../dist/esm/group-traces.js";
import { slimSpan } from "../dist/esm/slim-span.js";
import { agentTrace, deepTrace, id, span, TRACE_A, TRACE_B, wideTrace } from "./spans.js";

const GOLDEN = [
  "trace 0af7651916cd43dd8448eb211c80319c  4 spans  1.24s  1,234 tok (1,000 in, 234 out)  $0.000123  1 error",
  "AGENT Assistant.run  1.24s",
  "├─ LLM Assistant.ask  812ms  gpt-4o-mini  1,234 tok (1,000 in, 234 out)  $0.000123",
  "│  └─ LLM OpenAI Chat Completions  790ms  gpt-4o-mini  1,234 tok (1,000 in, 234 out)",
  "└─ TOOL Assistant.weather  3.0ms  ERROR: city not found",
].join("\n");

describe("renderTrace", () => {
  test("draws kind, name, duration, model, tokens, cost and error per span under a totals header", () => {
    assert.equal(renderTrace(agentTrace()), GOLDEN);
  });

  test("gives the same text for spans in any order and for an already grouped trace", () => {
    const spans = agentTrace().reverse();
    assert.equal(renderTrace(spans), GOLDEN);
    const [trace] = groupTraces(spans);
    assert.ok(trace);
    assert.equal(renderTrace(trace), GOLDEN);
  });

  test("colours with ANSI only when asked", () => {
    const colored = renderTrace(agentTrace(), { color: true });
    assert.equal(colored.split("\n")[1], "\u001b[34mAGENT\u001b[39m Assistant.run  \u001b[2m1.24s\u001b[22m");
    assert.equal(
      colored.split("\n")[4],
      "\u001b[2m└─ \u001b[22m\u001b[33mTOOL\u001b[39m Assistant.weather  \u001b[2m3.0ms\u001b[22m  \u001b[31mERROR: city not found\u001b[39m",
    );
    assert.equal(colored.replace(/\u001b\[\d+m/g, ""), GOLDEN);
    assert.doesNotMatch(renderTrace(agentTrace(), { color: false }), /\u001b/);
  });

  test("shows no cost when none is recorded, and a total-only token count without a split", () => {
    const text = renderTrace([
      span({ id: 1, name: "embed", start: 0, end: 5, attributes: { "openinference.span.kind": "EMBEDDING", "embedding.model_name": "text-embedding-3-small", "llm.token_count.total": 8 } }),
    ]);
    assert.equal(
      text,
      ["trace 0af7651916cd43dd8448eb211c80319c  1 span  5.0ms  8 tok (0 in, 0 out)", "EMBEDDING embed  5.0ms  text-embedding-3-small  8 tok"].join("\n"),
    );
    assert.doesNotMatch(text, /\$/);
  });

  test("prints the exception event's message when an ERROR status has none", () => {
    const failing = span({ id: 1, name: "boom", start: 0, end: 1, error: "" });
    failing.events.push({ name: "exception", timeUnixNano: failing.endTimeUnixNano, attributes: { "exception.type": "TypeError", "exception.message": "x is not a function" } });
    assert.equal(renderTrace([failing]).split("\n")[1], "boom  1.0ms  ERROR: TypeError: x is not a function");
    const bare = span({ id: 1, name: "boom", start: 0, end: 1, error: "" });
    assert.equal(renderTrace([bare]).split("\n")[1], "boom  1.0ms  ERROR");
  });

  test("marks orphans and a trace whose root never arrived", () => {
    const spans = [
      span({ id: 2, parent: 1, name: "a", start: 5, end: 9 }),
      span({ id: 3, parent: 2, name: "a.child", start: 6, end: 7 }),
      span({ id: 4, parent: 9, name: "b", start: 1, end: 2 }),
    ];
    assert.equal(
      renderTrace(spans),
      [
        "trace 0af7651916cd43dd8448eb211c80319c  3 spans  8.0ms  (root span not received)",
        "b  1.0ms  (orphan: parent 0000000000000009 missing)",
        "a  4.0ms  (orphan: parent 0000000000000001 missing)",
        "└─ a.child  1.0ms",
      ].join("\n"),
    );
  });

  test("puts the root first and orphans after it", () => {
    const spans = [span({ id: 5, parent: 77, name: "early orphan", start: 0, end: 1 }), span({ id: 1, name: "root", start: 2, end: 3 })];
    const lines = renderTrace(spans).split("\n");
    assert.deepEqual(lines.slice(1), ["root  1.0ms", "early orphan  1.0ms  (orphan: parent 000000000000004d missing)"]);
    assert.doesNotMatch(lines[0] ?? "", /root span not received/);
  });

  test("never prints input, output, messages or other attributes", () => {
    const secret = "sk-live-SECRET-123";
    const text = renderTrace(
      [
        span({
          id: 1,
          name: "Assistant.ask",
          start: 0,
          end: 1,
          attributes: {
            "openinference.span.kind": "LLM",
            "input.value": secret,
            "output.value": secret,
            "llm.input_messages.0.message.content": secret,
            "llm.invocation_parameters": JSON.stringify({ apiKey: secret }),
            "http.request.header.authorization": [`Bearer ${secret}`],
            "metadata": JSON.stringify({ token: secret }),
            "user.id": secret,
          },
        }),
      ],
      { color: true },
    );
    assert.doesNotMatch(text, /SECRET/);
    assert.equal(text.split("\n").length, 2);
  });

  test("neutralizes control characters in names, models and messages", () => {
    const text = renderTrace([
      span({ id: 1, name: "evil\u001b[2J\nname\u202e", start: 0, end: 1, attributes: { "llm.model_name": "m\r\u0007x" }, error: "line1\nline2" }),
    ]);
    assert.equal(text.split("\n")[1], "evil [2J name   1.0ms  m  x  ERROR: line1 line2");
  });

  test("cuts long names", () => {
    const text = renderTrace([span({ id: 1, name: "n".repeat(500), start: 0, end: 1 })]);
    assert.equal(text.split("\n")[1], `${"n".repeat(119)}…  1.0ms`);
  });

  test("returns an empty string for no spans", () => {
    assert.equal(renderTrace([]), "");
    assert.equal(renderTraces([]), "");
  });
});

describe("renderTrace folding", () => {
  test("folds a wide trace after maxChildren children and counts what it hid", () => {
    const text = renderTrace(wideTrace(10_000), { maxChildren: 50 });
    const lines = text.split("\n");
    assert.equal(lines.length, 1 + 1 + 50 + 1);
    assert.equal(lines[0], "trace 0af7651916cd43dd8448eb211c80319c  10,000 spans  10.00s");
    assert.equal(lines[1], "root  10.00s");
    assert.equal(lines[2], "├─ child 2  500µs");
    assert.equal(lines[51], "├─ child 51  500µs");
    assert.equal(lines[52], "└─ … 9,949 more spans");
  });

  test("folds a deep trace below maxDepth", () => {
    const lines = renderTrace(deepTrace(200), { maxDepth: 3 }).split("\n");
    assert.deepEqual(lines.slice(1), [
      "level 0  398ms",
      "└─ level 1  396ms",
      "   └─ level 2  394ms",
      "      └─ level 3  392ms",
      "         └─ … 196 more spans",
    ]);
  });

  test("stops at maxLines with one line counting every span not shown", () => {
    const lines = renderTrace(deepTrace(200), { maxDepth: 1000, maxLines: 6 }).split("\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[4], "      └─ level 3  392ms");
    assert.equal(lines[5], "… 196 more spans");
  });

  test("keeps the defaults bounded for 10,000 spans wide and 200 deep", () => {
    const wide = renderTrace(wideTrace(10_000)).split("\n");
    assert.equal(wide.length, 1 + 1 + DEFAULT_RENDER_OPTIONS.maxChildren + 1);
    assert.equal(wide.at(-1), `└─ … ${(10_000 - 1 - DEFAULT_RENDER_OPTIONS.maxChildren).toLocaleString("en-US")} more spans`);
    const deep = renderTrace(deepTrace(200)).split("\n");
    assert.equal(deep.length, 1 + DEFAULT_RENDER_OPTIONS.maxDepth + 1 + 1);
    assert.equal(deep.at(-1)?.trim(), `└─ … ${200 - DEFAULT_RENDER_OPTIONS.maxDepth - 1} more spans`);
  });

  test("accounts for every span: shown lines plus folded counts equal the span count", () => {
    // A bushy tree: 1 root, 30 children, each with 30 children.
    const spans = [span({ id: 1, name: "root", start: 0, end: 1000 })];
    let next = 2;
    for (let i = 0; i < 30; i++) {
      const parent = next++;
      spans.push(span({ id: parent, parent: 1, name: `c${i}`, start: i, end: i + 1 }));
      for (let j = 0; j < 30; j++) spans.push(span({ id: next++, parent, name: `g${i}.${j}`, start: i + j / 100, end: i + 1 }));
    }
    for (const options of [{ maxChildren: 7 }, { maxDepth: 1 }, { maxLines: 40 }, { maxChildren: 3, maxLines: 9 }]) {
      const lines = renderTrace(spans, options).split("\n").slice(1);
      let total = 0;
      for (const line of lines) {
        const folded = /… ([\d,]+) more spans?$/.exec(line);
        total += folded ? Number(folded[1]?.replace(/,/g, "")) : 1;
      }
      assert.equal(total, spans.length, JSON.stringify(options));
    }
  });

  // Speed is measured by `pnpm bench`, not asserted here; this only proves the big shapes render in full.
  test("renders 10,000 spans wide and 10,000 deep", () => {
    const wide = renderTrace(wideTrace(10_000), { maxChildren: Infinity, maxLines: Infinity });
    assert.ok(wide.split("\n").length > 10_000);
    const deep = renderTrace(deepTrace(10_000), { maxDepth: 50 });
    assert.match(deep, /more spans?/);
  });
});

describe("renderTraces", () => {
  test("renders each trace in start order, separated by an empty line", () => {
    const b = [span({ trace: TRACE_B, id: 1, name: "first", start: -5, end: -4 })];
    const text = renderTraces([...agentTrace(), ...b]);
    assert.equal(text, [`trace ${TRACE_B}  1 span  1.0ms`, "first  1.0ms", "", GOLDEN].join("\n"));
    assert.equal(renderTrace([...agentTrace(), ...b]), text);
    assert.equal(renderTraces(groupTraces([...b, ...agentTrace()])), text);
  });

  test("uses ids as given", () => {
    assert.equal(id(255), "00000000000000ff");
    assert.match(renderTraces(agentTrace()), new RegExp(`^trace ${TRACE_A}`));
  });
});

describe("slimSpan", () => {
  test("keeps exactly what rendering and totals need", () => {
    const spans = agentTrace().map((s) => ({
      ...s,
      attributes: { ...s.attributes, "input.value": "big input", "output.value": "big output" },
      resource: { "service.name": "svc" },
      scope: { name: "x" },
    }));
    const failing = spans[3];
    assert.ok(failing);
    failing.status = { code: 2 };
    failing.events = [
      { name: "log", timeUnixNano: 1n, attributes: { note: "dropped" } },
      { name: "exception", timeUnixNano: 2n, attributes: { "exception.message": "city not found", "exception.stacktrace": "at ..." } },
    ];
    const slim = spans.map(slimSpan);
    assert.equal(renderTrace(slim), GOLDEN);
    assert.deepEqual(slim[3]?.events, [{ name: "exception", timeUnixNano: 2n, attributes: { "exception.message": "city not found" } }]);
    assert.deepEqual(Object.keys(slim[1]?.attributes ?? {}).sort(), [
      "llm.cost.total",
      "llm.model_name",
      "llm.token_count.completion",
      "llm.token_count.prompt",
      "llm.token_count.total",
      "openinference.span.kind",
    ]);
    assert.equal("resource" in (slim[0] ?? {}), false);
  });
});
