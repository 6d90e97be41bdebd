import { describe, expect, it } from "vitest";
import { computeLayout, type CopyJob, type Metadata } from "../../engine/index.js";
import { decodeRegionBitmapSector } from "../../engine/on-disk/codec.js";
import { DirtyRegionLogPolicy } from "../../engine/policies/dirty-region-log.js";
import { read, sleep, type Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { runCampaign } from "../../scenarios/crash/campaign.js";
import { loadScenarioText } from "../../scenarios/schema/load.js";
import { FifoServers } from "../../sim/devices/models/fifo-servers.js";
import type { ServiceModel, ServiceRequest } from "../../sim/devices/service-model.js";
import type { Kernel } from "../../sim/kernel.js";
import { Rig } from "../engine/rig.js";
import { EXHAUSTIVE } from "./device-layout-rig.js";

/**
 * The scenario a random crash campaign found an engine bug with
 * (RANDOM_CRASH_SEED=4242 RANDOM_CRASH_RUNS=3000, shrunk by fast-check):
 * under the dirty-region log, a host flush wrote region 6 back and cleared
 * its modified bit while a copy's set of that bit was still waiting for its
 * write, so that write carried the cleared bit; the next copy in the region
 * waited for that set and went on as if the bit were durable. A crash after
 * its host write reached the Source LU lost the copy's map entry: session 1
 * read the new data (invariant 1, 15 of 3,223 states).
 */
const FOUND = `
name: random-crash
seed: 9
devices:
  shared: true
  source:
    model: stripe
    stripeUnit: 4KiB
    members:
      - { model: flash, capacity: 8388608, sectorSize: 512, queueDepth: 8, writeCache: false, channels: 1, diesPerChannel: 4 }
  cache: { capacity: 4MiB }
engine: { chunkSize: 4KiB, regionSize: 4KiB, commitPolicy: dirty-region-log }
workloads:
  - { kind: job, rw: randwrite, bs: 4k, iodepth: 3, name: job0 }
sessions:
  - { afterHostIos: 0, action: start, slot: 0 }
  - { afterHostIos: 3, action: start, slot: 1 }
flushes: { everyHostWrites: 4 }
stop: { hostIos: 27 }
`;

describe("a region's modified bit cleared by a write-back while a set of it waits (dirty-region log)", () => {
  it("the scenario the random campaign found breaks no invariant at any crash state", () => {
    const scenario = loadScenarioText(FOUND, { fileName: "found.yaml" });
    const { summary } = runCampaign(scenario, { cofwsimVersion: "test", fileName: "found.yaml", contentHash: "" }, EXHAUSTIVE);
    expect(summary.findings.slice(0, 3)).toEqual([]);
    expect(summary.stoppedBy).toBe("complete");
    expect(summary.statesChecked).toBeGreaterThan(3000);
  });
});

const KiB = 1024;
const MS = 1_000_000;
const GEOMETRY = { sectorSizeBytes: 512, chunkSizeBytes: 4 * KiB, regionSizeBytes: 4 * KiB, sourceCapacityBytes: 1024 * KiB, cacheCapacityBytes: 1024 * KiB };
const LAYOUT = computeLayout(GEOMETRY);

/** The dirty-region log, keeping the Metadata it commits through for the test to drive. */
class Capturing extends DirtyRegionLogPolicy {
  metadata: Metadata | undefined;
  override *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    this.metadata = metadata;
    yield* super.commitCopy(metadata, job);
  }
}

/** Instant devices, but a write of a region bitmap sector takes 1 ms on the Cache LU: a set of a bit waits its turn behind another. */
function slowBitmaps(kernel: Kernel): ServiceModel {
  const firstBytes = LAYOUT.initializedBitmapFirstSector * GEOMETRY.sectorSizeBytes;
  const endBytes = LAYOUT.mapFirstSector * GEOMETRY.sectorSizeBytes;
  const servers = new FifoServers(kernel, Number.POSITIVE_INFINITY, (request: ServiceRequest) => (request.op === "write" && request.offsetBytes >= firstBytes && request.offsetBytes < endBytes ? MS : 0));
  return { description: "instant, region bitmaps 1 ms", submit: (request, done) => servers.submit(request, done) };
}

describe("Metadata.ensureRegionModified, with a write-back clearing the bit while a set waits", () => {
  it("returns only once the bit is durably set after the caller's change", () => {
    const rig = new Rig({ sourceBytes: GEOMETRY.sourceCapacityBytes, cacheBytes: GEOMETRY.cacheCapacityBytes, model: slowBitmaps });
    const policy = new Capturing();
    const engine = rig.format(GEOMETRY.chunkSizeBytes, GEOMETRY.regionSizeBytes, policy);
    rig.run(engine.startSession(0));
    // A copy in region 0 hands the Metadata over; the region is then written back, its bit cleared.
    rig.run(engine.hostWrite(0, Payload.stamp(100, 4 * KiB)));
    const metadata = policy.metadata!;
    const region = 0;
    const other = 1;
    const mapSector = LAYOUT.mapFirstSector;
    rig.run(metadata.writeBackRegion(region));
    expect(metadata.regionModified[region]).toBe(0);
    const durableBit = function* (): Coroutine<number> {
      const bytes = (yield* read(rig.cache, LAYOUT.modifiedBitmapFirstSector * GEOMETRY.sectorSizeBytes, GEOMETRY.sectorSizeBytes)).toBytes();
      const bits = decodeRegionBitmapSector(LAYOUT, "modifiedBitmap", 0, bytes);
      if (!bits.ok) throw new Error(`modified bitmap sector: ${bits.problem}`);
      return (bits.value[region >> 3]! >> (region & 7)) & 1;
    };
    let checked = 0;
    /** A change after the clear: it waits for the set in flight, and must not return on the strength of it. */
    const changeAfterClear = function* (): Coroutine {
      yield* sleep(MS / 2);
      expect(metadata.regionModified[region]).toBe(0);
      metadata.noteMapChange(mapSector);
      yield* metadata.ensureRegionModified(region);
      expect(metadata.regionModified[region]).toBe(1);
      expect(yield* durableBit()).toBe(1);
      checked++;
    };
    rig.runAll([
      // Another region's set puts a bitmap write in flight for 1 ms...
      metadata.ensureRegionModified(other),
      // ...so that this set (for a change already made) waits behind it for the next write...
      (function* (): Coroutine {
        metadata.noteMapChange(mapSector);
        yield* metadata.ensureRegionModified(region);
      })(),
      // ...and a write-back, which writes that change's map sector, clears the bit meanwhile: the next write carries 0.
      metadata.writeBackRegion(region),
      changeAfterClear(),
      // A second such change, woken with the first: the first finds the bit cleared and sets it again, and this one
      // must wait for that set too, not return on the bit it finds set in memory.
      changeAfterClear(),
    ]);
    expect(checked).toBe(2);
  });
});
