/** A line of a stream, with its 1-based number and its size in bytes (newline included). */
export interface Line {
  text: string;
  number: number;
  bytes: number;
}

/**
 * Splits a byte stream into lines without holding more than the current line: a 100 MB file is read
 * chunk by chunk. Splits on `\n` bytes, which never occur inside a UTF-8 sequence, and drops a `\r`
 * before it. Errors of the stream (unreadable file) are thrown from the iteration.
 */
export async function* lines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const finish = (tail: Buffer): Line => {
    const buffer = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    const bytes = pendingBytes + tail.length;
    pending = [];
    pendingBytes = 0;
    let end = buffer.length;
    if (end > 0 && buffer[end - 1] === 0x0d) end--;
    return { text: buffer.toString("utf8", 0, end), number: ++number, bytes };
  };
  for await (const piece of stream) {
    const chunk = typeof piece === "string" ? Buffer.from(piece) : piece;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const line = finish(chunk.subarray(start, nl));
      line.bytes += 1;
      yield line;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
    }
  }
  if (pendingBytes > 0) yield finish(Buffer.alloc(0));
}
