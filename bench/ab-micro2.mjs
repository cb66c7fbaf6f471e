import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { chain } from "@calltree/chain";
import { useTracerProvider } from "@calltree/core";
const old = (await import("./.before/node_modules/@calltree/chain/dist/esm/index.js")).chain;
let n = 0;
const exp = { export(s, d) { n += s.length; d({ code: 0 }); }, shutdown: async () => {}, forceFlush: async () => {} };
const p = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exp)], spanLimits: { attributeCountLimit: 10000 } });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(p);
useTracerProvider(p);
function make(dec) {
  class S { h(q) { return this.r(q); } r(q) { return this.a(q); } a(q) { return q; } async x(q) { return q; } }
  for (const m of ["h", "r", "a", "x"]) { const d = Object.getOwnPropertyDescriptor(S.prototype, m); Object.defineProperty(S.prototype, m, dec(S.prototype, m, d) || d); }
  return new S();
}
const a = make(chain), b = make(old);
const Q = "What is the capital of France?";
let sink;
const N = 200;
const rows = {
  "nested new": () => { for (let i = 0; i < N; i++) sink = a.h(Q); },
  "nested old": () => { for (let i = 0; i < N; i++) sink = b.h(Q); },
  "async new": async () => { for (let i = 0; i < N; i++) sink = await a.x(Q); },
  "async old": async () => { for (let i = 0; i < N; i++) sink = await b.x(Q); },
};
const res = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
const tick = () => new Promise((r) => setImmediate(r));
for (let r = 0; r < 600; r++) for (const k of Object.keys(rows)) { const c0 = process.cpuUsage(); await rows[k](); const c = process.cpuUsage(c0); if (r > 150) res[k].push((c.user + c.system) * 1000 / N); await tick(); }
for (const k of Object.keys(res)) { const s = res[k].sort((x, y) => x - y); console.log(k.padEnd(12), "min", s[0] | 0, "p25", s[s.length >> 2] | 0, "med", s[s.length >> 1] | 0); }
