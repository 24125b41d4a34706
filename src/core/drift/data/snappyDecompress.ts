/**
 * Snappy block decompression (https://github.com/google/snappy/blob/main/format_description.txt)
 * that copies literals and long non-overlapping back-references with typed-array block copies;
 * hyparquet's snappyUncompress copies byte by byte, which was 23 % of loading mostly incompressible
 * float64 pages (long literals). Same checks as hyparquet's: corrupt input throws.
 */
export function snappyDecompress(input: Uint8Array, output: Uint8Array): void {
  const inLength = input.length;
  const outLength = output.length;
  let pos = 0;
  // Preamble: the uncompressed length as a varint; the caller already sized `output` from the page header.
  while (pos < inLength && (input[pos++] as number) >= 0x80);
  if (outLength && pos >= inLength) throw new Error("invalid snappy length header");
  let out = 0;
  while (pos < inLength) {
    const c = input[pos++] as number;
    const kind = c & 3;
    if (kind === 0) {
      let len = (c >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > inLength) throw new Error("snappy literal length past the end of input");
        len = 0;
        for (let k = extra - 1; k >= 0; k--) len = len * 256 + (input[pos + k] as number);
        len += 1;
        pos += extra;
      }
      if (pos + len > inLength) throw new Error("snappy literal exceeds input length");
      if (out + len > outLength) throw new Error("snappy output exceeds the page size");
      output.set(input.subarray(pos, pos + len), out);
      pos += len;
      out += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= inLength) throw new Error("snappy error end of input");
      len = ((c >>> 2) & 7) + 4;
      offset = ((c >>> 5) << 8) | (input[pos] as number);
      pos += 1;
    } else if (kind === 2) {
      if (pos + 1 >= inLength) throw new Error("snappy error end of input");
      len = (c >>> 2) + 1;
      offset = (input[pos] as number) | ((input[pos + 1] as number) << 8);
      pos += 2;
    } else {
      if (pos + 3 >= inLength) throw new Error("snappy error end of input");
      len = (c >>> 2) + 1;
      offset = ((input[pos] as number) | ((input[pos + 1] as number) << 8) | ((input[pos + 2] as number) << 16)) + (input[pos + 3] as number) * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > out) throw new Error(`snappy invalid copy offset ${offset} at output ${out}`);
    if (out + len > outLength) throw new Error("snappy output exceeds the page size");
    if (offset >= len && len > 16) output.copyWithin(out, out - offset, out - offset + len);
    // Overlapping copies repeat the last `offset` bytes, so they must go byte by byte.
    else for (let i = 0; i < len; i++) output[out + i] = output[out - offset + i] as number;
    out += len;
  }
  if (out !== outLength) throw new Error("snappy premature end of input");
}
