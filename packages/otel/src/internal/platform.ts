// What register() needs from the runtime, so that one setup (setup.ts) serves Node, Bun and Deno
// (platform-node.ts) and runtimes without Node's modules (platform-web.ts, loaded by the `workerd`, `edge-light`
// and `worker` export conditions). Nothing runtime-specific is imported by the setup: each platform brings its own.
import type { ContextManager } from "@opentelemetry/api";
import type { BasicTracerProvider, SpanExporter, TracerConfig } from "@opentelemetry/sdk-trace-base";
import type { InstrumentationLike } from "../options.js";
import type { ResolvedConfig } from "./config.js";
import type { Printer } from "./diagnostics.js";
import type { Env } from "./env.js";
import type { ExitTarget } from "./exit-hooks.js";
import type { EnabledInstrumentation } from "./instrumentations.js";
import type { OtlpConfig, OtlpTransport } from "./otlp.js";

/** A runtime, as register() sees it. Optional parts are what some runtimes do not have. */
export interface Platform {
  /** Said in errors about what this runtime lacks, e.g. "this runtime (calltree's edge build)". */
  name: string;
  /** The environment variables (`process.env`, or what the runtime has). */
  env(): Env;
  /** Reads a TLS file named by an environment variable. */
  readFile(path: string): Buffer;
  /** The transports this runtime has; the first is the default. */
  transports: Partial<Record<"node" | "fetch", (config: OtlpConfig) => OtlpTransport>>;
  createProvider(config: TracerConfig): BasicTracerProvider;
  /** The context manager to install where none is: throws a CalltreeError where the runtime has none. */
  contextManager(config: ResolvedConfig): ContextManager;
  /** Writes calltree's lines (stderr). */
  write(text: string): void;
  /** Whether the console tree is coloured when `color` is not given. */
  colorDefault(): boolean;
  /**
   * Whether the app has `@calltree/llm` (prices need it), found without loading it; `true` where the runtime cannot
   * tell (a bundle): the prices then wait in core's slot until `@calltree/llm` loads.
   */
  llmInstalled(): boolean;
  /** The `"file"` exporter, where files can be written. */
  fileExporter?(path: string): SpanExporter;
  /** Exit hooks, where a process exits. */
  exitHooks?: {
    install(target: ExitTarget): () => void;
    reportLossAtExit(report: () => void): () => void;
  };
  /** Instrumentations, where modules can be patched. */
  instrumentations?: {
    enable(instrumentation: InstrumentationLike, provider: BasicTracerProvider): EnabledInstrumentation;
    auto(provider: BasicTracerProvider, printer: Printer): EnabledInstrumentation[];
    manually(enabled: readonly EnabledInstrumentation[], modules: Record<string, unknown>): void;
  };
}
