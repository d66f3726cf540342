/**
 * Bytes in, lines out, with a bound: a line longer than `maxLineBytes` is not kept whole (its
 * bytes are dropped until the next newline) and is reported by its number instead. Lines are
 * split on the newline byte before decoding, so a multi-byte character is never cut.
 */
export interface LineSink {
  line(text: string, number: number): void;
  tooLong(number: number, bytes: number): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;
  private skipped = 0;
  /** the number of the line being read (1-based) */
  private number = 1;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.skipping) this.skipped += piece.length;
      else if (this.size + piece.length > this.maxLineBytes) {
        this.skipping = true;
        this.skipped = this.size + piece.length;
        this.parts = [];
        this.size = 0;
      } else if (piece.length > 0) {
        // Copied: the reader reuses its buffer.
        this.parts.push(Buffer.from(piece));
        this.size += piece.length;
      }
      if (newline < 0) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** The end of the input: a last line without a newline counts. */
  flush(): void {
    if (this.size > 0 || this.skipping) this.endLine();
  }

  /** Forget a partial line (the file was truncated or replaced) and count lines from `number`. */
  reset(number = 1): void {
    this.parts = [];
    this.size = 0;
    this.skipping = false;
    this.number = number;
  }

  private endLine(): void {
    const number = this.number++;
    if (this.skipping) {
      this.skipping = false;
      this.sink.tooLong(number, this.skipped);
      return;
    }
    const text = Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    if (text.trim() !== '') this.sink.line(text.endsWith('\r') ? text.slice(0, -1) : text, number);
  }
}
