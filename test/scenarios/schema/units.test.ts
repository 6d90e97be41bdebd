import { describe, expect, test } from "vitest";
import { formatDuration, formatSize, parseDurationNs, parseRateBytesPerSec, parseSizeBytes, UnitError } from "../../../scenarios/schema/units.js";
import { parseBlockSizePair, parseBlockSizeSplit, parseScenarioRandomDistribution } from "../../../scenarios/schema/fio-values.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function unitError(run: () => unknown): UnitError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnitError) return error;
    throw error;
  }
  throw new Error("expected a UnitError, but the value was accepted");
}

describe("sizes", () => {
  test.each([
    [512, 512],
    ["512", 512],
    ["4k", 4 * KiB],
    ["4K", 4 * KiB],
    ["4kb", 4 * KiB],
    ["4KB", 4 * KiB],
    ["4KiB", 4 * KiB],
    ["64KiB", 64 * KiB],
    ["1MB", MiB],
    ["1m", MiB],
    ["2G", 2 * GiB],
    ["1.5GiB", 1.5 * GiB],
    ["1.5k", 1536],
    ["1T", 1024 * GiB],
    ["16TiB", 16 * 1024 * GiB],
    [" 8 KiB ", 8 * KiB],
    ["100b", 100],
    ["0", 0],
    [".5k", 512],
  ])("%j is %d bytes (every prefix is a power of 1024, as fio's default kb_base)", (input, bytes) => {
    expect(parseSizeBytes(input)).toBe(bytes);
  });

  test.each([
    ["0.3k", "not a whole number of bytes"],
    ["1.1", "not a whole number of bytes"],
    [1.5, "must be a whole number"],
    [-1, "must not be negative"],
    ["-4k", "must not be negative"],
    ["4 kilobytes", 'unknown size unit "kilobytes"'],
    ["4q", 'unknown size unit "q"'],
    ["k", "not a size"],
    ["", "not a size"],
    [true, "not a size"],
    [Number.POSITIVE_INFINITY, "finite"],
    ["16EiB", 'unknown size unit "eib"'],
    ["9000PiB", "too large"],
  ])("%j is refused: %s", (input, problem) => {
    const error = unitError(() => parseSizeBytes(input));
    expect(error.problem).toContain(problem);
    expect(error.expected).toContain("64KiB");
  });
});

describe("times", () => {
  test.each([
    ["100ns", 100],
    ["250us", 250_000],
    ["250µs", 250_000],
    ["10ms", 10_000_000],
    ["1.5ms", 1_500_000],
    ["2s", 2_000_000_000],
    ["0.5s", 500_000_000],
    ["1m", 60_000_000_000],
    ["1min", 60_000_000_000],
    ["1h", 3_600_000_000_000],
    ["0s", 0],
  ])("%j is %d ns", (input, ns) => {
    expect(parseDurationNs(input, { bareNumbers: "reject" })).toBe(ns);
  });

  test("bare numbers are nanoseconds only where the field says so", () => {
    expect(parseDurationNs(1500, { bareNumbers: "ns" })).toBe(1500);
    expect(parseDurationNs("1500", { bareNumbers: "ns" })).toBe(1500);
    expect(parseDurationNs("2ms", { bareNumbers: "ns" })).toBe(2_000_000);
    const error = unitError(() => parseDurationNs(30, { bareNumbers: "reject", bareNumberHint: "use runtimeNs for nanoseconds" }));
    expect(error.message).toBe(
      'a bare number is ambiguous for a time (use runtimeNs for nanoseconds); expected a time with a unit such as "100ns", "250us", "10ms", "2s", "1m" (minute) or "1h", found 30',
    );
    expect(unitError(() => parseDurationNs("30", { bareNumbers: "reject" })).problem).toContain("ambiguous");
  });

  test.each([
    ["0.5ns", "not a whole number of nanoseconds"],
    ["-1ms", "must not be negative"],
    ["10 fortnights", 'unknown time unit "fortnights"'],
    ["ms", "not a time"],
    [1.5, "whole number"],
    [null, "not a time"],
  ])("%j is refused: %s", (input, problem) => {
    expect(unitError(() => parseDurationNs(input, { bareNumbers: "ns" })).problem).toContain(problem);
  });
});

describe("rates", () => {
  test.each([
    ["500MB/s", 500 * MiB],
    ["1GiB/s", GiB],
    ["100k/sec", 100 * KiB],
    ["1.5 GiB / s", 1.5 * GiB],
    [800e6, 800e6],
  ])("%j is %d bytes per second", (input, rate) => {
    expect(parseRateBytesPerSec(input)).toBe(rate);
  });

  test.each([
    ["500MB", '"/s"'],
    ["500MB/ms", "per second"],
    ["0MB/s", "greater than zero"],
    [0, "greater than zero"],
    ["fast/s", "not a rate"],
    ["5XB/s", 'unknown rate unit "xb"'],
  ])("%j is refused: %s", (input, problem) => {
    expect(unitError(() => parseRateBytesPerSec(input)).problem).toContain(problem);
  });
});

describe("formatting (used for the defaults in the schema's help text)", () => {
  test.each([
    [65536, "64KiB"],
    [16 * 1024 * 1024 * 1024 * 1024, "16TiB"],
    [1536, "1536"],
    [0, "0"],
  ])("size %d is %j and reads back", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSizeBytes(text)).toBe(bytes);
  });

  test.each([
    [800_000, "800us"],
    [18_000_000, "18ms"],
    [60_000_000_000, "1m"],
    [1500, "1500ns"],
    [0, "0ns"],
  ])("time %d ns is %j and reads back", (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
    expect(parseDurationNs(text, { bareNumbers: "reject" })).toBe(ns);
  });
});

describe("fio values", () => {
  test("bs: one size, or a read,write pair where an empty side keeps the default", () => {
    expect(parseBlockSizePair("4k")).toEqual({ read: 4096, write: 4096 });
    expect(parseBlockSizePair(8192)).toEqual({ read: 8192, write: 8192 });
    expect(parseBlockSizePair("4k,64k")).toEqual({ read: 4096, write: 65536 });
    expect(parseBlockSizePair(",8k")).toEqual({ write: 8192 });
    expect(parseBlockSizePair("16k,")).toEqual({ read: 16384 });
    expect(unitError(() => parseBlockSizePair("4k,8k,16k")).problem).toContain("trim");
    expect(unitError(() => parseBlockSizePair("4k,8x")).problem).toBe('write block size: unknown size unit "x"');
    expect(unitError(() => parseBlockSizePair(",")).problem).toBe("both block sizes are empty");
  });

  test("bssplit: fio's syntax, per direction, with missing percentages sharing the rest", () => {
    const both = [
      { sizeBytes: 4096, percent: 10 },
      { sizeBytes: 65536, percent: 50 },
      { sizeBytes: 32768, percent: 40 },
    ];
    expect(parseBlockSizeSplit("4k/10:64k/50:32k/40")).toEqual({ read: both, write: both });
    expect(parseBlockSizeSplit("4k/50:8k/,64k/100")).toEqual({ read: [{ sizeBytes: 4096, percent: 50 }, { sizeBytes: 8192, percent: 50 }], write: [{ sizeBytes: 65536, percent: 100 }] });
    expect(parseBlockSizeSplit(",4k/100")).toEqual({ read: [], write: [{ sizeBytes: 4096, percent: 100 }] });
    expect(parseBlockSizeSplit("4k/20:8k:16k")).toEqual({
      read: [
        { sizeBytes: 4096, percent: 20 },
        { sizeBytes: 8192, percent: 40 },
        { sizeBytes: 16384, percent: 40 },
      ],
      write: [
        { sizeBytes: 4096, percent: 20 },
        { sizeBytes: 8192, percent: 40 },
        { sizeBytes: 16384, percent: 40 },
      ],
    });
    expect(unitError(() => parseBlockSizeSplit("4k/10:64k/50")).problem).toBe("the percentages add to 60, not 100");
    expect(unitError(() => parseBlockSizeSplit("4k/80:64k/50:8k/")).problem).toBe("the percentages add to 130, more than 100");
    expect(unitError(() => parseBlockSizeSplit("4k/x")).problem).toContain("percentage is not a number");
    expect(unitError(() => parseBlockSizeSplit("4k/100,8q/100")).problem).toBe('writes: entry 1 "8q/100": unknown size unit "q"');
  });

  test("random_distribution: fio strings become the model's spec", () => {
    expect(parseScenarioRandomDistribution("random")).toEqual({ kind: "random" });
    expect(parseScenarioRandomDistribution("zipf:1.2")).toEqual({ kind: "zipf", theta: 1.2 });
    expect(parseScenarioRandomDistribution("zipf")).toEqual({ kind: "zipf", theta: 1.1 });
    expect(parseScenarioRandomDistribution("pareto:0.3")).toEqual({ kind: "pareto", h: 0.3 });
    expect(parseScenarioRandomDistribution("normal:5:0.25")).toEqual({ kind: "normal", deviationPercent: 5, centerFraction: 0.25 });
    expect(parseScenarioRandomDistribution("zoned:60/10:40/90")).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 60, sizePercent: 10 },
        { accessPercent: 40, sizePercent: 90 },
      ],
    });
    expect(unitError(() => parseScenarioRandomDistribution("zipf:1.2:0.5")).problem).toBe("a center for zipf is not supported by scenarios");
    const unknown = unitError(() => parseScenarioRandomDistribution("gauss:5"));
    expect(unknown.problem).toBe('unknown distribution "gauss"');
    expect(unknown.expected).toContain("zipf:theta");
    expect(unitError(() => parseScenarioRandomDistribution("pareto:2")).problem).toBe("pareto h 2 is out of range");
  });
});
