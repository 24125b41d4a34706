/**
 * A file as UTF-8 text, chunk by chunk, refusing what is not UTF-8: a UTF-16 file (Excel's
 * "Unicode text", PowerShell's default) or Latin-1 bytes would otherwise parse into garbage columns.
 * A UTF-8 byte order mark is dropped (TextDecoder's default).
 */
import { createReadStream } from "node:fs";

export class EncodingProblem extends Error {
  constructor(
    readonly detail: string,
    readonly byteOffset: number,
  ) {
    super(detail);
  }
}

/** Yields decoded text; throws EncodingProblem, or the stream's own error (io, AbortError). */
export async function* textChunks(file: string, opts: { signal?: AbortSignal; onBytes?: (bytes: number) => void }): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stream = createReadStream(file, { highWaterMark: 1 << 20, signal: opts.signal });
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (offset === 0) {
      if (chunk[0] === 0xff && chunk[1] === 0xfe) throw new EncodingProblem("UTF-16 little-endian (byte order mark FF FE)", 0);
      if (chunk[0] === 0xfe && chunk[1] === 0xff) throw new EncodingProblem("UTF-16 big-endian (byte order mark FE FF)", 0);
    }
    // NUL never appears in UTF-8 text; UTF-16 without a BOM is full of them.
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw new EncodingProblem("NUL bytes: UTF-16 without a byte order mark, or a binary file", offset + nul);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new EncodingProblem("not valid UTF-8", offset + firstInvalidUtf8(chunk));
    }
    offset += chunk.length;
    opts.onBytes?.(offset);
    yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new EncodingProblem("not valid UTF-8: the file ends inside a multi-byte character", offset);
  }
}

/** The offset of the first byte that breaks UTF-8 in `bytes` (a chunk may start mid-character: skip continuation bytes). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && ((bytes[i] as number) & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      // A character cut by the chunk's end is fine while streaming: the culprit came earlier.
      if (i + k >= bytes.length) return 0;
      if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return 0;
}
