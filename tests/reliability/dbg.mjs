import { captureTraces } from "@calltree/testing";
import { build, materializeProgram } from "./dist/esm/support/programs.js";
const traces = captureTraces();
const recipe = {"shape":"asyncGenerator","decorated":false,"steps":[{"kind":"delegate","program":{"shape":"generator","decorated":true,"steps":[{"kind":"delegate","program":{"shape":"generator","decorated":false,"steps":[{"kind":"yield","value":{"hostile":"Proxy throwing on every trap"}}],"end":{"kind":"throw","value":{"object":[]}}}}],"end":{"kind":"throw","value":{"plain":new Set([])}}}}],"end":{"kind":"return","value":{"object":[]}}};
const program = materializeProgram(recipe);
const rec = { log: [], seen: [], decoratedCalls: 0 };
const fn = build(program, true, rec);
const it = fn();
try { await it.next(); } catch (e) { console.log("next threw", e.message); }
console.log("after next", traces.spans.length);
await it.return(undefined);
console.log("after return", traces.spans.length);
await new Promise(r => setImmediate(r));
console.log("after immediate", traces.spans.length, traces.spans.map(s => s.name + ":" + s.attributes["calltree.stream.state"]));
await new Promise(r => setTimeout(r, 10));
console.log("after 10ms", traces.spans.length, traces.spans.map(s => s.name + ":" + s.attributes["calltree.stream.state"]));
