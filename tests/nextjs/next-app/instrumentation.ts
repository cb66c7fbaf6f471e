// Next.js calls register() once per server process, before the first request. Tracing is set up for the Node
// runtime only: calltree's register() uses Node's APIs (node:http, AsyncLocalStorage, process hooks).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { register: registerTracing } = await import("@calltree/otel");
    registerTracing({ projectName: "nextjs-app" });
  }
}
