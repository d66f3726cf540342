/** What a command may touch, passed in so commands are testable in-process. */
export interface CommandIO {
  /** resolves once the text is handed to the OS, so large reports do not pile up in memory */
  stdout(text: string): void | Promise<void>;
  stderr(text: string): void;
  /** progress for long work; silent when stderr is not a terminal */
  progress(text: string): void;
  /** all of stdin, or with `maxBytes` only its first `maxBytes` + 1 bytes (reading stops there) */
  stdin(maxBytes?: number): Promise<Buffer>;
  now(): Date;
  cwd: string;
  color: boolean;
  version: string;
}
