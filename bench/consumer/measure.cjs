"use strict";
// The consumer's measurement (issue 12): what a user who installed calltree measures in their own app, outside
// the bench's harness. Their own BasicTracerProvider with a BatchSpanProcessor over a discarding exporter,
// registered as the global provider with an AsyncLocalStorageContextManager; a plain `for (…) await fn(i)` loop;
// interleaved rounds; medians, and as the ratio the median of the rounds' ratios. The entry files (esm.mjs,
// cjs.cjs) load every module in their own format and hand them here, so the only difference between them is which
// build of calltree (and of OpenTelemetry) runs.
// Times are the process's CPU time (user + system), as in the bench's harness: on a machine shared with other work
// wall time mostly measures the wait for a core.
//   node esm.mjs|cjs.cjs [--provider global|own] [--calls 50000] [--rounds 7] [--before DIR]
// --before DIR adds a row for a saved build of calltree (DIR/node_modules/@calltree/{core,chain}), interleaved.

const { parseArgs } = require("node:util");

function median(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function measure(m) {
  const { values } = parseArgs({
    options: {
      provider: { type: "string", default: "global" },
      calls: { type: "string", default: "50000" },
      rounds: { type: "string", default: "7" },
      before: { type: "string" },
    },
  });
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  const { api, sdk, asyncHooks, SC, MimeType, sem, chain, useTracerProvider } = m;
  const chainBefore = values.before === undefined ? undefined : await m.loadBefore(values.before);

  let exported = 0;
  const exporter = {
    export(spans, done) {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
  const provider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  api.context.setGlobalContextManager(new asyncHooks.AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(provider);
  if (values.provider === "own") useTracerProvider(provider);

  const decorated = (dec) => {
    class Service {
      async run(i) {
        return i;
      }
    }
    // What TypeScript emits for a legacy (experimentalDecorators) method decorator.
    const desc = Object.getOwnPropertyDescriptor(Service.prototype, "run");
    Object.defineProperty(Service.prototype, "run", dec(Service.prototype, "run", desc) || desc);
    return new Service();
  };
  const service = decorated(chain);

  // By hand, tight: the same information (kind, input, output, MIME types, code.*), keys in constants.
  const tracer = api.trace.getTracer("consumer");
  const KIND = SC.OPENINFERENCE_SPAN_KIND;
  const IN = SC.INPUT_VALUE;
  const IN_MIME = SC.INPUT_MIME_TYPE;
  const OUT = SC.OUTPUT_VALUE;
  const OUT_MIME = SC.OUTPUT_MIME_TYPE;
  const JSON_MIME = MimeType.JSON;
  const CHAIN = "CHAIN";
  const FN = sem.ATTR_CODE_FUNCTION_NAME;
  const FILE = sem.ATTR_CODE_FILE_PATH;
  const LINE = sem.ATTR_CODE_LINE_NUMBER;
  const COL = sem.ATTR_CODE_COLUMN_NUMBER;
  const file = __filename;
  async function plainRun(i) {
    return i;
  }
  const byHand = (i) =>
    tracer.startActiveSpan("Service.run", async (span) => {
      span.setAttribute(KIND, CHAIN);
      span.setAttribute(IN, JSON.stringify(i));
      span.setAttribute(IN_MIME, JSON_MIME);
      span.setAttribute(FN, "run");
      span.setAttribute(FILE, file);
      span.setAttribute(LINE, 60);
      span.setAttribute(COL, 3);
      try {
        const r = await plainRun(i);
        span.setAttribute(OUT, JSON.stringify(r));
        span.setAttribute(OUT_MIME, JSON_MIME);
        return r;
      } catch (e) {
        span.recordException(e);
        span.setStatus({ code: api.SpanStatusCode.ERROR });
        throw e;
      } finally {
        span.end();
      }
    });

  const rows = [
    { id: "undecorated", label: "undecorated", fn: plainRun },
    { id: "by-hand", label: "by hand, tight (reference)", fn: byHand },
    { id: "calltree", label: "calltree @chain", fn: (i) => service.run(i) },
  ];
  if (chainBefore !== undefined) {
    const old = decorated(chainBefore);
    rows.push({ id: "calltree-before", label: "calltree @chain, the --before build", fn: (i) => old.run(i) });
  }
  const samples = new Map(rows.map((r) => [r, []]));
  const sleep = () => new Promise((r) => setImmediate(r));
  for (let round = -1; round < rounds; round++) {
    for (const row of rows) {
      const fn = row.fn;
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) await fn(i);
      const c1 = process.cpuUsage(c0);
      const ns = ((c1.user + c1.system) * 1000) / calls;
      if (round >= 0) samples.get(row).push(ns);
      await provider.forceFlush();
      await sleep();
    }
  }
  await provider.shutdown();
  // The ratio is the median of each round's ratio to the reference's time in the same round: the rows of a round
  // run one right after the other, so a slow stretch of the machine (a round's time swings by a quarter here) moves
  // both. The ratio of the two medians moved by ±10% from one run to the next, this one by ±3%; both are kept.
  const reference = samples.get(rows.find((r) => r.id === "by-hand"));
  const results = rows.map((row) => {
    const inOrder = samples.get(row);
    const ratios = inOrder.map((ns, i) => ns / reference[i]).sort((a, b) => a - b);
    const s = [...inOrder].sort((a, b) => a - b);
    return {
      id: row.id,
      label: row.label,
      medianNs: median(s, 0.5),
      p25Ns: median(s, 0.25),
      p75Ns: median(s, 0.75),
      minNs: s[0],
      maxNs: s[s.length - 1],
      callsPerSample: calls,
      samples: s.length,
      roundNs: inOrder,
      ratio: median(ratios, 0.5),
    };
  });
  const refMedian = results.find((r) => r.id === "by-hand").medianNs;
  for (const r of results) r.ratioOfMedians = r.medianNs / refMedian;
  return { results, exported, expected: (rounds + 1) * calls * (rows.length - 1) };
}

module.exports = { measure };
