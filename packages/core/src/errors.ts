/**
 * The one error class calltree throws, and only at setup time: when a decorator is applied where it cannot
 * work, when options are invalid, or when `register()` is misconfigured. Calls of decorated functions never
 * throw calltree errors; failures there go to a diagnostic instead.
 *
 * It extends `TypeError` because every setup mistake is a wrong argument: a decorator on a field, an option of
 * the wrong type, an endpoint that is not a URL.
 */
export class CalltreeError extends TypeError {
  /** A stable, machine-readable code, e.g. `INVALID_OPTIONS` or `UNSUPPORTED_TARGET`. */
  readonly code: string;

  /**
   * @param code - stable identifier of the mistake
   * @param message - what is wrong and how to fix it
   */
  constructor(code: string, message: string) {
    super(message);
    this.name = "CalltreeError";
    this.code = code;
  }
}

/** True if `error` is a {@link CalltreeError} (also across two copies of calltree). */
export function isCalltreeError(error: unknown): error is CalltreeError {
  return (
    error instanceof CalltreeError ||
    (error instanceof Error && error.name === "CalltreeError" && typeof (error as { code?: unknown }).code === "string")
  );
}
