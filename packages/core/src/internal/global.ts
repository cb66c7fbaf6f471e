import type { Tracer, TracerProvider } from "@opentelemetry/api";

/** The version of this copy of @calltree/core (kept equal to the package version by a test). */
export const VERSION = "0.1.0";

/**
 * State shared by every compatible copy of @calltree/core in the process (ESM and CJS builds, duplicated installs):
 * they find it in the one global slot (see {@link GlobalSlot}), so a provider set through one copy is used by
 * decorators from another.
 */
export interface SharedState {
  /** Provider set by `register()` or the testing kit; wins over the OTel global provider. */
  provider: TracerProvider | undefined;
  tracer: Tracer | undefined;
  /** Last seen delegate of the global provider, and the tracer obtained from it. */
  globalDelegate: unknown;
  globalTracer: Tracer | undefined;
  /** Diagnostic codes already reported to the logger `reportedTo`. */
  reported: Set<string>;
  reportedTo: unknown;
  /** Capture configuration (see capture/config.ts); typed there. */
  capture: unknown;
  /** The files of the copies of @calltree/core that share this state, to say when two copies meet. */
  copies: Set<string>;
  /** Copies that found this slot but could not share it (incompatible versions): `version at file`. */
  incompatible: Set<string>;
}

/**
 * calltree's one entry on `globalThis`, found under {@link GLOBAL_KEY} by every copy of every calltree package,
 * as `@opentelemetry/api` keeps its globals under `Symbol.for("opentelemetry.js.api.1")`. The copy of core that
 * loads first creates it; a later copy uses it only when its version is compatible ({@link isCompatible}), so a
 * state whose shape it does not know is never read. Other packages keep their shared state in named `parts`
 * (`sharedPart()` of `@calltree/core/sdk`), so there is one slot and one version check for all of them.
 */
export interface GlobalSlot {
  /** The version of the copy of @calltree/core that created the slot. */
  readonly version: string;
  readonly core: SharedState;
  /** Shared state of other calltree packages, by name (e.g. `"otel.registration"`). */
  readonly parts: Map<string, unknown>;
}

/**
 * The key of the slot. The number is the slot's layout, bumped only if {@link GlobalSlot} itself changes shape;
 * versions within it are told apart by {@link isCompatible}.
 */
export const GLOBAL_KEY = Symbol.for("calltree.js.global.1");

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/;

/**
 * Whether a copy at version `own` may use a slot created by a copy at version `global`, by the rule
 * `@opentelemetry/api` applies to its own globals: prereleases must match exactly; otherwise the major versions
 * must match, and the slot's copy must be at least as new as this one within them (for 0.x, where a minor version
 * may break, the same minor and at least the same patch). A newer copy never reads state laid out by an older one.
 */
export function isCompatible(own: string, global: string): boolean {
  if (own === global) return true;
  const a = SEMVER.exec(own);
  const b = SEMVER.exec(global);
  if (a === null || b === null) return false;
  if (a[4] !== undefined || b[4] !== undefined) return false;
  const [oMajor, oMinor, oPatch] = [Number(a[1]), Number(a[2]), Number(a[3])];
  const [gMajor, gMinor, gPatch] = [Number(b[1]), Number(b[2]), Number(b[3])];
  if (oMajor !== gMajor) return false;
  if (oMajor === 0) return oMinor === gMinor && oPatch <= gPatch;
  return oMinor <= gMinor;
}

function createState(): SharedState {
  return {
    provider: undefined,
    tracer: undefined,
    globalDelegate: undefined,
    globalTracer: undefined,
    reported: new Set(),
    reportedTo: undefined,
    capture: undefined,
    copies: new Set(),
    incompatible: new Set(),
  };
}

function createSlot(): GlobalSlot {
  return { version: VERSION, core: createState(), parts: new Map() };
}

// This copy's own file, from a structured stack trace: unlike the text of `error.stack`, call sites are not
// source-mapped, so the ESM and CommonJS builds (one source) still give two different files.
function ownFile(): string {
  const E = Error as unknown as { prepareStackTrace?: unknown };
  const previous = E.prepareStackTrace;
  try {
    E.prepareStackTrace = (_e: unknown, sites: Array<{ getFileName(): string | null }>) => sites;
    const sites = (new Error() as unknown as { stack: Array<{ getFileName(): string | null }> | string }).stack;
    if (Array.isArray(sites)) return sites[0]?.getFileName() ?? "unknown";
    return "unknown";
  } catch {
    return "unknown";
  } finally {
    E.prepareStackTrace = previous;
  }
}

/** The file of this copy of @calltree/core. */
export const THIS_COPY = ownFile();

type Holder = { [GLOBAL_KEY]?: GlobalSlot };

/**
 * Finds or creates the slot. An incompatible slot is left alone: this copy then keeps a private slot (it works on
 * its own, but shares nothing with the other copy) and notes itself in the other slot, so that whichever copy
 * reports diagnostics says which versions met (see diagnoseCopies()).
 */
function attach(): { slot: GlobalSlot; foreign: GlobalSlot | undefined } {
  const holder = globalThis as Holder;
  const existing = holder[GLOBAL_KEY];
  if (existing === undefined) {
    const slot = createSlot();
    try {
      holder[GLOBAL_KEY] = slot;
    } catch {
      // A frozen global object: the state stays private to this copy.
    }
    return { slot, foreign: undefined };
  }
  if (typeof existing.version === "string" && isCompatible(VERSION, existing.version) && existing.core !== undefined) {
    return { slot: existing, foreign: undefined };
  }
  const slot = createSlot();
  try {
    existing.core?.incompatible?.add(`${VERSION} at ${THIS_COPY}`);
  } catch {
    // An unreadable foreign slot: this copy's own diagnostics still say it.
  }
  return { slot, foreign: existing };
}

const attached = attach();

/** The slot this copy uses: the process-wide one, or a private one when the process-wide one is incompatible. */
export const slot: GlobalSlot = attached.slot;

/** The incompatible slot this copy met, if any. */
export const foreignSlot: GlobalSlot | undefined = attached.foreign;

/** Core's shared state. */
export const shared: SharedState = slot.core;
shared.copies.add(THIS_COPY);
