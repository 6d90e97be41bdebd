import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TraceSpec } from "../../../scenarios/model.js";
import type { NextIo, WorkloadSource } from "../../../scenarios/workloads/source.js";
import { TraceParseError, TraceSourceError, blkparseDevice, parseDisksim, traceSource, traceSourceFromText } from "../../../scenarios/traces/index.js";
import { BLKPARSE_SAMPLE, FIO_T0038, MSR_SAMPLE, TPCC, WSRCH } from "./samples.js";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function spec(overrides: Partial<TraceSpec> & Pick<TraceSpec, "path" | "format">): TraceSpec {
  return { kind: "trace", name: "t", timing: "honor", iodepth: 8, addressMapping: "wrap", ...overrides };
}

function drain(source: WorkloadSource): NextIo[] {
  const out: NextIo[] = [];
  for (let next = source.next(); next !== undefined; next = source.next()) out.push(next);
  return out;
}

/** A DiskSim text from [time ns, device, sector, sectors, flags] rows. */
function disksim(rows: ReadonlyArray<readonly [number, number, number, number, number]>): string {
  return rows.map((r) => r.join(" ")).join("\n") + "\n";
}

const lu = (capacityBytes: number, sectorSizeBytes = 512) => ({ capacityBytes, sectorSizeBytes });

describe("address mapping", () => {
  // On a 1 MiB LU: sector 2048 is exactly 1 MiB; 4095 + 8 sectors crosses 2 MiB.
  const rows = [
    [0, 0, 100, 8, 0],
    [10, 0, 2048, 8, 0],
    [20, 0, 4095, 8, 1],
  ] as const;

  it("wrap: offset modulo capacity, a request crossing the end shifted back, with a note in numbers", () => {
    const source = traceSourceFromText(spec({ path: "w.trace", format: "disksim", addressMapping: "wrap" }), disksim(rows), lu(MiB));
    expect(drain(source).map((n) => n.io.offsetBytes)).toEqual([100 * 512, 0, MiB - 4096]);
    expect(source.summary.moved).toBe(2);
    expect(source.notes).toContain("addresses up to 2.0 MiB wrapped onto a 1 MiB Source LU (offset modulo the LU size; 1 requests that would cross the end shifted back to fit); 2 of 3 requests moved");
  });

  it("scale: offsets × capacity / highest address, aligned down, sizes kept, clamped inside", () => {
    const scaleRows = [
      [0, 0, 0, 8, 0],
      [10, 0, 2040, 8, 0],
      [20, 0, 4088, 8, 0], // ends at 2 MiB, the highest address
    ] as const;
    const source = traceSourceFromText(spec({ path: "s.trace", format: "disksim", addressMapping: "scale" }), disksim(scaleRows), lu(MiB, 4096));
    const ios = drain(source).map((n) => n.io);
    // 2040 * 512 * 0.5 = 522240 -> 520192 (4 KiB aligned); 4088 * 512 * 0.5 = 1046528 -> clamped to 1 MiB - 4 KiB.
    expect(ios.map((io) => io.offsetBytes)).toEqual([0, 520_192, MiB - 4096]);
    expect(ios.every((io) => io.lengthBytes === 4096)).toBe(true);
    expect(source.notes.some((n) => n.startsWith("addresses up to 2 MiB scaled by 0.5000 onto a 1 MiB Source LU") && n.endsWith("2 of 3 requests moved"))).toBe(true);
  });

  it("reject: an error naming the requests beyond the LU, and nothing moved when all fit", () => {
    const error = (() => {
      try {
        traceSourceFromText(spec({ path: "r.trace", format: "disksim", addressMapping: "reject" }), disksim(rows), lu(MiB));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TraceSourceError);
    expect((error as Error).message).toContain("2 of 3 requests end beyond the 1 MiB Source LU");
    expect((error as Error).message).toContain("r.trace:2");
    expect((error as Error).message).toContain("r.trace:3");

    const fits = traceSourceFromText(spec({ path: "r.trace", format: "disksim", addressMapping: "reject" }), disksim(rows), lu(4 * MiB));
    expect(drain(fits).map((n) => n.io.offsetBytes)).toEqual([100 * 512, 2048 * 512, 4095 * 512]);
    expect(fits.notes).toContain('addresses up to 2.0 MiB fit in the 4 MiB Source LU: address mapping "reject" moved no request');
  });

  it("wrap on tpcc-small: the count of moved requests matches an independent computation", () => {
    const capacity = 64 * GiB;
    const source = traceSource(spec({ path: TPCC, format: "disksim", addressMapping: "wrap" }), lu(capacity));
    const expectedMoved = parseDisksim(readFileSync(TPCC, "utf8"), "tpcc").filter((r) => r.offsetBytes >= capacity || r.offsetBytes + r.lengthBytes > capacity).length;
    expect(expectedMoved).toBeGreaterThan(1000);
    expect(source.summary.moved).toBe(expectedMoved);
    expect(source.notes.some((n) => n.startsWith("addresses up to 216.7 GiB wrapped onto a 64 GiB Source LU") && n.endsWith(`${expectedMoved} of 6999 requests moved`))).toBe(true);
    for (const { io } of drain(source)) {
      expect(io.offsetBytes + io.lengthBytes).toBeLessThanOrEqual(capacity);
      expect(io.offsetBytes % 512).toBe(0);
    }
  });
});

describe("devices, order, limits and alignment", () => {
  it("filters one device of tpcc-small and says which devices the trace has", () => {
    const source = traceSource(spec({ path: TPCC, format: "disksim", device: 3 }), lu(256 * GiB));
    expect(drain(source)).toHaveLength(461);
    expect(source.summary.replayedWrites).toBe(155);
    expect(source.summary.devices).toEqual([...Array(16).keys()]);
    expect(source.notes).toContain("device 3 only: 461 of 6999 requests (the trace has devices 0-15)");
  });

  it("refuses a device the trace does not have", () => {
    expect(() => traceSource(spec({ path: TPCC, format: "disksim", device: 16 }), lu(256 * GiB))).toThrow(/device 16 does not occur .* its devices are 0-15/);
  });

  it("notes that all devices share the LU when none is chosen", () => {
    const source = traceSource(spec({ path: WSRCH, format: "disksim" }), lu(32 * GiB));
    expect(source.summary.replayedReads + source.summary.replayedWrites).toBe(24_783);
    expect(source.summary.replayedWrites).toBe(4);
    expect(source.notes).toContain("all 6 devices (0-5) replayed onto the one Source LU, their address ranges overlaid");
  });

  it("sorts an out-of-order trace stably by time", () => {
    const text = disksim([
      [300, 0, 30, 1, 0],
      [100, 0, 10, 1, 0],
      [200, 0, 20, 1, 0],
      [200, 0, 21, 1, 0],
    ]);
    const source = traceSourceFromText(spec({ path: "o.trace", format: "disksim" }), text, lu(MiB));
    expect(drain(source).map((n) => [n.arrivalNs, n.io.offsetBytes / 512])).toEqual([
      [0, 10],
      [100, 20],
      [100, 21],
      [200, 30],
    ]);
    expect(source.notes).toContain("1 requests were earlier than the one before them: sorted by time (stable)");
  });

  it("timeUnit: ms replays an original DiskSim trace at its own pace (its times are milliseconds)", () => {
    const text = "13.191135 0 0 8 1\n17.83 0 8 8 0\n1000 0 16 8 1\n";
    const asMs = traceSourceFromText(spec({ path: "d.trace", format: "disksim", timeUnit: "ms" }), text, lu(MiB));
    expect(drain(asMs).map((n) => n.arrivalNs)).toEqual([0, 4_638_865, 986_808_865]);
    expect(asMs.notes.join("\n")).toContain("arrival times read as ms (DiskSim's convention)");
    const asNs = traceSourceFromText(spec({ path: "d.trace", format: "disksim" }), text, lu(MiB));
    expect(asNs.notes.join("\n")).toContain("an original DiskSim trace is in ms: timeUnit: ms");
  });

  it("maxRequests stops the source after that many I/Os", () => {
    const source = traceSource(spec({ path: TPCC, format: "disksim", maxRequests: 100 }), lu(256 * GiB));
    expect(drain(source)).toHaveLength(100);
    expect(source.next()).toBeUndefined();
    expect(source.summary.cutByMaxRequests).toBe(6899);
    expect(source.notes).toContain("maxRequests 100: replayed the first 100 reads and writes by time, 6899 more left out");
  });

  it("aligns to the Source LU's sector (start down, end up), drops zero-length requests, and counts both", () => {
    const text = disksim([
      [0, 0, 1, 1, 0], // bytes 512-1024 -> 0-4096
      [1, 0, 8, 0, 0], // zero length
      [2, 0, 7, 2, 1], // bytes 3584-4608 -> 0-8192
      [3, 0, 16, 8, 1], // already aligned
    ]);
    const source = traceSourceFromText(spec({ path: "a.trace", format: "disksim" }), text, lu(MiB, 4096));
    expect(drain(source).map((n) => [n.io.offsetBytes, n.io.lengthBytes])).toEqual([
      [0, 4096],
      [0, 8192],
      [8192, 4096],
    ]);
    expect(source.summary.sectorAdjusted).toBe(2);
    expect(source.summary.zeroLengthDropped).toBe(1);
    expect(source.notes).toContain("2 of 3 requests not aligned to the 4096-byte sector: start rounded down and end rounded up");
    expect(source.notes).toContain("1 zero-length reads or writes dropped");
  });
});

describe("timing", () => {
  it("honor: open loop, arrivals relative to the first request, nondecreasing", () => {
    const source = traceSource(spec({ path: TPCC, format: "disksim", timing: "honor" }), lu(256 * GiB));
    expect(source.loop).toEqual({ kind: "open" });
    const arrivals = drain(source).map((n) => n.arrivalNs);
    expect(arrivals[0]).toBe(0);
    expect(arrivals[arrivals.length - 1]).toBe(136_489_000);
    expect(arrivals.every((a, i) => i === 0 || a >= (arrivals[i - 1] as number))).toBe(true);
    expect(source.summary.firstTimeNs).toBe(938_513_000);
  });

  it("ignore: closed loop at the scenario's iodepth, every arrival 0", () => {
    const source = traceSource(spec({ path: TPCC, format: "disksim", timing: "ignore", iodepth: 16 }), lu(256 * GiB));
    expect(source.loop).toEqual({ kind: "closed", iodepth: 16, thinktimeNs: 0, thinktimeBlocks: 1 });
    const ios = drain(source);
    expect(ios).toHaveLength(6999);
    expect(ios.every((n) => n.arrivalNs === 0)).toBe(true);
    expect(source.notes).toContain("trace timestamps ignored: closed loop at iodepth 16, no think time");
  });

  it("fio t0038: µs timestamps become ns arrivals from the first write", () => {
    const source = traceSource(spec({ path: FIO_T0038, format: "fio-iolog" }), lu(GiB));
    const ios = drain(source);
    expect(ios.map((n) => n.io.kind)).toEqual(Array(10).fill("write"));
    // Writes at 10752, 10782, ... 10809 µs in the file.
    expect(ios.map((n) => n.arrivalNs)).toEqual([0, 30, 33, 36, 41, 45, 47, 50, 54, 57].map((us) => us * 1000));
    expect(source.summary.spanNs).toBe(57_000);
    expect(source.summary.trimsNotReplayed).toBe(10);
    expect(source.notes).toContain("10 trim/discard requests not replayed: the engine has no discard");
  });
});

describe("fio version 2 iologs", () => {
  const text = ["fio version 2 iolog", "/dev/sdb add", "/dev/sdb open", "/dev/sdb write 0 4096", "/dev/sdb wait 1000 0", "/dev/sdb read 8192 4096", "/dev/sdb close", ""].join("\n");

  it("replay with timing: ignore, in the log's order at the trace's iodepth, as fio replays them", () => {
    const source = traceSourceFromText(spec({ path: "v2.iolog", format: "fio-iolog", timing: "ignore" }), text, lu(MiB));
    expect(drain(source).map((n) => [n.io.kind, n.io.offsetBytes, n.arrivalNs])).toEqual([
      ["write", 0, 0],
      ["read", 8192, 0],
    ]);
    expect(source.loop).toEqual({ kind: "closed", iodepth: 8, thinktimeNs: 0, thinktimeBlocks: 1 });
  });

  it("are refused with timing: honor, which has no times to keep in them, telling the user to ignore timing", () => {
    expect(() => traceSourceFromText(spec({ path: "v2.iolog", format: "fio-iolog" }), text, lu(MiB))).toThrow(TraceSourceError);
    expect(() => traceSourceFromText(spec({ path: "v2.iolog", format: "fio-iolog" }), text, lu(MiB))).toThrow(
      /v2\.iolog:1:1: "fio version 2 iolog" has no timestamps, so timing: honor \(the default\) has no times to keep; expected timing: ignore/,
    );
  });
});

describe("flushes, FUA and other formats", () => {
  it("counts fio sync/datasync as flushes not replayed", () => {
    const text = ["fio version 3 iolog", "0 /dev/sdb add", "1 /dev/sdb open", "10 /dev/sdb write 0 4096", "20 /dev/sdb sync 0 0", "30 /dev/sdb write 4096 4096", "40 /dev/sdb datasync 0 0", ""].join("\n");
    const source = traceSourceFromText(spec({ path: "s.iolog", format: "fio-iolog" }), text, lu(MiB));
    expect(drain(source)).toHaveLength(2);
    expect(source.summary.flushesNotReplayed).toBe(2);
    expect(source.notes.some((n) => n.startsWith("2 flush requests (fio sync/datasync, blkparse F) not replayed"))).toBe(true);
  });

  it("with maxRequests, counts only the flushes before the last replayed I/O", () => {
    const text = ["fio version 3 iolog", "0 f add", "1 f sync 0 0", "2 f write 0 4096", "3 f sync 0 0", "4 f write 4096 4096", "5 f sync 0 0", "6 f write 8192 4096", ""].join("\n");
    const source = traceSourceFromText(spec({ path: "m.iolog", format: "fio-iolog", maxRequests: 2 }), text, lu(MiB));
    expect(drain(source).map((n) => n.io.offsetBytes)).toEqual([0, 4096]);
    expect(source.summary.flushesNotReplayed).toBe(2);
    expect(source.summary.cutByMaxRequests).toBe(1);
  });

  it("blkparse: a device stack traced at both levels replays each I/O once, the device below only when it is replayed alone", () => {
    const text = [
      "253,0    1        1     0.000000000  3301  Q   W 1000 + 8 [dd]",
      "  8,0    1        1     0.000001000  3301  A   W 3048 + 8 <- (253,0) 1000",
      "  8,0    1        2     0.000002000  3301  D   W 3048 + 8 [dd]",
      "  8,0    1        3     0.000004000  3301  D   W 9000 + 8 [dd]",
    ].join("\n");
    const both = traceSourceFromText(spec({ path: "stack.txt", format: "blkparse" }), text, lu(64 * MiB));
    expect(drain(both).map((n) => n.io.offsetBytes / 512)).toEqual([1000, 9000]);
    expect(both.notes).toContain("1 requests of 8,0 left out: remapped there from 253,0, whose own events are replayed (a device stack traced at both levels)");
    const below = traceSourceFromText(spec({ path: "stack.txt", format: "blkparse", device: blkparseDevice(8, 0) }), text, lu(64 * MiB));
    expect(drain(below).map((n) => n.io.offsetBytes / 512)).toEqual([3048, 9000]);
    expect(() => traceSourceFromText(spec({ path: "stack.txt", format: "blkparse", device: 7 }), text, lu(64 * MiB))).toThrow(
      /its devices are .*\(device: 8388608 for 8,0, 265289728 for 253,0\)/,
    );
  });

  it("blkparse: one device by dev_t, its D events, flush and FUA noted", () => {
    const source = traceSourceFromText(spec({ path: "sda.txt", format: "blkparse", device: blkparseDevice(8, 0) }), BLKPARSE_SAMPLE, lu(64 * MiB));
    expect(drain(source).map((n) => [n.arrivalNs, n.io.kind, n.io.offsetBytes])).toEqual([
      [0, "write", 4096 * 512],
      [1_003_000 - 9137, "read", 10_240 * 512],
      [1_500_102_000 - 9137, "write", 16_384 * 512],
    ]);
    expect(source.notes).toContain("device 8,0 only: 5 of 7 requests (the trace has devices 8,0; 253,0)");
    expect(source.summary.flushesNotReplayed).toBe(1);
    expect(source.summary.trimsNotReplayed).toBe(1);
    expect(source.notes).toContain("1 writes had FUA set; replayed as plain writes (the scenario's flushes decide durability)");
  });

  it("MSR: one disk, arrivals in ns from its first request", () => {
    const source = traceSourceFromText(spec({ path: "hm_0.csv", format: "msr-cambridge", device: 1 }), MSR_SAMPLE, lu(16 * GiB));
    const ios = drain(source);
    // Disk 1's records at ticks 159384, 160021, 455410, 1503327, 10000000 after the file's first record.
    expect(ios.map((n) => n.arrivalNs)).toEqual([0, 63_700, 29_602_600, 134_394_300, 984_061_600]);
    expect(ios.map((n) => n.io.kind)).toEqual(["read", "read", "write", "read", "write"]);
  });

  it("refuses a trace with nothing to replay, and passes parse errors through typed", () => {
    expect(() => traceSourceFromText(spec({ path: "z.trace", format: "disksim" }), disksim([[0, 0, 0, 0, 0]]), lu(MiB))).toThrow(TraceSourceError);
    expect(() => traceSourceFromText(spec({ path: "b.trace", format: "disksim" }), "1 2 3\n", lu(MiB))).toThrow(TraceParseError);
    expect(() => traceSource(spec({ path: "/nonexistent/x.trace", format: "disksim" }), lu(MiB))).toThrow(/cannot read \/nonexistent\/x.trace/);
  });

  it("calls only the file system's errors 'cannot read': one from the progress listener passes as it is", () => {
    const broken = new Error("the progress bar broke");
    const failing = () => {
      throw broken;
    };
    expect(() => traceSource(spec({ path: WSRCH, format: "disksim" }), lu(32 * GiB), failing)).toThrow(broken);
  });

  it("refuses a request longer than the whole Source LU", () => {
    expect(() => traceSourceFromText(spec({ path: "l.trace", format: "disksim" }), disksim([[0, 0, 0, 4096, 0]]), lu(MiB))).toThrow(/1 requests are longer than the 1 MiB Source LU: l.trace:1/);
  });
});
