import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

const NEWLINE = new Uint8Array([0x0a]);

/**
 * Appends each batch as one line of OTLP/JSON: an `ExportTraceServiceRequest` with hex trace and span ids and
 * nanosecond timestamps as strings, exactly what an OTLP/HTTP JSON request body holds. `calltree view FILE`
 * reads it. Writes are synchronous, one `write` per line, so a line is never torn and spans written before a
 * `process.exit()` are on disk.
 */
export class JsonLinesFileExporter implements SpanExporter {
  readonly path: string;
  private fd: number | undefined;
  private closed = false;

  constructor(path: string) {
    this.path = resolve(path);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the file exporter is shut down") });
      return;
    }
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (body === undefined) throw new Error("the spans could not be encoded as OTLP/JSON");
      const line = new Uint8Array(body.length + 1);
      line.set(body, 0);
      line.set(NEWLINE, body.length);
      if (this.fd === undefined) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.fd = openSync(this.path, "a");
      }
      let offset = 0;
      while (offset < line.length) offset += writeSync(this.fd, line, offset, line.length - offset);
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed by the OS at exit: nothing left to do.
      }
      this.fd = undefined;
    }
    return Promise.resolve();
  }
}
