/**
 * The web view's whole front end: plain TypeScript over the DOM, no framework. It runs in the browser,
 * not in node. `node web/bundle.mjs` type-checks it (web/tsconfig.json, with the DOM library the cli's
 * node code must not see) and writes the compiled script into src/web/page-script.ts as a string, which
 * the page embeds, so the published cli carries it and works offline. A test fails when that file is
 * stale. It must stay self-contained: no imports.
 *
 * Safety: every value from a span reaches the document through `textContent` or a property that takes
 * text (`title`, `value`); nothing is parsed as markup. Image thumbnails get `src` only for `http(s):` and
 * `data:image/` URLs; anything else (a `javascript:` URL) is shown as text.
 */
function pageApp(): void {
  type Tokens = { prompt?: number; completion?: number; total?: number };
  type Summary = {
    id: string; name: string; kind?: string; start: number; dur: number; spans: number; errors: number;
    tokens?: Tokens; cost?: number; session?: string; user?: string; hasRoot: boolean;
  };
  type Message = {
    role: string; name?: string; content?: string; toolCallId?: string;
    parts?: Array<{ type: string; text?: string; image?: string }>;
    toolCalls?: Array<{ id?: string; name?: string; arguments?: string }>;
  };
  type Span = {
    id: string; parent?: string; depth: number; name: string; kind?: string; start: number; dur: number;
    status: number; statusMessage?: string; model?: string; tokens?: Tokens; cost?: number; firstToken?: number;
    orphan?: boolean; input?: { value: string; mime?: string }; output?: { value: string; mime?: string };
    messages?: { input: Message[]; output: Message[] }; exception?: { type?: string; message?: string; stack?: string };
    attributes: Array<[string, unknown]>; events: Array<{ name: string; time: number; attributes: Array<[string, unknown]> }>;
    resource?: Array<[string, unknown]>; scope?: string;
  };
  type Detail = { summary: Summary; spans: Span[] };
  type Boot = { mode: "live" } | { mode: "file"; traces: Detail[]; dropped?: number };

  const LIST_ROW = 46;
  const SPAN_ROW = 24;
  const OVERSCAN = 8;
  const KINDS = ["AGENT", "LLM", "TOOL", "CHAIN", "RETRIEVER", "RERANKER", "EMBEDDING", "GUARDRAIL", "EVALUATOR", "PROMPT"];

  // ---------- DOM helpers: text only ----------
  type Child = Node | string | number | null | undefined | false;
  function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Record<string, string | number | boolean | undefined> | null, ...children: Child[]): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    if (props) {
      for (const key of Object.keys(props)) {
        const value = props[key];
        if (value === undefined || value === false) continue;
        if (key === "class") el.className = String(value);
        else if (key === "text") el.textContent = String(value);
        else if (key.startsWith("data-") || key === "title" || key === "role" || key.startsWith("aria-") || key === "tabindex" || key === "type" || key === "placeholder" || key === "list" || key === "id" || key === "for" || key === "value")
          el.setAttribute(key, String(value));
      }
    }
    for (const child of children) append(el, child);
    return el;
  }
  function append(el: Node, child: Child): void {
    if (child === null || child === undefined || child === false) return;
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  function clear(el: Node): void {
    while (el.firstChild) el.removeChild(el.firstChild);
  }
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

  // ---------- formatting ----------
  function fmtDur(ms: number): string {
    if (!(ms > 0)) return "0";
    if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
    if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
    const m = Math.floor(ms / 60_000);
    return `${m}m${((ms % 60_000) / 1000).toFixed(0)}s`;
  }
  function fmtInt(n: number): string {
    return Math.round(n).toLocaleString("en-US");
  }
  function fmtCost(c: number): string {
    if (c === 0) return "$0";
    if (c < 0.0001) return `$${c.toPrecision(2)}`;
    if (c < 1) return `$${c.toFixed(4)}`;
    return `$${c.toFixed(2)}`;
  }
  function fmtTokens(t: Tokens | undefined): string {
    if (!t || t.total === undefined) return "";
    return t.prompt !== undefined || t.completion !== undefined
      ? `${fmtInt(t.total)} tok (${fmtInt(t.prompt ?? 0)} in, ${fmtInt(t.completion ?? 0)} out)`
      : `${fmtInt(t.total)} tok`;
  }
  function fmtTime(ms: number): string {
    const d = new Date(ms);
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }
  function kindClass(kind: string | undefined): string {
    return kind && KINDS.indexOf(kind) >= 0 ? `k-${kind.toLowerCase()}` : "k-other";
  }
  function kindBadge(kind: string | undefined): HTMLElement {
    return h("span", { class: `kind ${kindClass(kind)}`, text: kind ?? "SPAN" });
  }
  function pretty(value: string, mime?: string): string {
    const t = value.trim();
    if (mime === "application/json" || t.startsWith("{") || t.startsWith("[")) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  function show(value: unknown): string {
    if (typeof value === "string") return value;
    try {
      return JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      return String(value);
    }
  }
  function safeImage(url: string): boolean {
    return /^https?:\/\//i.test(url) || /^data:image\/(png|jpe?g|gif|webp|avif);base64,[a-z0-9+/=\s]*$/i.test(url);
  }

  // ---------- state ----------
  const boot = JSON.parse(($("calltree-boot") as HTMLScriptElement).textContent || "{}") as Boot;
  const summaries = new Map<string, Summary>();
  const details = new Map<string, Detail>();
  let dropped = 0;
  let filtered: Summary[] = [];
  let selectedTrace: string | undefined;
  let selectedIndex = -1;
  let current: Detail | undefined;
  let spanIndex = -1;
  /** The spans shown: those of `current` whose ancestors are all expanded. */
  let visible: Span[] = [];
  const collapsed = new Set<string>();
  const parents = new Set<string>();
  let focusPane: "list" | "spans" = "list";
  let renderQueued = false;
  const filters = { text: "", kind: "", session: "", user: "", errors: false };

  // ---------- layout ----------
  const kindSelect = h("select", { id: "f-kind", "aria-label": "kind" }, h("option", { value: "", text: "all kinds" }), ...KINDS.map((k) => h("option", { value: k, text: k })));
  const textInput = h("input", { id: "f-text", type: "search", placeholder: "filter: name, id, model…  ( / )", "aria-label": "text filter" });
  const sessionInput = h("input", { id: "f-session", type: "search", placeholder: "session", list: "sessions", "aria-label": "session filter" });
  const userInput = h("input", { id: "f-user", type: "search", placeholder: "user", list: "users", "aria-label": "user filter" });
  const errorsBox = h("input", { id: "f-errors", type: "checkbox", "aria-label": "errors only" });
  const sessionsList = h("datalist", { id: "sessions" });
  const usersList = h("datalist", { id: "users" });
  const status = h("span", { id: "status", class: "status", "data-testid": "status" });
  const listBody = h("div", { class: "vbody" });
  const list = h("div", { id: "trace-list", class: "vlist", tabindex: 0, role: "listbox", "aria-label": "traces", "data-testid": "trace-list" }, listBody);
  const groupTotals = h("div", { id: "group-totals", class: "group-totals", "data-testid": "group-totals" });
  const traceHead = h("div", { id: "trace-head", class: "trace-head", "data-testid": "trace-head" });
  const wfBody = h("div", { class: "vbody" });
  const waterfall = h("div", { id: "waterfall", class: "vlist waterfall", tabindex: 0, role: "tree", "aria-label": "spans", "data-testid": "waterfall" }, wfBody);
  const detailPane = h("div", { id: "span-detail", class: "detail", "data-testid": "span-detail" });
  document.body.appendChild(
    h("div", { class: "app" },
      h("header", null,
        h("strong", { class: "brand", text: "calltree" }),
        textInput, kindSelect, sessionInput, userInput,
        h("label", { class: "chk" }, errorsBox, " errors"),
        sessionsList, usersList, status),
      h("div", { class: "main" },
        h("section", { class: "left" }, groupTotals, list),
        h("section", { class: "right" },
          traceHead,
          waterfall,
          detailPane)),
      h("footer", { text: "↑/↓ or j/k move · Enter/→ open a trace · in a trace: ←/→ fold, unfold, Home/End, Esc back to the list · / filter · e errors only" })),
  );
  clear(detailPane);
  append(detailPane, h("p", { class: "hint", text: "Select a trace, then a span." }));

  // ---------- trace list ----------
  function matches(s: Summary): boolean {
    if (filters.errors && s.errors === 0) return false;
    if (filters.kind && s.kind !== filters.kind) return false;
    if (filters.session && s.session !== filters.session) return false;
    if (filters.user && s.user !== filters.user) return false;
    if (filters.text) {
      const q = filters.text;
      const hay = `${s.name}\n${s.id}\n${s.kind ?? ""}\n${s.session ?? ""}\n${s.user ?? ""}`.toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    return true;
  }
  function refilter(): void {
    filtered = [];
    for (const s of summaries.values()) if (matches(s)) filtered.push(s);
    filtered.sort((a, b) => b.start - a.start || (a.id < b.id ? -1 : 1));
    selectedIndex = selectedTrace === undefined ? -1 : filtered.findIndex((s) => s.id === selectedTrace);
    listBody.style.height = `${filtered.length * LIST_ROW}px`;
    renderList();
    renderGroupTotals();
    renderStatus();
  }
  function renderStatus(): void {
    const shown = filtered.length === summaries.size ? `${fmtInt(summaries.size)} trace${summaries.size === 1 ? "" : "s"}` : `${fmtInt(filtered.length)} of ${fmtInt(summaries.size)} traces`;
    const live = boot.mode === "live" ? (connected ? " · live" : " · reconnecting…") : " · saved file";
    status.textContent = `${shown}${dropped > 0 ? ` · ${fmtInt(dropped)} older not kept` : ""}${live}`;
    status.dataset["count"] = String(summaries.size);
  }
  function totalsOf(items: Summary[]): { tokens: number; prompt: number; completion: number; cost: number | undefined; dur: number; errors: number } {
    let tokens = 0, prompt = 0, completion = 0, dur = 0, errors = 0;
    let cost: number | undefined;
    for (const s of items) {
      tokens += s.tokens?.total ?? 0;
      prompt += s.tokens?.prompt ?? 0;
      completion += s.tokens?.completion ?? 0;
      if (s.cost !== undefined) cost = (cost ?? 0) + s.cost;
      dur += s.dur;
      errors += s.errors > 0 ? 1 : 0;
    }
    return { tokens, prompt, completion, cost, dur, errors };
  }
  function renderGroupTotals(): void {
    clear(groupTotals);
    const label = filters.session ? `session ${filters.session}` : filters.user ? `user ${filters.user}` : filtered.length === summaries.size ? "all traces" : "filtered traces";
    const t = totalsOf(filtered);
    append(groupTotals, h("span", { class: "gt-label", text: label }));
    append(groupTotals, h("span", { text: `${fmtInt(filtered.length)} trace${filtered.length === 1 ? "" : "s"}` }));
    append(groupTotals, h("span", { "data-testid": "group-tokens", text: `${fmtInt(t.tokens)} tok` }));
    append(groupTotals, h("span", { class: "cost", "data-testid": "group-cost", text: t.cost === undefined ? "no cost" : fmtCost(t.cost) }));
    if (t.errors > 0) append(groupTotals, h("span", { class: "err", text: `${fmtInt(t.errors)} with errors` }));
  }
  function renderList(): void {
    const top = list.scrollTop;
    const height = list.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / LIST_ROW) - OVERSCAN);
    const last = Math.min(filtered.length, Math.ceil((top + height) / LIST_ROW) + OVERSCAN);
    clear(listBody);
    for (let i = first; i < last; i++) {
      const s = filtered[i] as Summary;
      const row = h("div", {
        class: `trow${i === selectedIndex ? " selected" : ""}`,
        role: "option",
        "aria-selected": i === selectedIndex ? "true" : "false",
        "data-trace-id": s.id,
        "data-testid": "trace-row",
      },
        h("div", { class: "l1" },
          kindBadge(s.kind),
          h("span", { class: "name", title: s.name, text: s.name }),
          s.errors > 0 ? h("span", { class: "badge err", "data-testid": "error-badge", text: `${s.errors} error${s.errors === 1 ? "" : "s"}` }) : null,
          !s.hasRoot ? h("span", { class: "badge warn", text: "no root" }) : null,
          h("span", { class: "dur", text: fmtDur(s.dur) })),
        h("div", { class: "l2" },
          h("span", { text: fmtTime(s.start) }),
          h("span", { text: `${fmtInt(s.spans)} span${s.spans === 1 ? "" : "s"}` }),
          s.tokens ? h("span", { text: `${fmtInt(s.tokens.total ?? 0)} tok` }) : null,
          s.cost !== undefined ? h("span", { class: "cost", text: fmtCost(s.cost) }) : null,
          s.session ? h("span", { class: "sess", title: `session ${s.session}`, text: `session ${s.session}` }) : null));
      row.style.top = `${i * LIST_ROW}px`;
      row.addEventListener("click", () => {
        selectTrace(i, true);
        list.focus();
      });
      listBody.appendChild(row);
    }
  }
  function scheduleRefilter(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      refilter();
      refreshDatalists();
    });
  }
  function refreshDatalists(): void {
    const sessions = new Set<string>();
    const users = new Set<string>();
    for (const s of summaries.values()) {
      if (s.session) sessions.add(s.session);
      if (s.user) users.add(s.user);
    }
    const fill = (el: HTMLElement, values: Set<string>) => {
      if (el.childElementCount === Math.min(values.size, 500)) return;
      clear(el);
      let n = 0;
      for (const v of [...values].sort()) {
        if (n++ >= 500) break;
        el.appendChild(h("option", { value: v }));
      }
    };
    fill(sessionsList, sessions);
    fill(usersList, users);
  }
  function ensureVisible(container: HTMLElement, index: number, rowHeight: number): void {
    const top = index * rowHeight;
    if (top < container.scrollTop) container.scrollTop = top;
    else if (top + rowHeight > container.scrollTop + container.clientHeight) container.scrollTop = top + rowHeight - container.clientHeight;
  }
  function selectTrace(index: number, open: boolean): void {
    if (index < 0 || index >= filtered.length) return;
    selectedIndex = index;
    selectedTrace = (filtered[index] as Summary).id;
    ensureVisible(list, index, LIST_ROW);
    renderList();
    if (open) void openTrace(selectedTrace);
  }

  // ---------- trace view ----------
  let loadToken = 0;
  async function openTrace(id: string): Promise<void> {
    const token = ++loadToken;
    let d = details.get(id);
    if (!d && boot.mode === "live") {
      clear(traceHead);
      append(traceHead, h("span", { class: "hint", text: "loading…" }));
      try {
        const res = await fetch(`api/traces/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        d = (await res.json()) as Detail;
      } catch (error) {
        if (token !== loadToken) return;
        clear(traceHead);
        append(traceHead, h("span", { class: "err", text: `cannot load trace ${id}: ${String((error as Error).message)}` }));
        return;
      }
    }
    if (token !== loadToken || !d) return;
    const reopened = current !== undefined && current.summary.id === d.summary.id;
    const keep = reopened && spanIndex >= 0 ? visible[spanIndex]?.id : undefined;
    current = d;
    if (!reopened) collapsed.clear();
    parents.clear();
    for (let i = 0; i + 1 < d.spans.length; i++) {
      if ((d.spans[i + 1] as Span).depth > (d.spans[i] as Span).depth) parents.add((d.spans[i] as Span).id);
    }
    recomputeVisible();
    spanIndex = keep === undefined ? -1 : visible.findIndex((sp) => sp.id === keep);
    renderTraceHead();
    // A small trace takes only the room it needs; a large one scrolls in 42% of the window.
    waterfall.style.flex = `0 0 ${Math.max(3 * SPAN_ROW, Math.min(d.spans.length * SPAN_ROW + 8, Math.floor(window.innerHeight * 0.42)))}px`;
    if (!reopened) {
      waterfall.scrollTop = 0;
      clear(detailPane);
      append(detailPane, h("p", { class: "hint", text: "Select a span (click, or Enter on a trace, then ↑/↓)." }));
    }
    renderWaterfall();
    waterfall.dataset["trace"] = d.summary.id;
    waterfall.dataset["spans"] = String(d.spans.length);
    document.body.dataset["openTrace"] = d.summary.id;
    document.dispatchEvent(new CustomEvent("calltree:trace-open", { detail: { id: d.summary.id, spans: d.spans.length } }));
  }
  function recomputeVisible(): void {
    visible = [];
    if (!current) return;
    let hideBelow = Infinity;
    for (const sp of current.spans) {
      if (sp.depth > hideBelow) continue;
      hideBelow = collapsed.has(sp.id) ? sp.depth : Infinity;
      visible.push(sp);
    }
    wfBody.style.height = `${visible.length * SPAN_ROW}px`;
  }
  function toggle(index: number, open?: boolean): void {
    const sp = visible[index];
    if (!sp || !parents.has(sp.id)) return;
    const isOpen = !collapsed.has(sp.id);
    if (open === isOpen) return;
    if (isOpen) collapsed.add(sp.id);
    else collapsed.delete(sp.id);
    recomputeVisible();
    spanIndex = visible.indexOf(sp);
    renderWaterfall();
  }
  function renderTraceHead(): void {
    clear(traceHead);
    if (!current) return;
    const s = current.summary;
    append(traceHead, h("div", { class: "l1" },
      kindBadge(s.kind),
      h("span", { class: "name", text: s.name }),
      h("span", { class: "mono dim", text: `trace ${s.id}` })));
    const totals = h("div", { class: "l2", "data-testid": "trace-totals" },
      h("span", { text: fmtTime(s.start) }),
      h("span", { text: fmtDur(s.dur) }),
      h("span", { text: `${fmtInt(s.spans)} spans` }),
      s.tokens ? h("span", { "data-testid": "trace-tokens", text: fmtTokens(s.tokens) }) : null,
      h("span", { class: "cost", "data-testid": "trace-cost", text: s.cost !== undefined ? fmtCost(s.cost) : "no cost recorded" }),
      s.errors > 0 ? h("span", { class: "badge err", text: `${s.errors} error${s.errors === 1 ? "" : "s"}` }) : null);
    append(traceHead, totals);
    if (s.session) {
      const same: Summary[] = [];
      for (const other of summaries.values()) if (other.session === s.session) same.push(other);
      const t = totalsOf(same);
      append(traceHead, h("div", { class: "l2 dim", "data-testid": "session-totals" },
        h("span", { text: `session ${s.session}` }),
        h("span", { text: `${fmtInt(same.length)} trace${same.length === 1 ? "" : "s"}` }),
        h("span", { text: `${fmtInt(t.tokens)} tok` }),
        h("span", { class: "cost", text: t.cost === undefined ? "no cost" : fmtCost(t.cost) }),
        s.user ? h("span", { text: `user ${s.user}` }) : null));
    }
    // A time axis over the waterfall's bar column.
    const axis = h("div", { class: "axis" });
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      const tick = h("span", { class: "tick", text: fmtDur(s.dur * f) });
      tick.style.left = `${f * 100}%`;
      if (f === 1) tick.style.transform = "translateX(-100%)";
      else if (f > 0) tick.style.transform = "translateX(-50%)";
      axis.appendChild(tick);
    }
    append(traceHead, h("div", { class: "axis-row" }, h("span", null), h("span", null), axis));
  }
  function renderWaterfall(): void {
    clear(wfBody);
    if (!current) return;
    const spans = visible;
    const total = Math.max(current.summary.dur, 0.001);
    const top = waterfall.scrollTop;
    const height = waterfall.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / SPAN_ROW) - OVERSCAN);
    const last = Math.min(spans.length, Math.ceil((top + height) / SPAN_ROW) + OVERSCAN);
    for (let i = first; i < last; i++) {
      const sp = spans[i] as Span;
      const left = Math.min(100, (sp.start / total) * 100);
      const width = Math.max(0.2, Math.min(100 - left, (sp.dur / total) * 100));
      const bar = h("div", { class: `bar ${kindClass(sp.kind)}${sp.status === 2 ? " error" : ""}`, title: `${sp.name} · ${fmtDur(sp.dur)} at +${fmtDur(sp.start)}` });
      bar.style.left = `${left}%`;
      bar.style.width = `${width}%`;
      const track = h("div", { class: "track" }, bar);
      if (sp.firstToken !== undefined && sp.dur > 0) {
        const mark = h("div", { class: "first-token", "data-testid": "first-token", title: `first token after ${fmtDur(sp.firstToken)}` });
        mark.style.left = `${Math.min(100, ((sp.start + sp.firstToken) / total) * 100)}%`;
        track.appendChild(mark);
      }
      const hasKids = parents.has(sp.id);
      const chevron = h("span", { class: `chev${hasKids ? "" : " none"}`, "data-testid": hasKids ? "toggle" : undefined, text: hasKids ? (collapsed.has(sp.id) ? "▸" : "▾") : "" });
      if (hasKids) {
        const at = i;
        chevron.addEventListener("click", (event) => {
          event.stopPropagation();
          toggle(at);
        });
      }
      const label = h("div", { class: "label" },
        chevron,
        kindBadge(sp.kind),
        h("span", { class: "name", text: sp.name }),
        sp.status === 2 ? h("span", { class: "badge err", text: "error" }) : null,
        sp.orphan ? h("span", { class: "badge warn", text: "orphan" }) : null);
      label.style.paddingLeft = `${6 + Math.min(sp.depth, 30) * 14}px`;
      const row = h("div", {
        class: `srow${i === spanIndex ? " selected" : ""}`,
        role: "treeitem",
        "aria-level": sp.depth + 1,
        "aria-selected": i === spanIndex ? "true" : "false",
        "aria-expanded": hasKids ? (collapsed.has(sp.id) ? "false" : "true") : undefined,
        "data-span-id": sp.id,
        "data-kind": sp.kind ?? "",
        "data-testid": "span-row",
      }, label, h("div", { class: "sdur", text: fmtDur(sp.dur) }), track);
      row.style.top = `${i * SPAN_ROW}px`;
      row.addEventListener("click", () => {
        selectSpan(i);
        waterfall.focus();
        focusPane = "spans";
      });
      wfBody.appendChild(row);
    }
  }
  function selectSpan(index: number): void {
    if (!current || index < 0 || index >= visible.length) return;
    spanIndex = index;
    ensureVisible(waterfall, index, SPAN_ROW);
    renderWaterfall();
    renderSpan(visible[index] as Span);
  }

  // ---------- span detail ----------
  function section(title: string, testid: string, ...children: Child[]): HTMLElement {
    return h("section", { class: "sec", "data-testid": testid }, h("h3", { text: title }), ...children);
  }
  function kvTable(rows: Array<[string, unknown]>, testid: string): HTMLElement {
    const table = h("table", { class: "kv", "data-testid": testid });
    for (const [key, value] of rows) {
      table.appendChild(h("tr", null, h("th", { text: key }), h("td", null, h("pre", { text: show(value) }))));
    }
    return table;
  }
  function chat(messages: Message[], testid: string): HTMLElement {
    const box = h("div", { class: "chat", "data-testid": testid });
    for (const m of messages) {
      const bubble = h("div", { class: `msg role-${/^[a-z]+$/.test(m.role) ? m.role : "other"}`, "data-testid": "message", "data-role": m.role },
        h("div", { class: "who" }, h("span", { class: "role", text: m.role }), m.name ? h("span", { class: "dim", text: ` ${m.name}` }) : null, m.toolCallId ? h("span", { class: "dim", text: ` (for ${m.toolCallId})` }) : null));
      if (m.content !== undefined) bubble.appendChild(h("div", { class: "content", "data-testid": "message-content", text: m.content }));
      for (const part of m.parts ?? []) {
        if (part.image !== undefined) {
          if (safeImage(part.image)) {
            const img = h("img", { class: "thumb", "data-testid": "message-image", title: part.image.length > 200 ? `${part.image.slice(0, 200)}…` : part.image });
            img.referrerPolicy = "no-referrer";
            img.loading = "lazy";
            img.alt = "image";
            img.src = part.image;
            bubble.appendChild(img);
          } else {
            bubble.appendChild(h("div", { class: "content dim", "data-testid": "message-image-text", text: `image: ${part.image}` }));
          }
        }
        if (part.text !== undefined) bubble.appendChild(h("div", { class: "content", "data-testid": "message-content", text: part.text }));
      }
      for (const call of m.toolCalls ?? []) {
        bubble.appendChild(h("div", { class: "tool-call", "data-testid": "tool-call" },
          h("span", { class: "k-tool kind", text: "tool call" }),
          h("span", { class: "name", text: ` ${call.name ?? "?"}` }),
          call.id ? h("span", { class: "dim", text: ` ${call.id}` }) : null,
          call.arguments !== undefined ? h("pre", { text: pretty(call.arguments, "application/json") }) : null));
      }
      box.appendChild(bubble);
    }
    return box;
  }
  function renderSpan(sp: Span): void {
    clear(detailPane);
    detailPane.scrollTop = 0;
    detailPane.dataset["span"] = sp.id;
    append(detailPane, h("div", { class: "l1" },
      kindBadge(sp.kind),
      h("span", { class: "name", "data-testid": "span-name", text: sp.name }),
      sp.status === 2 ? h("span", { class: "badge err", text: "ERROR" }) : sp.status === 1 ? h("span", { class: "badge ok", text: "OK" }) : null));
    append(detailPane, h("div", { class: "l2", "data-testid": "span-summary" },
      h("span", { text: fmtDur(sp.dur) }),
      h("span", { class: "dim", text: `at +${fmtDur(sp.start)}` }),
      sp.model ? h("span", { class: "model", "data-testid": "span-model", text: sp.model }) : null,
      sp.tokens ? h("span", { "data-testid": "span-tokens", text: fmtTokens(sp.tokens) }) : null,
      sp.cost !== undefined ? h("span", { class: "cost", "data-testid": "span-cost", text: fmtCost(sp.cost) }) : null,
      sp.firstToken !== undefined ? h("span", { "data-testid": "span-first-token", text: `first token after ${fmtDur(sp.firstToken)}` }) : null,
      h("span", { class: "mono dim", text: `span ${sp.id}` })));
    if (sp.statusMessage) append(detailPane, h("p", { class: "err", text: sp.statusMessage }));
    if (sp.exception) {
      append(detailPane, section("Exception", "exception",
        h("div", { class: "err", text: `${sp.exception.type ?? "Error"}: ${sp.exception.message ?? ""}` }),
        sp.exception.stack ? h("pre", { class: "stack", text: sp.exception.stack }) : null));
    }
    if (sp.messages) {
      if (sp.messages.input.length > 0) append(detailPane, section("Input messages", "input-messages", chat(sp.messages.input, "chat-input")));
      if (sp.messages.output.length > 0) append(detailPane, section("Output messages", "output-messages", chat(sp.messages.output, "chat-output")));
    }
    if (sp.input) append(detailPane, section("Input", "input", h("pre", { text: pretty(sp.input.value, sp.input.mime) })));
    if (sp.output) append(detailPane, section("Output", "output", h("pre", { text: pretty(sp.output.value, sp.output.mime) })));
    append(detailPane, section(`Attributes (${sp.attributes.length})`, "attributes", kvTable(sp.attributes, "attributes-table")));
    if (sp.events.length > 0) {
      const box = h("div", null);
      for (const ev of sp.events) {
        box.appendChild(h("div", { class: "event", "data-testid": "event" }, h("div", null, h("strong", { text: ev.name }), h("span", { class: "dim", text: ` +${fmtDur(ev.time)}` })), ev.attributes.length > 0 ? kvTable(ev.attributes, "event-attributes") : null));
      }
      append(detailPane, section(`Events (${sp.events.length})`, "events", box));
    }
    if (sp.resource) append(detailPane, section("Resource", "resource", kvTable(sp.resource, "resource-table")));
    if (sp.scope) append(detailPane, h("p", { class: "dim", text: `instrumentation scope ${sp.scope}` }));
    document.dispatchEvent(new CustomEvent("calltree:span-open", { detail: { id: sp.id } }));
  }

  // ---------- input ----------
  textInput.addEventListener("input", () => { filters.text = textInput.value.trim().toLowerCase(); refilter(); });
  kindSelect.addEventListener("change", () => { filters.kind = kindSelect.value; refilter(); });
  sessionInput.addEventListener("input", () => { filters.session = sessionInput.value.trim(); refilter(); });
  userInput.addEventListener("input", () => { filters.user = userInput.value.trim(); refilter(); });
  errorsBox.addEventListener("change", () => { filters.errors = errorsBox.checked; refilter(); });
  list.addEventListener("scroll", () => requestAnimationFrame(renderList), { passive: true });
  waterfall.addEventListener("scroll", () => requestAnimationFrame(renderWaterfall), { passive: true });
  window.addEventListener("resize", () => { renderList(); renderWaterfall(); });
  list.addEventListener("focus", () => { focusPane = "list"; });
  waterfall.addEventListener("focus", () => { focusPane = "spans"; });
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (typing) {
      if (event.key === "Escape" || event.key === "Enter") { target.blur(); list.focus(); event.preventDefault(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (key === "/") { textInput.focus(); event.preventDefault(); return; }
    if (key === "e") { errorsBox.checked = !errorsBox.checked; filters.errors = errorsBox.checked; refilter(); return; }
    const down = key === "ArrowDown" || key === "j";
    const up = key === "ArrowUp" || key === "k";
    if (focusPane === "list") {
      if (down) { selectTrace(Math.min(filtered.length - 1, selectedIndex + 1), false); event.preventDefault(); }
      else if (up) { selectTrace(Math.max(0, selectedIndex - 1), false); event.preventDefault(); }
      else if ((key === "Enter" || key === "ArrowRight" || key === "l") && selectedTrace) {
        void openTrace(selectedTrace).then(() => { focusPane = "spans"; waterfall.focus(); selectSpan(0); });
        event.preventDefault();
      }
    } else {
      const sp = visible[spanIndex];
      if (down) { selectSpan(Math.min(visible.length - 1, spanIndex + 1)); event.preventDefault(); }
      else if (up) { selectSpan(Math.max(0, spanIndex - 1)); event.preventDefault(); }
      else if (key === "Home") { selectSpan(0); event.preventDefault(); }
      else if (key === "End") { selectSpan(visible.length - 1); event.preventDefault(); }
      else if (key === "ArrowRight" || key === "l") {
        // Tree keys: → opens a folded span, then steps into its first child.
        if (sp && parents.has(sp.id) && collapsed.has(sp.id)) toggle(spanIndex, true);
        else if (sp && parents.has(sp.id)) selectSpan(spanIndex + 1);
        event.preventDefault();
      } else if (key === "ArrowLeft" || key === "h") {
        // ← folds an open span, then steps out to its parent, then back to the trace list.
        if (sp && parents.has(sp.id) && !collapsed.has(sp.id)) toggle(spanIndex, false);
        else if (sp && sp.parent !== undefined && visible.some((other) => other.id === sp.parent)) selectSpan(visible.findIndex((other) => other.id === sp.parent));
        else { focusPane = "list"; list.focus(); }
        event.preventDefault();
      } else if (key === "Escape") { focusPane = "list"; list.focus(); event.preventDefault(); }
    }
  });

  // ---------- data ----------
  let connected = false;
  function upsert(s: Summary): void {
    summaries.set(s.id, s);
    details.delete(s.id);
    if (current && current.summary.id === s.id && boot.mode === "live") void openTrace(s.id);
  }
  function ready(): void {
    document.body.dataset["ready"] = "true";
    document.dispatchEvent(new CustomEvent("calltree:ready", { detail: { traces: summaries.size } }));
  }
  if (boot.mode === "file") {
    for (const d of boot.traces) {
      summaries.set(d.summary.id, d.summary);
      details.set(d.summary.id, d);
    }
    dropped = boot.dropped ?? 0;
    refilter();
    refreshDatalists();
    ready();
  } else {
    const events = new EventSource("api/events");
    let loaded = false;
    const pending: Summary[] = [];
    let lost = false;
    events.addEventListener("open", () => {
      connected = true;
      renderStatus();
      // Traces handed out while the connection was down were never pushed: reload the list.
      if (lost) void loadList();
      lost = false;
    });
    events.addEventListener("error", () => { connected = false; lost = loaded; renderStatus(); });
    events.addEventListener("trace", (event) => {
      const s = JSON.parse((event as MessageEvent<string>).data) as Summary;
      if (!loaded) { pending.push(s); return; }
      upsert(s);
      scheduleRefilter();
    });
    events.addEventListener("drop", (event) => {
      const ids = JSON.parse((event as MessageEvent<string>).data) as { ids: string[]; dropped: number };
      for (const id of ids.ids) { summaries.delete(id); details.delete(id); }
      dropped = ids.dropped;
      scheduleRefilter();
    });
    const loadList = () => fetch("api/traces", { headers: { accept: "application/json" } })
      .then((res) => res.json() as Promise<{ traces: Summary[]; dropped: number }>)
      .then((body) => {
        if (loaded) summaries.clear();
        for (const s of body.traces) summaries.set(s.id, s);
        dropped = body.dropped;
        loaded = true;
        for (const s of pending) summaries.set(s.id, s);
        refilter();
        refreshDatalists();
        if (document.body.dataset["ready"] !== "true") ready();
      })
      .catch((error: unknown) => { status.textContent = `cannot load traces: ${String((error as Error).message)}`; });
    void loadList();
  }
}

pageApp();
