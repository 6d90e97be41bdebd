/** The bar shown while a trace file is read: on a terminal only, for a file big enough to take a while. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { TRACE_BAR_MIN_BYTES, progressBar, showsTraceBar, traceReadProgress } from "../../bin/progress.js";
import { crashPointsLine } from "../../bin/commands/crash.js";

/** A stream that keeps what is written to it, a terminal or not as asked. */
function capture(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream, written: () => chunks.join("") };
}

describe("trace reading progress", () => {
  it("is shown on a terminal for a file of TRACE_BAR_MIN_BYTES or more, and never elsewhere", () => {
    expect(showsTraceBar(true, TRACE_BAR_MIN_BYTES)).toBe(true);
    expect(showsTraceBar(true, TRACE_BAR_MIN_BYTES - 1)).toBe(false);
    expect(showsTraceBar(false, 100 * TRACE_BAR_MIN_BYTES)).toBe(false);
    expect(showsTraceBar(undefined, 100 * TRACE_BAR_MIN_BYTES)).toBe(false);
  });

  it("writes nothing to a stream that is not a terminal, however big the file", () => {
    const { stream, written } = capture(false);
    const progress = traceReadProgress(stream);
    const total = 10 * TRACE_BAR_MIN_BYTES;
    for (let read = 0; read <= total; read += TRACE_BAR_MIN_BYTES) progress.onTraceRead("big", read, total);
    progress.stop();
    expect(written()).toBe("");
  });

  it("on a terminal, names the trace and counts MiB read, until the file is read", () => {
    const { stream, written } = capture(true);
    const progress = traceReadProgress(stream);
    const total = 4 * TRACE_BAR_MIN_BYTES;
    progress.onTraceRead("small", 10, 100);
    expect(written()).toBe("");
    progress.onTraceRead("prxy_0", TRACE_BAR_MIN_BYTES, total);
    expect(written()).toContain("reading trace prxy_0");
    expect(written()).toContain("/64 MiB");
    progress.onTraceRead("prxy_0", total, total);
    expect(written()).toContain("100% | 64/64 MiB");
    // Stopped once the file is read: a later stop() writes nothing more.
    const atEnd = written();
    progress.stop();
    expect(written()).toBe(atEnd);
  });
});

describe("a long command's progress bar", () => {
  it("moves in thousandths, so that its ETA has something to go on while the first hundredth takes minutes", () => {
    const { stream, written } = capture(true);
    const bar = progressBar("{value} of {total}", { stream, showAfterNs: 0n });
    bar.update(0.0004);
    bar.update(0.002);
    bar.stop();
    expect(written()).toContain("0 of 1000");
    expect(written()).toContain("2 of 1000");
  });

  it("writes nothing off a terminal but its warnings", () => {
    const { stream, written } = capture(false);
    const bar = progressBar("{value} of {total}", { stream, showAfterNs: 0n });
    bar.update(0.5);
    bar.warn("a warning\n");
    bar.stop();
    expect(written()).toBe("a warning\n");
  });
});

describe("what a crash campaign says before its checks", () => {
  it("names the crash points, and points a long exhaustive campaign at sampling", () => {
    expect(crashPointsLine(203, "exhaustive")).toBe("203 crash points recorded; checking every one");
    expect(crashPointsLine(5000, "exhaustive")).toBe("5000 crash points recorded; checking every one");
    expect(crashPointsLine(59763, "exhaustive")).toMatch(/^59763 crash points recorded; checking every one \(this many can take hours: --mode sample/);
    expect(crashPointsLine(59763, "sample")).toBe("59763 crash points recorded; sampling crash states among them");
  });
});
