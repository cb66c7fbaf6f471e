// Streams and promises nobody consumes: their span ends after an idle time, or when the objects the app could
// read them through are collected.
import { captureConfig } from "../../capture/config.js";
import type { Call } from "./call.js";

// A call is abandoned only when every object the app could still read it through is gone: `for await` keeps the
// iterator it took from the returned stream and may drop the stream itself (the openai SDK's iterator holds no
// reference to its Stream), so a collected stream alone says nothing.
const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Call>((call) => {
        if (--call.liveState().liveTargets <= 0 && !call.ended) call.finishStream("abandoned");
      })
    : undefined;

function checkIdle(call: Call): void {
  if (call.ended) return;
  const idle = captureConfig().streamIdleTimeoutMs;
  const quiet = Date.now() - call.liveState().lastActivity;
  if (quiet >= idle) call.finishStream("abandoned");
  else armTimer(call, idle - quiet);
}

function armTimer(call: Call, ms: number): void {
  const t = setTimeout(checkIdle, ms, call);
  (t as { unref?: () => void }).unref?.();
  call.liveState().timer = t;
}

/** Watches a returned promise subclass or stream: idle timer, and collection of `target`. */
export function watch(call: Call, target: object): void {
  if (call.ended) return;
  const live = call.liveState();
  live.lastActivity = Date.now();
  live.watched = true;
  watchAlso(call, target);
  armTimer(call, captureConfig().streamIdleTimeoutMs);
}

/** Registers one more object the app reads the call's stream through (see the registry above). */
export function watchAlso(call: Call, target: object): void {
  if (registry === undefined || call.ended) return;
  call.liveState().liveTargets++;
  registry.register(target, call, call);
}

/** Stops watching a call that ended (only calls that {@link watch} registered pay for it). */
export function unwatch(call: Call): void {
  const timer = call.live?.timer;
  if (timer !== undefined) clearTimeout(timer);
  registry?.unregister(call);
}
