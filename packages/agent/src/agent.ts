import { defineKind } from "@calltree/core/kind";
import type { CallStart, CommonOptions, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

/**
 * Options of `@agent(options)` and `agent.wrap(fn, options)`: the {@link CommonOptions} every kind takes. `name`
 * names the agent (`agent.name`, `graph.node.name`) and the span; give agents that do the same job the same name.
 */
export type AgentOptions = CommonOptions;

/**
 * The agent's name: the `name` option; else the class of `this` (for a static method, the class itself), so an
 * agent class that inherits its `@agent run()` from a base class is named after itself; else the method or
 * function name (a wrapped function, a method called without `this`).
 */
function agentName(call: CallStart): string {
  if (call.options.name !== undefined) return call.options.name;
  const self = call.thisArg;
  if (typeof self === "function" && self.name !== "") return self.name;
  if (typeof self === "object" && self !== null) {
    const ctor = (self as { constructor?: unknown }).constructor;
    // A plain object (a wrapped function stored on an object literal) says nothing about the agent.
    if (typeof ctor === "function" && ctor !== Object && ctor.name !== "") return ctor.name;
  }
  return call.methodName;
}

// Keys copied once: the CommonJS build would read each key through re-export getters. Said with call.set(), one key
// at a time: no object is built and walked on every call.
const AGENT_NAME = SC.AGENT_NAME;
const GRAPH_NODE_ID = SC.GRAPH_NODE_ID;
const GRAPH_NODE_NAME = SC.GRAPH_NODE_NAME;
const GRAPH_NODE_PARENT_ID = SC.GRAPH_NODE_PARENT_ID;

/**
 * `@agent`, `@agent(options)` and `agent.wrap(fn, options)`: an AGENT span per call of a method that runs an
 * agent (a loop of model calls and tools).
 *
 * The span starts when the method is called (as a child of the active span) and the method runs inside it, so
 * its model calls, tools and sub-agents nest under it. It ends when the result is complete: at return, when a
 * returned Promise settles, or when a returned stream has been read to its end, broken off or failed. Captured:
 * `agent.name` (see {@link AgentOptions}: the `name` option, else the class of `this`, else the function name),
 * and for Phoenix's agent graph `graph.node.id` (the span id, unique per call), `graph.node.name` (the agent
 * name) and `graph.node.parent_id` (the node id of the nearest enclosing `@agent` call, even through other
 * spans; none for a top-level agent or one started with `root: true`). Also `input.value` and `output.value`,
 * the context attributes and the code location. Errors are recorded (status ERROR, an `exception` event) and
 * rethrown unchanged.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/agent.md
 */
export const agent: Kind<{}, never> = defineKind<{}, never>({
  name: "agent",
  spanKind: OpenInferenceSpanKind.AGENT,
  onStart(call) {
    const name = agentName(call);
    call.set(AGENT_NAME, name);
    call.set(GRAPH_NODE_NAME, name);
    // The span id is the node id: unique per call, and what an agent called inside reads as its parent id. Written
    // at start (the span has started): the call then needs no hook at its end.
    call.set(GRAPH_NODE_ID, call.span.spanContext().spanId);
    const parent = call.parentCall(agent.kindName);
    if (parent !== undefined) call.set(GRAPH_NODE_PARENT_ID, parent.span.spanContext().spanId);
  },
});
