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
const mk = (dec) => { const d = Object.getOwnPropertyDescriptor(C.prototype, "run"); };
class A { run(q) { return q; } }
class B { run(q) { return q; } }
for (const [K, dec] of [[A, chain], [B, old]]) { const d = Object.getOwnPropertyDescriptor(K.prototype, "run"); Object.defineProperty(K.prototype, "run", dec(K.prototype, "run", d) || d); }
const a = new A(), b = new B();
const Q = "What is the capital of France?";
let sink;
const rows = { new: () => { for (let i = 0; i < 500; i++) sink = a.run(Q); }, old: () => { for (let i = 0; i < 500; i++) sink = b.run(Q); } };
const res = { new: [], old: [] };
const tick = () => new Promise((r) => setImmediate(r));
for (let r = 0; r < 400; r++) for (const k of Object.keys(rows)) { const c0 = process.cpuUsage(); rows[k](); const c = process.cpuUsage(c0); if (r > 100) res[k].push((c.user + c.system) * 1000 / 500); await tick(); }
for (const k of Object.keys(res)) { const s = res[k].sort((x, y) => x - y); console.log(k, "min", s[0] | 0, "p25", s[s.length >> 2] | 0, "med", s[s.length >> 1] | 0); }
