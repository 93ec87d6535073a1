/**
 * Reads a text file line by line from a byte offset, reporting each line's end offset so an
 * import can checkpoint exactly where it stopped and resume there. Lines end at `\n` (a `\r`
 * before it is dropped); the file is streamed, never loaded whole.
 */
import { createReadStream } from 'node:fs';

export interface Line {
  readonly text: string;
  /** Byte offset just past this line's newline: where the next read starts. */
  readonly end: number;
}

/** Lines of `path` starting at byte `start` (which must be a line start). */
export async function* readLines(path: string, start = 0): AsyncGenerator<Line> {
  let offset = start;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1 << 20 })) {
    let buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
      offset += nl + 1 - from;
      yield { text: decode(buf.subarray(from, nl)), end: offset };
      from = nl + 1;
    }
    carry = Buffer.from(buf.subarray(from));
    buf = carry;
  }
  if (carry.length > 0) yield { text: decode(carry), end: offset + carry.length };
}

function decode(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
