import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { InstantModel } from "../../../sim/devices/models/instant.js";
import { Recorder, flush, read, write } from "./helpers.js";

describe("InstantModel", () => {
  it("completes every request at its submission time, through the kernel", () => {
    const kernel = new Kernel("instant");
    const model = new InstantModel(kernel);
    const recorder = new Recorder(kernel, model);
    for (let i = 0; i < 1000; i++) recorder.submitAt(1234, i % 3 === 0 ? read(i * 512, 512) : i % 3 === 1 ? write(0, 1 << 20) : flush);
    recorder.submitAt(5000, read(0, 4096));
    kernel.runUntilIdle();
    expect(recorder.completions).toHaveLength(1001);
    // Unlimited parallelism: all thousand complete at once, in submission order.
    expect(recorder.completions.every((c) => c.completedNs === c.submittedNs)).toBe(true);
    expect(recorder.completions.slice(0, 1000).every((c) => c.completedNs === 1234)).toBe(true);
    expect(recorder.order).toEqual([...Array(1001).keys()]);
    expect(kernel.nowNs).toBe(5000);
    expect(model.description).toBe("instant");
  });

  it("never completes inside submit", () => {
    const kernel = new Kernel("instant");
    const model = new InstantModel(kernel, {});
    let done = false;
    model.submit(read(0, 512), () => (done = true));
    expect(done).toBe(false);
    kernel.runUntilIdle();
    expect(done).toBe(true);
  });
});
