import { createHash } from "node:crypto";
import { PAGE_SCRIPT } from "./page-script.js";
import type { TraceDetail } from "./view-model.js";

const CSS = `
:root { color-scheme: light dark; --bg:#fff; --fg:#1d2330; --dim:#6b7280; --line:#e5e7eb; --sel:#e8f0fe; --panel:#f8fafc;
  --agent:#2563eb; --llm:#c026d3; --tool:#ca8a04; --chain:#0891b2; --retr:#16a34a; --guard:#dc2626; --other:#64748b; --err:#dc2626; --ok:#16a34a; --cost:#15803d; }
@media (prefers-color-scheme: dark) { :root { --bg:#0f1115; --fg:#e5e7eb; --dim:#9ca3af; --line:#262b36; --sel:#1e2a44; --panel:#151922; --cost:#4ade80; } }
* { box-sizing: border-box; }
html, body { margin:0; height:100%; background:var(--bg); color:var(--fg); font:13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
.app { display:flex; flex-direction:column; height:100vh; }
header { display:flex; gap:8px; align-items:center; padding:8px 10px; border-bottom:1px solid var(--line); flex-wrap:wrap; }
header input, header select { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:4px; background:var(--bg); color:var(--fg); }
#f-text { width:240px; } #f-session, #f-user { width:130px; }
.brand { font-size:15px; margin-right:6px; }
.status { margin-left:auto; color:var(--dim); }
.chk { display:flex; align-items:center; gap:3px; }
.main { flex:1; display:flex; min-height:0; }
.left { width:420px; min-width:300px; border-right:1px solid var(--line); display:flex; flex-direction:column; }
.right { flex:1; display:flex; flex-direction:column; min-width:0; }
.vlist { position:relative; overflow:auto; outline:none; }
.vlist:focus-visible { box-shadow: inset 0 0 0 2px var(--agent); }
.vbody { position:relative; }
#trace-list { flex:1; }
.trow { position:absolute; left:0; right:0; height:46px; padding:4px 10px; border-bottom:1px solid var(--line); cursor:pointer; overflow:hidden; }
.trow:hover, .srow:hover { background:var(--panel); }
.trow.selected, .srow.selected { background:var(--sel); }
.l1, .l2 { display:flex; gap:8px; align-items:center; white-space:nowrap; overflow:hidden; }
.l2 { color:var(--dim); font-size:12px; }
.name { overflow:hidden; text-overflow:ellipsis; font-weight:600; }
.trow .dur { margin-left:auto; color:var(--dim); }
.kind { font-size:10px; font-weight:700; padding:1px 5px; border-radius:3px; color:#fff; flex:none; letter-spacing:.03em; }
.k-agent { background:var(--agent); } .k-llm { background:var(--llm); } .k-tool { background:var(--tool); }
.k-chain, .k-evaluator, .k-prompt { background:var(--chain); } .k-retriever, .k-reranker, .k-embedding { background:var(--retr); }
.k-guardrail { background:var(--guard); } .k-other { background:var(--other); }
.badge { font-size:11px; padding:0 5px; border-radius:8px; border:1px solid; flex:none; }
.badge.err, .err { color:var(--err); } .badge.warn { color:#d97706; } .badge.ok { color:var(--ok); }
.cost { color:var(--cost); }
.sess { overflow:hidden; text-overflow:ellipsis; }
.group-totals { display:flex; gap:10px; padding:6px 10px; border-bottom:1px solid var(--line); background:var(--panel); font-size:12px; flex-wrap:wrap; }
.gt-label { font-weight:600; }
.trace-head { padding:8px 10px; border-bottom:1px solid var(--line); min-height:48px; }
.waterfall { flex:0 0 42%; border-bottom:1px solid var(--line); }
.srow { position:absolute; left:0; right:0; height:24px; display:grid; grid-template-columns: minmax(200px, 38%) 64px 1fr; align-items:center; cursor:pointer; }
.srow .label { display:flex; gap:6px; align-items:center; overflow:hidden; white-space:nowrap; }
.srow .name { font-weight:500; }
.sdur { text-align:right; padding-right:8px; color:var(--dim); font-size:12px; }
.track { position:relative; height:100%; margin-right:10px; }
.bar { position:absolute; top:6px; height:12px; border-radius:2px; min-width:2px; opacity:.85; }
.bar.error { outline:2px solid var(--err); }
.first-token { position:absolute; top:3px; width:2px; height:18px; background:var(--fg); }
.chev { width:12px; flex:none; color:var(--dim); cursor:pointer; text-align:center; }
.chev.none { cursor:default; }
.axis-row { display:grid; grid-template-columns: minmax(200px, 38%) 64px 1fr; margin:6px -10px 0; height:14px; }
.axis { position:relative; margin-right:10px; border-bottom:1px solid var(--line); }
.tick { position:absolute; top:0; font-size:10px; color:var(--dim); white-space:nowrap; }
.detail { flex:1; overflow:auto; padding:8px 12px; }
.sec h3 { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--dim); margin:14px 0 6px; }
pre { margin:0; white-space:pre-wrap; word-break:break-word; font:12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.kv { border-collapse:collapse; width:100%; }
.kv th { text-align:left; vertical-align:top; font:12px ui-monospace, monospace; color:var(--dim); padding:2px 10px 2px 0; width:30%; word-break:break-all; }
.kv td { padding:2px 0; border-bottom:1px solid var(--line); }
.chat { display:flex; flex-direction:column; gap:6px; }
.msg { border:1px solid var(--line); border-radius:8px; padding:6px 10px; max-width:90%; background:var(--panel); }
.msg.role-user { align-self:flex-end; background:var(--sel); }
.msg.role-system { border-style:dashed; }
.msg .who { font-size:11px; font-weight:700; text-transform:uppercase; color:var(--dim); }
.msg .content { white-space:pre-wrap; word-break:break-word; }
.tool-call { margin-top:4px; border-top:1px dashed var(--line); padding-top:4px; }
.thumb { max-width:160px; max-height:120px; display:block; margin:4px 0; border-radius:4px; }
.event { border-left:3px solid var(--line); padding:2px 8px; margin-bottom:6px; }
.stack { color:var(--err); }
.mono { font-family: ui-monospace, monospace; font-size:11px; }
.dim, .hint { color:var(--dim); }
footer { padding:4px 10px; border-top:1px solid var(--line); color:var(--dim); font-size:11px; }
`;

/** How the page gets its traces: from the `calltree collect --ui` server, or embedded in the file. */
export type PageBoot = { mode: "live" } | { mode: "file"; traces: TraceDetail[]; dropped?: number };

// Inside a <script> element only "</script" or "<!--" could end or confuse it; escaping every "<" (and the
// two line separators old parsers choke on) makes any JSON safe there.
function embedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item))
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

const SCRIPT = PAGE_SCRIPT;

/**
 * The page, as one HTML document with its style and script inline. The Content-Security-Policy allows
 * only this script and this style (by hash), no connection other than to the page's own server (none
 * for a file), and images from http(s) and data URLs (message thumbnails): a value that slipped into
 * markup still could not run.
 */
export function pageHtml(boot: PageBoot, title = "calltree"): string {
  const connect = boot.mode === "live" ? "'self'" : "'none'";
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(CSS)}`,
    "img-src data: http: https:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const safeTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${safeTitle}</title>
<style>${CSS}</style>
</head>
<body>
<script type="application/json" id="calltree-boot">${embedJson(boot)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The policy the live server also sends as a header (the meta tag alone cannot set `frame-ancestors`). */
export const FRAME_POLICY = "frame-ancestors 'none'";
