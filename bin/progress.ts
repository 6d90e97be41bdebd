import { SingleBar } from "cli-progress";

export interface ProgressBar {
  update(fraction: number, payload?: Record<string, unknown>): void;
  stop(): void;
  /** Writes a message to stderr on a line of its own (terminal or not); a bar shown before it starts again below it. */
  warn(text: string): void;
}

/** A progress bar on stderr, only on a terminal, and only once the work has taken a second. */
export function progressBar(format: string): ProgressBar {
  if (process.stderr.isTTY !== true) return { update: () => undefined, stop: () => undefined, warn: (text) => process.stderr.write(text) };
  const startNs = process.hrtime.bigint();
  let bar: SingleBar | undefined;
  return {
    update: (fraction, payload) => {
      if (bar === undefined) {
        if (process.hrtime.bigint() - startNs < 1_000_000_000n) return;
        bar = new SingleBar({ stream: process.stderr, format, hideCursor: true });
        bar.start(100, 0, payload);
      }
      bar.update(Math.round(fraction * 100), payload);
    },
    stop: () => bar?.stop(),
    warn: (text) => {
      bar?.stop();
      bar = undefined;
      process.stderr.write(text);
    },
  };
}
