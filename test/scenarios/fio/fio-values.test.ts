/**
 * fio's value syntax: sizes under kb_base=1024 and 1000 (with fio's
 * "opposite" reading of KiB), times whose bare numbers depend on the option,
 * booleans and per-direction lists.
 */
import { describe, expect, it } from "vitest";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";
import { FioValueError, parseFioBool, parseFioBytes, parseFioSize, parseFioTimeNs, splitPerDirection } from "../../../scenarios/fio/fio-values.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const US_NS = 1_000;
const MS_NS = 1_000_000;
const S_NS = 1_000_000_000;

describe("sizes", () => {
  it("reads k, m, g, t, p (with or without B, any case) as powers of 1024 by default", () => {
    expect(["4096", "4096b", "4096B", "4k", "4K", "4kb", "4KB"].map((text) => parseFioBytes(text, 1024))).toEqual(Array(7).fill(4 * KiB));
    expect(parseFioBytes("10G", 1024)).toBe(10 * GiB);
    expect(parseFioBytes("1t", 1024)).toBe(1024 * GiB);
    expect(parseFioBytes("0x1000", 1024)).toBe(4 * KiB);
  });

  it("reads KiB, MiB... as powers of 1000 under kb_base=1024, as fio's compatibility mode does, and swaps both under kb_base=1000", () => {
    expect(parseFioBytes("4KiB", 1024)).toBe(4000);
    expect(parseFioBytes("1MiB", 1024)).toBe(1_000_000);
    expect(parseFioBytes("4KiB", 1000)).toBe(4 * KiB);
    expect(parseFioBytes("1m", 1000)).toBe(1_000_000);
  });

  it("reads percentages only where allowed", () => {
    expect(parseFioSize("20%", 1024, true)).toEqual({ kind: "percent", percent: 20 });
    expect(() => parseFioSize("20%", 1024, false)).toThrow(/a percentage is not allowed here/);
    expect(() => parseFioSize("0%", 1024, true)).toThrow(/between 1% and 100%/);
  });

  it("refuses what fio would misread", () => {
    expect(() => parseFioBytes("4 k", 1024)).toThrow(FioValueError);
    expect(() => parseFioBytes("1.5g", 1024)).toThrow(/is not a size/);
    expect(() => parseFioBytes("4mi", 1024)).toThrow(/disagree/);
    expect(() => parseFioBytes("-4k", 1024)).toThrow(/is not a size/);
  });
});

describe("times", () => {
  it("reads a bare number in the option's unit: seconds for runtime, microseconds for thinktime", () => {
    expect(parseFioTimeNs("900", "s")).toBe(900 * S_NS);
    expect(parseFioTimeNs("250", "us")).toBe(250 * US_NS);
  });

  it("reads us, ms, s, m (minutes), h and d in any case", () => {
    expect(parseFioTimeNs("10us", "s")).toBe(10 * US_NS);
    expect(parseFioTimeNs("10usec", "s")).toBe(10 * US_NS);
    expect(parseFioTimeNs("5ms", "us")).toBe(5 * MS_NS);
    expect(parseFioTimeNs("5msec", "us")).toBe(5 * MS_NS);
    expect(parseFioTimeNs("30s", "us")).toBe(30 * S_NS);
    expect(parseFioTimeNs("10m", "s")).toBe(600 * S_NS);
    expect(parseFioTimeNs("10M", "s")).toBe(600 * S_NS);
    expect(parseFioTimeNs("2h", "s")).toBe(7200 * S_NS);
    expect(parseFioTimeNs("1d", "s")).toBe(86_400 * S_NS);
  });

  // parse.c, get_mult_time: strncmp("us", c, 2), strncmp("ms", c, 2), then strcmp for s, m, h, d; anything else multiplies by 1 (microseconds).
  it("reads any unit that starts with us or ms, as fio compares only those two letters", () => {
    expect(parseFioTimeNs("10usecs", "s")).toBe(10 * US_NS);
    expect(parseFioTimeNs("10USEC", "s")).toBe(10 * US_NS);
    expect(parseFioTimeNs("5msecs", "s")).toBe(5 * MS_NS);
    expect(parseFioTimeNs("5MSec", "s")).toBe(5 * MS_NS);
  });

  it("refuses letters fio reads as microseconds (sec, min, ns), and a number fio cuts short, saying what fio would run", () => {
    // Not 30 seconds: fio knows "s" only by itself, and runs runtime=30sec for 30 microseconds.
    expect(() => parseFioTimeNs("30sec", "s")).toThrow('"30sec": unknown time unit "sec", which fio would read as microseconds (30us)');
    expect(() => parseFioTimeNs("2min", "s")).toThrow(/fio would read as microseconds \(2us\)/);
    expect(() => parseFioTimeNs("100ns", "us")).toThrow(/fio would read as microseconds \(100us\)/);
    expect(() => parseFioTimeNs("1.5s", "s")).toThrow('"1.5s": fio would read this as 1s (its parser stops at "." and takes the option\'s default unit)');
    expect(() => parseFioTimeNs("10 ms", "s")).toThrow(/fio would read this as 10s/);
    expect(() => parseFioTimeNs("ms", "s")).toThrow(/is not a time/);
  });
});

describe("booleans and per-direction lists", () => {
  it("reads a switch without a value as on", () => {
    expect(parseFioBool(undefined)).toBe(true);
    expect(parseFioBool("0")).toBe(false);
    expect(parseFioBool("1")).toBe(true);
    expect(() => parseFioBool("maybe")).toThrow(/expected 1 or 0/);
  });

  it("follows fio's read,write,trim rule: a value without a comma after it also applies to the next directions", () => {
    expect(splitPerDirection("4k")).toEqual({ read: "4k", write: "4k" });
    expect(splitPerDirection("8k,32k")).toEqual({ read: "8k", write: "32k" });
    expect(splitPerDirection("8k,32k,")).toEqual({ read: "8k", write: "32k" });
    expect(splitPerDirection(",8k")).toEqual({ read: undefined, write: "8k" });
    expect(() => splitPerDirection("1,2,3,4")).toThrow(/at most three/);
  });
});

describe("bssplit through the importer", () => {
  it("shares what the other percentages leave among blank ones and 0% ones alike, as fio's parser does", () => {
    const split = (value: string) => importFioJobFile(`[job]\nrw=randread\nbssplit=${value}\n`, "x.fio").jobs[0]?.blockSizeSplit.read;
    expect(split("4k/0:8k/")).toEqual([
      { sizeBytes: 4 * KiB, percent: 50 },
      { sizeBytes: 8 * KiB, percent: 50 },
    ]);
    expect(split("4k/0:8k/60")).toEqual([
      { sizeBytes: 4 * KiB, percent: 40 },
      { sizeBytes: 8 * KiB, percent: 60 },
    ]);
    // Nothing left for the 0% size: it is not drawn.
    expect(split("4k/0:8k/100")).toEqual([{ sizeBytes: 8 * KiB, percent: 100 }]);
  });

  // options.c, split_parse_ddir: perc = atoi(perc_str), so a decimal percentage loses its fraction.
  it("reads a decimal percentage's whole part, as fio's atoi does, and says so in the notes", () => {
    const imported = importFioJobFile("[job]\nrw=randrw\nbssplit=4k/33.3:8k/66.9:16k/\n", "x.fio");
    expect(imported.jobs[0]?.blockSizeSplit.read).toEqual([
      { sizeBytes: 4 * KiB, percent: 33 },
      { sizeBytes: 8 * KiB, percent: 66 },
      { sizeBytes: 16 * KiB, percent: 1 },
    ]);
    expect(imported.jobs[0]?.blockSizeSplit.write).toEqual(imported.jobs[0]?.blockSizeSplit.read);
    expect(imported.notes).toEqual(expect.arrayContaining(["job: bssplit=4k/33.3:8k/66.9:16k/: fio reads only the whole part of a percentage (atoi): 4k/33.3 is 33%, 8k/66.9 is 66%, as imported"]));
    expect(imported.notes.filter((note) => note.includes("atoi"))).toHaveLength(1);
    // Decimals that add to 100 as written may not once fio has cut them: refused, saying why.
    expect(() => importFioJobFile("[job]\nbssplit=4k/33.3:8k/33.3:16k/33.4\n", "x.fio")).toThrow(
      '"4k/33.3:8k/33.3:16k/33.4": the percentages add to 99 (fio reads only a percentage\'s whole part: 4k/33.3 is 33%, 8k/33.3 is 33%, 16k/33.4 is 33%); expected 100',
    );
  });
});

describe("units through the importer", () => {
  it("maps bs per direction, runtime, thinktime, startdelay, offset and size to bytes and nanoseconds", () => {
    const text = ["[job]", "rw=rw", "bs=4k,64k", "offset=1m", "size=256m", "thinktime=1500", "startdelay=2", "time_based", "runtime=1m", ""].join("\n");
    const job = importFioJobFile(text, "x.fio").jobs[0];
    expect(job).toMatchObject({
      blockSizeBytes: { read: 4 * KiB, write: 64 * KiB },
      offsetBytes: 1 * MiB,
      sizeBytes: 256 * MiB,
      thinktimeNs: 1500 * US_NS,
      startDelayNs: 2 * S_NS,
      runtimeNs: 60 * S_NS,
    });
  });

  it("reads sizes with kb_base=1000 when the job asks for it, and notes fio's KiB reading under the default", () => {
    expect(importFioJobFile("[job]\nkb_base=1000\nsize=1g\n", "x.fio").jobs[0]?.sizeBytes).toBe(1_000_000_000);
    const compat = importFioJobFile("[job]\nsize=512KiB\n", "x.fio");
    expect(compat.jobs[0]?.sizeBytes).toBe(512_000);
    expect(compat.notes.join("\n")).toContain("fio reads KiB, MiB... as powers of 1000");
  });

  it("turns size=N% and offset=N% into bytes of the Source LU when its capacity is given", () => {
    const imported = importFioJobFile("[job]\nrw=randread\noffset=10%\nsize=50%\n", "x.fio", { sourceCapacityBytes: 10 * GiB });
    expect(imported.jobs[0]).toMatchObject({ offsetBytes: 1 * GiB, sizeBytes: 5 * GiB });
    expect(imported.notes.join("\n")).toContain("size=50% of the 10GiB Source LU is 5GiB");
  });

  it("takes size=N% as fio's filesetup.c does: of the whole device, cut to what lies past the offset, rounded down to the smallest block", () => {
    // 33% of 8 GiB is 2,834,678,415 bytes (fio: integer division); in whole 64 KiB blocks, 2,834,628,608.
    const rounded = importFioJobFile("[job]\nrw=randread\nbs=64k\nsize=33%\n", "x.fio", { sourceCapacityBytes: 8 * GiB });
    expect(rounded.jobs[0]?.sizeBytes).toBe(2_834_628_608);
    expect(rounded.notes.join("\n")).toContain("rounded down to whole 64KiB blocks as fio does");
    // 60% from an offset of 50%: fio clamps to the 50% that is left instead of refusing.
    const clamped = importFioJobFile("[job]\nrw=randread\noffset=50%\nsize=60%\n", "x.fio", { sourceCapacityBytes: 10 * GiB });
    expect(clamped.jobs[0]).toMatchObject({ offsetBytes: 5 * GiB, sizeBytes: 5 * GiB });
    expect(clamped.notes.join("\n")).toContain("cut to what lies past offset 5GiB, as fio does");
    // Less than one block is refused rather than read as size 0 (the whole device).
    expect(() => importFioJobFile("[job]\nrw=randread\nbs=1m\nsize=1%\n", "x.fio", { sourceCapacityBytes: 64 * 1024 * 1024 })).toThrow(/1% of the 64MiB Source LU is less than one 1MiB block/);
  });
});
