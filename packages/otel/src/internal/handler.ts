import type { FetchHandler } from "../tracing.js";

interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

function findWaitUntil(rest: unknown[]): WaitUntil | undefined {
  for (const arg of rest) {
    if (typeof arg === "object" && arg !== null && typeof (arg as Partial<WaitUntil>).waitUntil === "function") return arg as WaitUntil;
  }
  return undefined;
}

/**
 * `tracing.handler(fn)` (see its contract in tracing.ts). `flush` never rejects. The flush starts when the response
 * is done: its body read to the end or cancelled, or at once without a body, or when `fn` fails.
 */
export function flushingHandler<A extends unknown[]>(fn: FetchHandler<A>, flush: () => Promise<void>): (request: Request, ...rest: A) => Promise<Response> {
  const wrapped = function (this: unknown, request: Request, ...rest: A): Promise<Response> {
    const keeper = findWaitUntil(rest);
    // With waitUntil, the runtime is told at once (it must be, while the request runs) of a promise that settles when
    // the response is done and its spans are flushed.
    let done!: () => void;
    const responseDone = new Promise<void>((resolve) => { done = resolve; });
    const flushed = responseDone.then(flush);
    if (keeper !== undefined) {
      try {
        keeper.waitUntil(flushed);
      } catch {
        // A runtime that refuses waitUntil still gets the spans: the flush runs, unawaited.
      }
    }
    const finish = async (): Promise<void> => {
      done();
      if (keeper === undefined) await flushed;
    };
    return (async () => {
      let response: Response;
      try {
        response = await fn.call(this, request, ...rest);
      } catch (error) {
        await finish();
        throw error;
      }
      if (!(response instanceof Response) || response.body === null) {
        await finish();
        return response;
      }
      const reader = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            await finish();
            controller.error(error);
            return;
          }
          if (chunk.done) {
            await finish();
            controller.close();
          } else {
            controller.enqueue(chunk.value);
          }
        },
        async cancel(reason) {
          try {
            await reader.cancel(reason);
          } finally {
            await finish();
          }
        },
      }, { highWaterMark: 0 });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    })();
  };
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  return wrapped;
}
