/**
 * Collects rows from one or more files (a glob is concatenated) into columns, optionally keeping a
 * seeded reservoir sample instead of every row. Row readers (CSV, JSON Lines) ask `slot()` once per
 * row and then `put` each cell there; a slot below the current length overwrites a sampled-out row.
 */
import type { Column, DataError } from "./dataset";
import { createReservoir, fileOrder, type Reservoir } from "./sampling";

/** Where a column first showed each kind of value, for the mixed-types warning. */
interface Seen {
  file: string;
  row: number;
  value?: string;
}

class ColumnBuilder {
  private numbers: Float64Array;
  private texts: (string | null)[] | null = null;
  length: number;
  firstNumber: Seen | null = null;
  firstText: Seen | null = null;

  constructor(
    readonly name: string,
    initialLength: number,
    capacity: number,
  ) {
    this.numbers = new Float64Array(Math.max(Math.min(capacity, 1 << 16), initialLength, 16)).fill(NaN);
    this.length = initialLength;
  }

  /** `row` is only for the warning: the 1-based line or row in `file`. */
  put(slot: number, value: number | string | null, file: string, row: number): void {
    if (slot >= this.length) this.grow(slot + 1);
    if (typeof value === "number") {
      if (this.firstNumber === null && !Number.isNaN(value)) this.firstNumber = { file, row };
      if (this.texts) this.texts[slot] = Number.isNaN(value) ? null : String(value);
      else this.numbers[slot] = value;
    } else if (value === null) {
      if (this.texts) this.texts[slot] = null;
      else this.numbers[slot] = NaN;
    } else {
      if (this.firstText === null) this.firstText = { file, row, value };
      if (!this.texts) this.toText();
      (this.texts as (string | null)[])[slot] = value;
    }
  }

  /**
   * The first text value turns the column into text. Numbers already read become their JS string
   * form ("1.50" reads back as "1.5"): the engine only needs them as categories at that point.
   */
  private toText(): void {
    const texts = new Array<string | null>(this.length);
    for (let i = 0; i < this.length; i++) {
      const x = this.numbers[i] as number;
      texts[i] = Number.isNaN(x) ? null : String(x);
    }
    this.texts = texts;
    this.numbers = new Float64Array(0);
  }

  private grow(length: number): void {
    if (this.texts) {
      while (this.texts.length < length) this.texts.push(null);
    } else if (length > this.numbers.length) {
      const bigger = new Float64Array(Math.max(length, this.numbers.length * 2)).fill(NaN, this.numbers.length);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    this.length = length;
  }

  finish(order: Uint32Array | null): Column {
    if (this.texts) {
      const values = order ? Array.from(order, (i) => this.texts?.[i] ?? null) : this.texts.slice(0, this.length);
      return { kind: "text", name: this.name, values };
    }
    if (order) {
      const values = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) values[i] = this.numbers[order[i] as number] as number;
      return { kind: "numeric", name: this.name, values };
    }
    return { kind: "numeric", name: this.name, values: this.numbers.length === this.length ? this.numbers : this.numbers.slice(0, this.length) };
  }
}

export class TableBuilder {
  private readonly builders = new Map<string, ColumnBuilder>();
  private readonly reservoir: Reservoir | null;
  private readonly wanted: ReadonlySet<string> | null;
  private firstFile: { file: string; names: ReadonlySet<string> } | null = null;
  private readonly dropped = new Set<string>();
  private rows = 0;
  readonly warnings: string[] = [];

  constructor(opts: { columns?: readonly string[]; sample?: { rows: number; seed: number } }) {
    this.reservoir = opts.sample ? createReservoir(Math.max(0, Math.floor(opts.sample.rows)), opts.sample.seed) : null;
    this.wanted = opts.columns ? new Set(opts.columns) : null;
  }

  /** Is this column read at all (the caller asked for a subset)? */
  wants(name: string): boolean {
    return !this.dropped.has(name) && (this.wanted === null || this.wanted.has(name));
  }

  /**
   * Every file of a glob must have the same columns as the first (order may differ): concatenating
   * files that disagree would silently compare different things.
   */
  checkColumns(file: string, names: readonly string[]): DataError | null {
    const set = new Set(names);
    if (this.firstFile === null) {
      this.firstFile = { file, names: set };
      return null;
    }
    const expected = this.firstFile.names;
    const missing = [...expected].filter((n) => !set.has(n));
    const extra = names.filter((n) => !expected.has(n));
    if (missing.length === 0 && extra.length === 0) return null;
    return { kind: "columns-differ", file, expectedFrom: this.firstFile.file, missing, extra };
  }

  /** Where the next row goes, or -1 when sampling skips it. */
  slot(): number {
    if (this.reservoir) return this.reservoir.offer();
    return this.rows++;
  }

  /** Registers a column (in first-seen order); rows before it was seen read as missing. */
  column(name: string): ColumnBuilder {
    let builder = this.builders.get(name);
    if (!builder) {
      // Slots never written read as missing (the arrays start as NaN / null), so a late column needs no backfill.
      builder = new ColumnBuilder(name, 0, this.reservoir ? this.reservoir.capacity : 1024);
      this.builders.set(name, builder);
    }
    return builder;
  }

  /** Drops a column (unsupported values) without failing the read. */
  drop(name: string): void {
    this.builders.delete(name);
    this.dropped.add(name);
  }

  names(): IterableIterator<string> {
    return this.builders.keys();
  }

  has(name: string): boolean {
    return this.builders.has(name);
  }

  finish(): { columns: Map<string, Column>; rows: number; sampledFrom: number | null } {
    let rows = this.rows;
    let order: Uint32Array | null = null;
    let sampledFrom: number | null = null;
    if (this.reservoir) {
      rows = Math.min(this.reservoir.seen, this.reservoir.capacity);
      if (this.reservoir.seen > this.reservoir.capacity) {
        sampledFrom = this.reservoir.seen;
        this.warnings.push(`sampled ${rows} of ${this.reservoir.seen} rows`);
      }
      order = fileOrder(this.reservoir);
    }
    const columns = new Map<string, Column>();
    for (const [name, builder] of this.builders) {
      // JSON Lines rows may end before a column's last value: pad to the table's length.
      if (builder.length < rows) builder.put(rows - 1, null, "", 0);
      if (builder.firstNumber && builder.firstText) {
        const t = builder.firstText;
        this.warnings.push(`column "${name}" mixes numbers and text (${t.file} row ${t.row}: ${JSON.stringify(t.value?.slice(0, 40))}); kept as text`);
      }
      columns.set(name, builder.finish(order));
    }
    return { columns, rows, sampledFrom };
  }
}
