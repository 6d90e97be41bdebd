import { SingleBar } from "cli-progress";

export interface ProgressBar {
  update(fraction: number, payload?: Record<string, unknown>): void;
  stop(): void;
  /** Writes a message to stderr on a line of its own (terminal or not); a bar shown before it starts again below it. */
  warn(text: string): void;
}

/**
 * Steps of a progress bar: a thousandth, not a hundredth, so that its ETA
 * (worked out from how fast the value moves) has something to go on in a
 * long campaign, whose first hundredth can take many minutes.
 */
const BAR_STEPS = 1000;

/** A progress bar on `stream` (stderr), only on a terminal, and only once the work has taken `showAfterNs` (a second). */
export function progressBar(format: string, { stream = process.stderr, showAfterNs = 1_000_000_000n }: { readonly stream?: NodeJS.WriteStream; readonly showAfterNs?: bigint } = {}): ProgressBar {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined, warn: (text) => stream.write(text) };
  const startNs = process.hrtime.bigint();
  let bar: SingleBar | undefined;
  return {
    update: (fraction, payload) => {
      if (bar === undefined) {
        if (process.hrtime.bigint() - startNs < showAfterNs) return;
        bar = new SingleBar({ stream, format, hideCursor: true });
        bar.start(BAR_STEPS, 0, payload);
      }
      bar.update(Math.round(fraction * BAR_STEPS), payload);
    },
    stop: () => bar?.stop(),
    warn: (text) => {
      bar?.stop();
      bar = undefined;
      stream.write(text);
    },
  };
}

/**
 * A trace smaller than this is read in about a second or less (~600k DiskSim
 * lines): no bar for it. Decided by the file's size rather than by the time
 * taken, so that whether a file shows a bar is the same on every run.
 */
export const TRACE_BAR_MIN_BYTES = 16 * 2 ** 20;

/** Whether reading a trace of `totalBytes` shows a bar: on a terminal only (never on a pipe or a file), and only for a file big enough to take a while. */
export function showsTraceBar(isTTY: boolean | undefined, totalBytes: number): boolean {
  return isTTY === true && totalBytes >= TRACE_BAR_MIN_BYTES;
}

/**
 * Bars for the trace files a command reads before its first I/O (run,
 * validate), one at a time on `stream` (stderr): a trace of millions of
 * requests takes seconds to read, with nothing else to show for them.
 */
export function traceReadProgress(stream: NodeJS.WriteStream = process.stderr): { onTraceRead: (name: string, bytesRead: number, totalBytes: number) => void; stop: () => void } {
  const MiB = 2 ** 20;
  let bar: SingleBar | undefined;
  let barName: string | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    barName = undefined;
  };
  return {
    onTraceRead: (name, bytesRead, totalBytes) => {
      if (!showsTraceBar(stream.isTTY, totalBytes)) return;
      if (barName !== name) {
        stop();
        barName = name;
        bar = new SingleBar({ stream, format: `reading trace ${name} [{bar}] {percentage}% | {value}/{total} MiB`, hideCursor: true });
        bar.start(Math.ceil(totalBytes / MiB), 0);
      }
      bar?.update(Math.ceil(bytesRead / MiB));
      if (bytesRead >= totalBytes) stop();
    },
    stop,
  };
}
