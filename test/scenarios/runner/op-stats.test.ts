import { describe, expect, it } from "vitest";
import { OpStats } from "../../../scenarios/runner/op-stats.js";

describe("a direction's fio figures", () => {
  it("give the window as runtime in ms rounded to the nearest microsecond, halves up", () => {
    const stats = new OpStats();
    try {
      stats.recordCompletion(4096, 1000, 1);
      // 8,092,500 ns is 8092.5 us: 8.093 ms. Rounded as 8.0925 ms * 1000 it came out 8.092 (8092.499999999999).
      expect(stats.toFio(8_092_500, 1).runtime).toBe(8.093);
      expect(stats.toFio(8_092_499, 1).runtime).toBe(8.092);
      expect(stats.toFio(1_000_000, 1)).toMatchObject({ runtime: 1, total_ios: 1, iops: 1000, io_bytes: 4096, bw_bytes: 4_096_000 });
    } finally {
      stats.destroy();
    }
  });

  it("give no runtime to a direction with no I/O", () => {
    const stats = new OpStats();
    try {
      expect(stats.toFio(8_092_500, 0)).toMatchObject({ runtime: 0, total_ios: 0, iops: 0, io_bytes: 0, bw_bytes: 0 });
    } finally {
      stats.destroy();
    }
  });
});
