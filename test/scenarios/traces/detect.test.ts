import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectTraceFormat } from "../../../scenarios/traces/index.js";
import { BLKPARSE_SAMPLE, FIO_T0038, MSR_SAMPLE, TPCC, WSRCH } from "./samples.js";

describe("detectTraceFormat", () => {
  it.each([
    ["fio-t0038.iolog", FIO_T0038, "fio-iolog"],
    ["mqsim-tpcc-small.trace", TPCC, "disksim"],
    ["mqsim-wsrch-small.trace", WSRCH, "disksim"],
  ] as const)("recognises the fixture %s", (_name, path, format) => {
    expect(detectTraceFormat(readFileSync(path, "utf8"))).toBe(format);
  });

  it("recognises MSR Cambridge CSV, with or without a header", () => {
    expect(detectTraceFormat(MSR_SAMPLE)).toBe("msr-cambridge");
    expect(detectTraceFormat("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\r\n" + MSR_SAMPLE)).toBe("msr-cambridge");
  });

  it("recognises blkparse output, including one starting with a wide major number", () => {
    expect(detectTraceFormat(BLKPARSE_SAMPLE)).toBe("blkparse");
    expect(detectTraceFormat("\n  8,0    3        1     0.000000000   697  Q   W 223490 + 8 [kjournald]\n")).toBe("blkparse");
  });

  it("skips leading blank lines and decides DiskSim only on five numeric columns", () => {
    expect(detectTraceFormat("\n\n0.0 0 1024 8 1\n")).toBe("disksim");
    expect(detectTraceFormat("0 0 1024 8\n")).toBeUndefined();
    expect(detectTraceFormat("0 0 1024 8 read\n")).toBeUndefined();
  });

  it("gives undefined for anything else", () => {
    expect(detectTraceFormat("")).toBeUndefined();
    expect(detectTraceFormat("hello, world\n")).toBeUndefined();
    expect(detectTraceFormat("fio version 3\n")).toBeUndefined();
    expect(detectTraceFormat("128166372003061629,hm,0,Trim,0,4096,1\n")).toBeUndefined();
  });
});
