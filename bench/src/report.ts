import type { GroupResult } from "./harness.js";
import type { ThroughputResult } from "./throughput/run.js";

/** Formats nanoseconds for a table: `812 ns`, `3.41 µs`, `12.3 ms`. */
function formatNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return "-";
  if (ns < 10) return `${ns.toFixed(2)} ns`;
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** Bytes per operation: `1.9 KB`. */
function formatBytes(b: number | undefined): string {
  if (b === undefined || !Number.isFinite(b)) return "-";
  if (b < 1000) return `${b.toFixed(0)} B`;
  if (b < 1_000_000) return `${(b / 1000).toFixed(1)} KB`;
  return `${(b / 1_000_000).toFixed(2)} MB`;
}

/** `1.00×` */
function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? "-" : `${ratio.toFixed(2)}×`;
}

/** The p25–p75 spread as ± percent of the median. */
function formatSpread(median: number | undefined, p25: number | undefined, p75: number | undefined): string {
  if (median === undefined || p25 === undefined || p75 === undefined || median <= 0) return "-";
  return `±${(((p75 - p25) / 2 / median) * 100).toFixed(1)}%`;
}

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd(),
  );
}

/** One group as a plain-text table for stdout. */
export function groupTable(g: GroupResult): string {
  const unit = g.unit === "chunk" ? "per chunk" : "per call";
  const extra = g.baseline !== undefined;
  const cells: string[][] = [["", `median ${unit}`, "spread", "ratio", "alloc/op", ...(extra ? ["extra"] : [])]];
  for (const r of g.rows) {
    if (r.skipped !== undefined) cells.push([r.label, `skipped: ${r.skipped}`, "", "", "", ...(extra ? [""] : [])]);
    else {
      cells.push([
        r.label,
        formatNs(r.medianNs),
        formatSpread(r.medianNs, r.p25Ns, r.p75Ns),
        formatRatio(r.ratio),
        formatBytes(r.bytesPerOp),
        ...(extra ? [r.id === g.baseline ? "" : `+${formatNs(r.extraNs)}`] : []),
      ]);
    }
  }
  const lines = [g.title, ...pad(cells).map((l) => `  ${l}`)];
  if (g.spans !== undefined) {
    lines.push(`  spans: ${fmtInt(g.spans.expected)} made, ${fmtInt(g.spans.exported)} exported, ${fmtInt(g.spans.dropped)} dropped`);
  }
  for (const r of g.rows) if (r.note !== undefined && r.skipped === undefined) lines.push(`  ${r.label}: ${r.note}`);
  return lines.join("\n");
}

/** One group as a Markdown table. */
export function groupMarkdown(g: GroupResult): string {
  const unit = g.unit === "chunk" ? "per chunk" : "per call";
  const extra = g.baseline !== undefined;
  const lines = [
    `#### ${g.title}`,
    "",
    `| | median ${unit} | spread (p25–p75) | ratio | allocated ${unit} |${extra ? " extra |" : ""}`,
    `|---|---:|---:|---:|---:|${extra ? "---:|" : ""}`,
  ];
  for (const r of g.rows) {
    const label = r.id === g.reference ? `**${r.label}**` : r.label;
    if (r.skipped !== undefined) lines.push(`| ${label} | skipped: ${r.skipped} | | | |${extra ? " |" : ""}`);
    else {
      const more = extra ? ` ${r.id === g.baseline ? "" : `+${formatNs(r.extraNs)}`} |` : "";
      lines.push(`| ${label}${r.note ? ` — ${r.note}` : ""} | ${formatNs(r.medianNs)} | ${formatSpread(r.medianNs, r.p25Ns, r.p75Ns)} | ${formatRatio(r.ratio)} | ${formatBytes(r.bytesPerOp)} |${more}`);
    }
  }
  if (g.spans !== undefined) {
    lines.push("", `Spans: ${fmtInt(g.spans.expected)} made, ${fmtInt(g.spans.exported)} exported, ${fmtInt(g.spans.dropped)} dropped.`);
  }
  if (g.notes.length > 0) lines.push("", ...g.notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

/** The throughput results as a plain-text table. */
export function throughputTable(results: readonly ThroughputResult[]): string {
  const cells: string[][] = [["", "spans", "spans/s", "peak RSS", "delivered", "dropped"]];
  for (const r of results) {
    if (r.skipped !== undefined) cells.push([r.title, fmtInt(r.spans), `skipped: ${r.skipped}`, "", "", ""]);
    else cells.push([r.title, fmtInt(r.spans), fmtInt(r.spansPerSecond), `${r.peakRssMB?.toFixed(0)} MB`, fmtInt(r.delivered), fmtInt(r.dropped)]);
  }
  const lines = ["Throughput: one @chain call per span, each scenario in its own process", ...pad(cells).map((l) => `  ${l}`)];
  for (const r of results) if (r.dropReason !== undefined) lines.push(`  ${r.id}: ${r.dropReason}`);
  return lines.join("\n");
}

/** The throughput results as a Markdown table. */
export function throughputMarkdown(results: readonly ThroughputResult[]): string {
  const lines = [
    "#### Throughput: one `@chain` call per span, each scenario in its own process",
    "",
    "| scenario | spans | spans/s (flush included) | loop only | peak RSS | delivered | dropped |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    if (r.skipped !== undefined) lines.push(`| ${r.title} | ${fmtInt(r.spans)} | skipped: ${r.skipped} | | | | |`);
    else {
      const loopRate = r.loopSeconds ? fmtInt(r.spans / r.loopSeconds) : "-";
      lines.push(`| ${r.title} | ${fmtInt(r.spans)} | ${fmtInt(r.spansPerSecond)} | ${loopRate} | ${r.peakRssMB?.toFixed(0)} MB | ${fmtInt(r.delivered)} | ${fmtInt(r.dropped)} |`);
    }
  }
  const reasons = results.filter((r) => r.dropReason !== undefined);
  if (reasons.length > 0) lines.push("", ...reasons.map((r) => `- Drops in \`${r.id}\`: ${r.dropReason}`));
  return lines.join("\n");
}

function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? "-" : Math.round(n).toLocaleString("en-US");
}

/** A bar of the issue, checked against figures of the same run. */
export interface Bar {
  text: string;
  /** The measured value, as shown. */
  value: string;
  /** `null` when it could not be measured in this run. */
  pass: boolean | null;
}

/** The bars as lines for stdout and Markdown. */
export function barLines(bars: readonly Bar[], markdown: boolean): string[] {
  return bars.map((b) => {
    const verdict = b.pass === null ? "not measured" : b.pass ? "met" : "MISSED";
    return markdown ? `| ${b.text} | ${b.value} | ${b.pass === false ? "**missed**" : verdict} |` : `  [${verdict}] ${b.text}: ${b.value}`;
  });
}
