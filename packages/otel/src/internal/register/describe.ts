// The one line register() prints: where traces go, secrets masked.
import type { ResolvedConfig } from "../config.js";
import { maskUrl } from "../diagnostics.js";

/** Where traces go, for the start line and `tracing.destination`. Holds no secret (URLs masked, header names only). */
export function describeDestination(config: ResolvedConfig): string {
  const e = config.exporter;
  const project = `project "${config.projectName}"`;
  switch (e.kind) {
    case "otlp": {
      const details: string[] = [e.protocol];
      if (e.compression === "gzip") details.push("gzip");
      details.push(project);
      const names = Object.keys(e.headers);
      if (names.length > 0) details.push(`headers: ${names.join(", ")}`);
      return `traces → ${maskUrl(e.url)} (${details.join(", ")})`;
    }
    case "console":
      return `traces → console, one tree per trace (${project}); set PHOENIX_COLLECTOR_ENDPOINT or register({ endpoint }) to export them`;
    case "file":
      return `traces → ${e.path} (OTLP/JSON lines, ${project}); view them with: npx calltree view ${e.path}`;
    case "memory":
      return `traces → memory (${project}); read them with tracing.spans()`;
    case "none":
      return `traces → no exporter (${project})`;
    case "custom":
      return `traces → ${e.exporter.constructor?.name || "custom exporter"} (${project})`;
  }
}
