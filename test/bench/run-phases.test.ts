import { describe, expect, it } from "vitest";
import { RunPhaseClock } from "../../bench/run-phases.js";

describe("RunPhaseClock", () => {
  it("splits a run at its first report of a twentieth done and at its last report of the end", () => {
    const clock = new RunPhaseClock();
    // Reports as the runner makes them: every hundredth of the host I/Os issued (1 with the last), then 1 again once
    // the I/Os in flight have drained.
    for (let percent = 1; percent <= 100; percent++) clock.mark(percent / 100, 10 * percent + (percent >= 5 ? 500 : 0));
    clock.mark(1, 1600);
    expect(clock.phases(2000)).toEqual({ firstTwentiethMs: 550, restOfRunMs: 1600 - 550, afterRunMs: 2000 - 1600 });
  });

  it("takes the first report at or past a twentieth, even when the reports skip over it", () => {
    const clock = new RunPhaseClock();
    clock.mark(0.02, 100);
    clock.mark(0.3, 700);
    clock.mark(0.6, 900);
    clock.mark(1, 1000);
    expect(clock.phases(1200)).toEqual({ firstTwentiethMs: 700, restOfRunMs: 300, afterRunMs: 200 });
  });

  it("refuses to split a run whose end was never reported", () => {
    const clock = new RunPhaseClock();
    clock.mark(0.5, 100);
    expect(() => clock.phases(200)).toThrow(/never reported the end/);
  });
});
