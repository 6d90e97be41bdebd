import fc from "fast-check";

/**
 * The random scenarios' devices: every latency model (fixed, rotating,
 * flash, instant, exponential, empirical) and RAID-0 stripes of them, drawn
 * as raw values and written out as a user would (units as strings).
 */

const MiB = 1024 * 1024;

const PERCENTILES = ["1", "10", "50", "90", "99", "99.9", "99.990000", "100"];

/** An empirical latency table: a few percentiles, their latencies usually rising with them (a table that falls is the loader's to judge). */
const percentileTableArb = fc
  .record({ keys: fc.subarray(PERCENTILES, { minLength: 1 }), latenciesUs: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 8, maxLength: 8 }), sorted: fc.oneof({ weight: 7, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) })
  .map(({ keys, latenciesUs, sorted }) => {
    const values = sorted ? [...latenciesUs].sort((a, b) => a - b) : latenciesUs;
    return Object.fromEntries(keys.map((key, index) => [key, `${values[index]}us`]));
  });

export const leafDeviceArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ model: fc.constant("fixed" as const), latencyUs: fc.integer({ min: 0, max: 300 }), bandwidthMBs: fc.constantFrom(50, 200, 1000), parallelism: fc.integer({ min: 1, max: 8 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      model: fc.constant("rotating" as const),
      rpm: fc.constantFrom(5400, 7200, 15000),
      scheduler: fc.constantFrom("fifo", "scan", "look"),
      sectorsPerTrack: fc.constantFrom(16, 64, 256),
      heads: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ model: fc.constant("flash" as const), channels: fc.integer({ min: 1, max: 8 }), diesPerChannel: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ model: fc.constant("instant" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      model: fc.constant("exponential" as const),
      meanServiceUs: fc.integer({ min: 1, max: 500 }),
      minServiceUs: fc.option(fc.integer({ min: 0, max: 100 })),
      parallelism: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      model: fc.constant("empirical" as const),
      tables: fc.oneof(fc.record({ both: percentileTableArb }), fc.record({ read: percentileTableArb, write: percentileTableArb })),
      parallelism: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

export const deviceCommonArb = fc.record({ queueDepth: fc.integer({ min: 1, max: 64 }), writeCache: fc.boolean() });

export const leafWithCommonArb = fc.record({ leaf: leafDeviceArb, common: deviceCommonArb });

/** A device: one leaf, or a RAID-0 stripe of a few (members sized so the stripe holds what the LU needs). */
export const deviceArb = fc.oneof(
  { weight: 4, arbitrary: leafWithCommonArb },
  { weight: 1, arbitrary: fc.record({ stripeUnitKiB: fc.constantFrom(4, 16, 64, 256, 1024), members: fc.array(leafWithCommonArb, { minLength: 1, maxLength: 4 }) }) },
);

export type RawDevice = typeof deviceArb extends fc.Arbitrary<infer T> ? T : never;
export type RawLeaf = Extract<RawDevice, { leaf: unknown }>;

export function leafText({ leaf, common }: RawLeaf, capacityBytes: number, sector: number): Record<string, unknown> {
  const base = { capacity: capacityBytes, sectorSize: sector, queueDepth: common.queueDepth, writeCache: common.writeCache };
  switch (leaf.model) {
    case "fixed":
      return { model: "fixed", ...base, latency: `${leaf.latencyUs}us`, bandwidth: `${leaf.bandwidthMBs}MB/s`, parallelism: leaf.parallelism };
    case "rotating":
      return { model: "rotating", ...base, rpm: leaf.rpm, scheduler: leaf.scheduler, sectorsPerTrack: leaf.sectorsPerTrack, heads: leaf.heads };
    case "flash":
      return { model: "flash", ...base, channels: leaf.channels, diesPerChannel: leaf.diesPerChannel };
    case "instant":
      return { model: "instant", ...base };
    case "exponential":
      return { model: "exponential", ...base, meanService: `${leaf.meanServiceUs}us`, ...(leaf.minServiceUs === null ? {} : { minService: `${leaf.minServiceUs}us` }), parallelism: leaf.parallelism };
    case "empirical":
      return {
        model: "empirical",
        ...base,
        ...("both" in leaf.tables ? { percentiles: leaf.tables.both } : { readPercentiles: leaf.tables.read, writePercentiles: leaf.tables.write }),
        parallelism: leaf.parallelism,
      };
  }
}

/** A device of at least `capacityBytes` (whole MiB): a stripe's members each hold a whole MiB share of it. */
export function deviceText(device: RawDevice, capacityBytes: number, sector: number): Record<string, unknown> {
  if ("leaf" in device) return leafText(device, capacityBytes, sector);
  const memberBytes = Math.ceil(capacityBytes / device.members.length / MiB) * MiB;
  return { model: "stripe", stripeUnit: `${device.stripeUnitKiB}KiB`, members: device.members.map((member) => leafText(member, memberBytes, sector)) };
}
