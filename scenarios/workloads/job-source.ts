/**
 * Synthetic fio-style jobs as workload sources: `jobSources(spec, rng, lu)`
 * gives one source per numjobs clone. The rules, with fio's meaning unless a
 * difference is stated:
 *
 * Clones. Clone c is named `${name}/${c}` and draws only from
 * `rng.stream("workload/${name}/${c}")`, split by name into "arrivals",
 * "rwmix", "bs" and "offsets" sub-streams so that, say, switching linear to
 * poisson arrivals leaves the offsets unchanged. Every clone works on the same
 * region and does the job's full amount of I/O (fio's size is per clone);
 * sequential clones all start at the region start (no offset_increment).
 *
 * Region. [offset, offset + size) of the Source LU, size 0 meaning to its end.
 * A region outside the LU, empty, or smaller than the smallest block of a
 * direction the job uses is rejected (BadValueError naming the job).
 *
 * Sizes. Offsets, sizes, block sizes and blockalign must be multiples of the
 * Source LU's sector size; a spec that is not is rejected rather than rounded.
 * Block sizes (bs, or bssplit when it has entries) are per direction; bssplit
 * picks a size with probability percent / (sum of percents), so percentages
 * that do not add to 100 are used in proportion (stated in the notes).
 *
 * Direction. read/randread only read, write/randwrite only write; in rw and
 * randrw each I/O is independently a read with probability rwmixread/100.
 * (fio instead issues runs of one direction and re-draws between runs; the
 * long-run proportion is the same, the run lengths are not.)
 *
 * Offsets.
 * - Sequential (read, write, rw): one cursor per direction, both starting at the
 *   region start (fio's last_pos[ddir]), each I/O starting where the previous
 *   one of its direction ended. blockalign does not apply (as in fio).
 * - Random (randread, randwrite, randrw): offset = region start + k * align,
 *   align = blockalign or, by default, the direction's smallest block size
 *   (fio's min_bs, which is also the block size when there is one); k is one of
 *   the positions where that smallest block fits: 0 <= k <= (region - min) / align.
 *   Alignment is relative to the region start, as in fio.
 *   - random_distribution=random with the default alignment uses fio's random
 *     map: each position once per pass, in a fresh pseudo-random order every
 *     pass (see job-random-map.ts); reads and writes share one map when their
 *     positions coincide. With several block sizes fio's map would shorten an
 *     I/O that overlaps blocks already done; here I/Os in one pass may overlap.
 *   - Any other distribution, a blockalign other than the smallest block, or
 *     norandommap draws each offset independently (fio turns the random map off
 *     for all three),
 *     with sim/rng/offset-distribution.ts over the positions.
 * - End of region. An I/O that would cross the region end is shortened to end
 *   there (fio would pick a smaller bssplit size that fits, or end the pass), so
 *   every I/O stays in the region and a sequential pass covers it exactly. A
 *   sequential cursor that reaches the end wraps to the region start.
 *
 * End of the job, whichever comes first:
 * - number_ios I/Os issued;
 * - without runtime: size bytes issued (fio's io_size default), counted over
 *   both directions; the I/O that reaches the total is issued whole;
 * - with runtime: the job is time based, as fio's time_based=1 (fio without it
 *   would still stop at size bytes): size only bounds the region, sequential
 *   cursors wrap and random passes restart until the runner's runtime stops the
 *   source. An open-loop source also stops by itself at the first arrival at or
 *   after runtime, so it issues at most rate_iops * runtime I/Os.
 *
 * Timing. No rate_iops: closed loop {iodepth, thinktime, thinktime_blocks},
 * every arrivalNs 0. With a thinktime the job issues thinktime_blocks I/Os
 * (at most iodepth in flight), waits until all have completed, then pauses:
 * fio quiesces before each thinktime, so its HOWTO notes that the default
 * thinktime_blocks=1 caps the queue depth at 1.
 * rate_iops: open loop, per direction as fio paces it (a clock per
 * direction): the k-th I/O (from 0) of a direction arrives at
 * floor(k * 1e9 / rate) ns (linear: no drift from rounding each gap) or, for
 * rate_process=poisson, at floor(S_k) with S_0 = 0 and S_k - S_(k-1)
 * exponential with mean 1e9 / rate (the sum is kept unrounded, so the mean
 * rate is exact). A mixed job (both directions issued) is the two streams
 * merged in time, reads first on a tie, so the rates set the mix and
 * rwmixread does not (fio's HOWTO warns that a rate may skew the mix; its
 * rate_ddir switches to whichever direction is behind). thinktime does not
 * apply and iodepth does not cap an open-loop source (stated in the notes).
 * startdelay and runtime are passed through.
 */
import { exponential } from "../../sim/rng/distributions.js";
import { makeOffsetDistribution, type OffsetDistribution, type OffsetDistributionSpec } from "../../sim/rng/offset-distribution.js";
import type { Rng } from "../../sim/rng/streams.js";
import type { JobSpec, RandomDistributionSpec } from "../model.js";
import { issuedDirections } from "./job-directions.js";
import { JobRandomMap } from "./job-random-map.js";
import type { HostIoKind, LoopSpec, NextIo, WorkloadSource } from "./source.js";
import { BadValueError } from "../../io/bad-value-error.js";
import { withDoubleFields } from "../../io/double-fields.js";

/** The Source LU a job runs against. */
export interface JobTarget {
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
}

export function jobSources(spec: JobSpec, rng: Rng, source: JobTarget): WorkloadSource[] {
  const plan = planJob(spec, source);
  const sources: WorkloadSource[] = [];
  for (let clone = 0; clone < spec.numjobs; clone++) {
    sources.push(new JobSource(plan, `${spec.name}/${clone}`, rng.stream(`workload/${spec.name}/${clone}`)));
  }
  return sources;
}

// ---- plan: everything validated and precomputed once, shared by the clones ----

const NS_PER_SECOND = 1e9;
/** Percentages written as decimals (33.3 + 33.3 + 33.4) may miss 100 by rounding. */
const PERCENT_TOLERANCE = 1e-9;

interface DirectionPlan {
  readonly kind: HostIoKind;
  /** bs, or 0 when a bssplit draw chooses among `splitSizesBytes`. */
  readonly singleBlockBytes: number;
  readonly splitSizesBytes: Float64Array;
  /** Cumulative probability of each split size; the last is 1. */
  readonly splitCumulative: Float64Array;
  readonly minBlockBytes: number;
  readonly maxBlockBytes: number;
  /** Random jobs: offsets are region start + k * alignBytes, k in [0, positionCount). */
  readonly alignBytes: number;
  readonly positionCount: number;
  /** Random jobs without the random map: how k is drawn. */
  readonly distribution: OffsetDistribution | undefined;
}

type Arrivals = "closed" | "linear" | "poisson";

interface JobPlan {
  readonly sequential: boolean;
  readonly mixed: boolean;
  /** The direction of an unmixed job. */
  readonly onlyReads: boolean;
  readonly readFraction: number;
  readonly regionStartBytes: number;
  readonly regionBytes: number;
  /** undefined for a direction the job does not use. */
  readonly read: DirectionPlan | undefined;
  readonly write: DirectionPlan | undefined;
  /** Random map in use and reads and writes have the same positions: one map for both. */
  readonly sharedRandomMap: boolean;
  readonly arrivals: Arrivals;
  /** Open loop: I/Os per second of reads [0] and writes [1]; 0 for a direction that does not arrive. */
  readonly rateIops: readonly [number, number];
  /** Open loop: arrivals at or after this end the source (runtime, else never). */
  readonly arrivalCutoffNs: number;
  readonly ioLimit: number;
  readonly byteLimitBytes: number;
  readonly loop: LoopSpec;
  readonly startDelayNs: number;
  readonly runtimeNs: number | undefined;
  readonly notes: readonly string[];
}

/**
 * A job the run cannot plan over its Source LU. `setting` names the job's
 * setting at fault when there is one, so the loader can place the problem at
 * that key of the file; the message stays as the run has always said it.
 */
export class JobPlanError extends BadValueError {
  constructor(
    readonly jobName: string,
    readonly detail: string,
    readonly setting?: "random_distribution",
  ) {
    super(`job "${jobName}": ${setting === undefined ? "" : `${setting}: `}${detail}`);
    this.name = "JobPlanError";
  }
}

function planJob(spec: JobSpec, target: JobTarget): JobPlan {
  const name = spec.name;
  const fail = (message: string): never => {
    throw new JobPlanError(name, message);
  };
  const requireInteger = (label: string, value: number, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min) fail(`${label} must be an integer >= ${min}, got ${String(value)}`);
  };
  const sectorBytes = target.sectorSizeBytes;
  requireInteger("the Source LU's sector size (bytes)", sectorBytes, 1);
  requireInteger("the Source LU's capacity (bytes)", target.capacityBytes, 1);
  const requireSectors = (label: string, bytes: number, min: number): void => {
    requireInteger(`${label} (bytes)`, bytes, min);
    if (bytes % sectorBytes !== 0) fail(`${label} ${bytes} B is not a multiple of the Source LU's ${sectorBytes}-byte sector`);
  };

  requireInteger("numjobs", spec.numjobs, 1);
  const random = spec.rw === "randread" || spec.rw === "randwrite" || spec.rw === "randrw";
  const sequential = spec.rw === "read" || spec.rw === "write" || spec.rw === "rw";
  if (!random && !sequential) fail(`rw must be one of read, write, rw, randread, randwrite, randrw, got ${JSON.stringify(spec.rw)}`);
  const mixed = spec.rw === "rw" || spec.rw === "randrw";
  const usesReads = spec.rw !== "write" && spec.rw !== "randwrite";
  const usesWrites = spec.rw !== "read" && spec.rw !== "randread";
  if (mixed && !(typeof spec.readPercent === "number" && spec.readPercent >= 0 && spec.readPercent <= 100)) {
    fail(`rwmixread must be a percentage in [0, 100], got ${String(spec.readPercent)}`);
  }

  // ---- region
  requireSectors("offset", spec.offsetBytes, 0);
  requireSectors("size", spec.sizeBytes, 0);
  const capacityBytes = target.capacityBytes;
  if (spec.offsetBytes >= capacityBytes) fail(`offset ${spec.offsetBytes} B is at or past the end of the Source LU (${capacityBytes} B)`);
  const regionBytes = spec.sizeBytes === 0 ? capacityBytes - spec.offsetBytes : spec.sizeBytes;
  if (spec.offsetBytes + regionBytes > capacityBytes) {
    fail(`region [${spec.offsetBytes}, ${spec.offsetBytes + regionBytes}) B (offset + size) lies outside the Source LU [0, ${capacityBytes}) B`);
  }
  if (regionBytes % sectorBytes !== 0) fail(`region size ${regionBytes} B (to the end of the Source LU) is not a multiple of its ${sectorBytes}-byte sector`);

  const notes: string[] = [];
  if (spec.blockAlignBytes !== undefined) requireSectors("blockalign", spec.blockAlignBytes, 1);

  // ---- block sizes and offsets per direction
  const planDirection = (kind: HostIoKind): DirectionPlan => {
    const split = spec.blockSizeSplit[kind];
    const sizes: number[] = [];
    const weights: number[] = [];
    split.forEach((entry, i) => {
      if (typeof entry.percent !== "number" || !Number.isFinite(entry.percent) || entry.percent < 0) {
        fail(`bssplit (${kind}) entry ${i}: percent must be a finite number >= 0, got ${String(entry.percent)}`);
      }
      requireSectors(`bssplit (${kind}) entry ${i} block size`, entry.sizeBytes, 1);
      if (entry.percent > 0) {
        sizes.push(entry.sizeBytes);
        weights.push(entry.percent);
      }
    });
    if (split.length > 0 && sizes.length === 0) fail(`bssplit (${kind}) gives every block size 0 percent`);
    let singleBlockBytes = 0;
    const splitSizesBytes = new Float64Array(sizes);
    const splitCumulative = new Float64Array(sizes.length);
    if (sizes.length === 0) {
      requireSectors(`bs (${kind})`, spec.blockSizeBytes[kind], 1);
      singleBlockBytes = spec.blockSizeBytes[kind];
    } else {
      const total = weights.reduce((sum, w) => sum + w, 0);
      if (Math.abs(total - 100) > PERCENT_TOLERANCE) notes.push(`bssplit (${kind}) percentages add to ${total}, not 100: block sizes drawn in proportion to them`);
      let running = 0;
      weights.forEach((w, i) => {
        running += w;
        splitCumulative[i] = running / total;
      });
      // Rounding may leave the last threshold a hair below 1; a draw in [0, 1) must always find a size.
      splitCumulative[sizes.length - 1] = 1;
      if (sizes.length === 1) singleBlockBytes = sizes[0] as number;
    }
    const all = sizes.length === 0 ? [singleBlockBytes] : sizes;
    const minBlockBytes = Math.min(...all);
    const maxBlockBytes = Math.max(...all);
    if (regionBytes < minBlockBytes) fail(`region of ${regionBytes} B is smaller than the smallest ${kind} block (${minBlockBytes} B)`);
    const alignBytes = random ? (spec.blockAlignBytes ?? minBlockBytes) : minBlockBytes;
    const positionCount = random ? Math.floor((regionBytes - minBlockBytes) / alignBytes) + 1 : 0;
    return { kind, singleBlockBytes, splitSizesBytes, splitCumulative, minBlockBytes, maxBlockBytes, alignBytes, positionCount, distribution: undefined };
  };
  let read = usesReads ? planDirection("read") : undefined;
  let write = usesWrites ? planDirection("write") : undefined;
  const used = [read, write].filter((d): d is DirectionPlan => d !== undefined);

  let sharedRandomMap = false;
  if (random) {
    // fio: blockalign other than min_bs, a non-uniform distribution, or norandommap turns the random map off.
    const alignIsDefault = used.every((d) => d.alignBytes === d.minBlockBytes);
    const randomMap = spec.randomDistribution.kind === "random" && alignIsDefault && spec.noRandomMap !== true;
    if (randomMap) {
      sharedRandomMap = read !== undefined && write !== undefined && read.alignBytes === write.alignBytes && read.positionCount === write.positionCount;
      const maps =
        sharedRandomMap && read !== undefined
          ? [`each of the ${read.positionCount} ${read.alignBytes}-byte positions once per pass, by a read or a write`]
          : used.map((d) => `each of the ${d.positionCount} ${d.alignBytes}-byte ${d.kind} positions once per pass`);
      notes.push(`random map (fio default): ${maps.join("; ")}`);
    } else {
      if (spec.noRandomMap === true && spec.randomDistribution.kind === "random" && alignIsDefault) {
        notes.push("norandommap: no random map, each offset drawn independently, so blocks may repeat within a pass and others go untouched (as fio)");
      } else if (!alignIsDefault && spec.randomDistribution.kind === "random") {
        notes.push(`blockalign ${String(spec.blockAlignBytes)} B differs from the smallest block size: no random map, offsets drawn independently (as fio)`);
      }
      const distributionSpec = toOffsetDistributionSpec(spec.randomDistribution);
      const withDistribution = (d: DirectionPlan): DirectionPlan => {
        try {
          return { ...d, distribution: makeOffsetDistribution(distributionSpec, d.positionCount) };
        } catch (error) {
          throw new JobPlanError(name, error instanceof Error ? error.message : String(error), "random_distribution");
        }
      };
      if (read !== undefined) read = withDistribution(read);
      if (write !== undefined) write = withDistribution(write);
    }
    const crossesEnd = [read, write].some((d) => d !== undefined && (d.positionCount - 1) * d.alignBytes + d.maxBlockBytes > regionBytes);
    if (crossesEnd) notes.push(`I/Os that would cross the region end (${spec.offsetBytes + regionBytes} B) are shortened to end there`);
  } else {
    if (spec.blockAlignBytes !== undefined) notes.push(`blockalign ignored: sequential I/O (rw=${spec.rw}) follows on from the previous I/O, as in fio`);
    const crossesEnd = used.some((d) => d.splitSizesBytes.length > 1 || regionBytes % d.maxBlockBytes !== 0);
    if (crossesEnd) notes.push(`sequential I/Os that would cross the region end (${spec.offsetBytes + regionBytes} B) are shortened to end there`);
    if (spec.numjobs > 1) notes.push(`all ${spec.numjobs} clones start at the region start (no offset_increment)`);
  }

  // ---- timing and limits
  requireInteger("iodepth", spec.iodepth, 1);
  requireInteger("thinktime (ns)", spec.thinktimeNs, 0);
  const thinktimeBlocks = spec.thinktimeBlocks ?? 1;
  requireInteger("thinktime_blocks", thinktimeBlocks, 1);
  requireInteger("startdelay (ns)", spec.startDelayNs, 0);
  if (spec.runtimeNs !== undefined) requireInteger("runtime (ns)", spec.runtimeNs, 1);
  if (spec.numberIos !== undefined) requireInteger("number_ios (omit it for no limit)", spec.numberIos, 1);

  let arrivals: Arrivals = "closed";
  let rateIops: [number, number] = [0, 0];
  let loop: LoopSpec = { kind: "closed", iodepth: spec.iodepth, thinktimeNs: spec.thinktimeNs, thinktimeBlocks };
  if (spec.rateIops !== undefined) {
    const rates = spec.rateIops;
    const arriving = issuedDirections(spec.rw, spec.readPercent);
    for (const kind of arriving) {
      const rate = typeof rates === "object" && rates !== null ? rates[kind] : undefined;
      if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) fail(`rate_iops for ${kind}s must be a finite number > 0 (the job issues them), got ${String(rate)}`);
    }
    if (spec.rateProcess !== "linear" && spec.rateProcess !== "poisson") fail(`rate_process must be "linear" or "poisson", got ${JSON.stringify(spec.rateProcess)}`);
    arrivals = spec.rateProcess === "poisson" ? "poisson" : "linear";
    rateIops = [arriving.includes("read") ? rates.read : 0, arriving.includes("write") ? rates.write : 0];
    loop = { kind: "open" };
    if (arriving.length === 2) {
      notes.push(
        `rate_iops applies to each direction, as in fio: reads arrive at ${rates.read} and writes at ${rates.write} per second (${rates.read + rates.write} in all), so the rates set the mix, not rwmixread`,
      );
    }
    if (spec.thinktimeNs > 0) notes.push(`thinktime ignored: rate_iops makes the job open loop (arrivals do not wait for completions)`);
    if (spec.iodepth > 1) notes.push(`iodepth ${spec.iodepth} does not cap outstanding I/Os: rate_iops makes the job open loop`);
  }
  if (loop.kind === "closed" && spec.thinktimeNs > 0 && spec.iodepth > thinktimeBlocks) {
    notes.push(
      `thinktime: after every ${thinktimeBlocks === 1 ? "I/O" : `${thinktimeBlocks} I/Os`} the job waits for all its I/Os in flight, then pauses (fio's thinktime_blocks=${thinktimeBlocks}), so at most ${thinktimeBlocks} of iodepth ${spec.iodepth} are in flight`,
    );
  }
  if (spec.runtimeNs !== undefined) {
    notes.push(`runtime set: time based (fio time_based=1), size bounds the region only; sequential I/O wraps at the region end and random passes restart`);
  }

  return {
    sequential,
    mixed,
    onlyReads: usesReads && !usesWrites,
    readFraction: mixed ? spec.readPercent / 100 : usesReads ? 1 : 0,
    regionStartBytes: spec.offsetBytes,
    regionBytes,
    read,
    write,
    sharedRandomMap,
    arrivals,
    rateIops,
    arrivalCutoffNs: arrivals !== "closed" && spec.runtimeNs !== undefined ? spec.runtimeNs : Infinity,
    ioLimit: spec.numberIos ?? Infinity,
    byteLimitBytes: spec.runtimeNs === undefined ? regionBytes : Infinity,
    loop,
    startDelayNs: spec.startDelayNs,
    runtimeNs: spec.runtimeNs,
    notes: Object.freeze(notes),
  };
}

function toOffsetDistributionSpec(spec: RandomDistributionSpec): OffsetDistributionSpec {
  switch (spec.kind) {
    case "random":
      return { kind: "random" };
    case "zipf":
      return { kind: "zipf", theta: spec.theta };
    case "pareto":
      return { kind: "pareto", h: spec.h };
    case "normal":
      return spec.centerFraction === undefined ? { kind: "normal", deviationPercent: spec.deviationPercent } : { kind: "normal", deviationPercent: spec.deviationPercent, centerFraction: spec.centerFraction };
    case "zoned":
      return { kind: "zoned", zones: spec.zones };
  }
}

// ---- the per-clone source -------------------------------------------------

/** Which position (0-based, in units of the direction's alignment) a random I/O starts at. */
interface PositionPicker {
  next(rng: Rng): number;
}

class DistributionPicker implements PositionPicker {
  constructor(private readonly distribution: OffsetDistribution) {}
  next(rng: Rng): number {
    return this.distribution.sample(rng);
  }
}

function makePicker(direction: DirectionPlan | undefined): PositionPicker | undefined {
  if (direction === undefined || direction.positionCount === 0) return undefined;
  return direction.distribution !== undefined ? new DistributionPicker(direction.distribution) : new JobRandomMap(direction.positionCount);
}

class JobSource implements WorkloadSource {
  readonly loop: LoopSpec;
  readonly startDelayNs: number;
  // `declare`: an ES2022 class field would exist as undefined when no runtime
  // is set, where the contract (exactOptionalPropertyTypes) expects it absent.
  declare readonly runtimeNs?: number;
  readonly notes: readonly string[];

  private readonly arrivalRng: Rng;
  private readonly mixRng: Rng;
  private readonly blockRng: Rng;
  private readonly offsetRng: Rng;
  private readonly readPicker: PositionPicker | undefined;
  private readonly writePicker: PositionPicker | undefined;

  private ioCount = 0;
  private bytesIssuedBytes = 0;
  /** Sequential jobs: where the next I/O of each direction starts, relative to the region start. */
  private readCursorBytes = 0;
  private writeCursorBytes = 0;
  /** Open loop, per direction (reads [0], writes [1]): linear, the I/Os that arrived; poisson, the unrounded time of the next. */
  private readonly arrived = new Float64Array(2);
  private readonly poissonClockNs = new Float64Array(2);
  private exhausted = false;

  constructor(
    private readonly plan: JobPlan,
    readonly name: string,
    cloneRng: Rng,
  ) {
    // Bytes past 2^30 (see withDoubleFields).
    withDoubleFields(this, ["bytesIssuedBytes"]);
    this.loop = plan.loop;
    this.startDelayNs = plan.startDelayNs;
    if (plan.runtimeNs !== undefined) this.runtimeNs = plan.runtimeNs;
    this.notes = plan.notes;
    this.arrivalRng = cloneRng.stream("arrivals");
    this.mixRng = cloneRng.stream("rwmix");
    this.blockRng = cloneRng.stream("bs");
    this.offsetRng = cloneRng.stream("offsets");
    this.readPicker = makePicker(plan.read);
    this.writePicker = plan.sharedRandomMap ? this.readPicker : makePicker(plan.write);
  }

  next(): NextIo | undefined {
    if (this.exhausted) return undefined;
    const plan = this.plan;
    if (this.ioCount >= plan.ioLimit || this.bytesIssuedBytes >= plan.byteLimitBytes) return this.finish();

    let arrivalNs = 0;
    let isRead: boolean;
    if (plan.arrivals === "closed") {
      isRead = plan.mixed ? this.mixRng.next() < plan.readFraction : plan.onlyReads;
    } else {
      // The stream whose I/O arrives first (reads on a tie); an open-loop job with one stream has only that one.
      const readNs = plan.rateIops[0] > 0 ? this.nextArrivalNs(0) : Infinity;
      const writeNs = plan.rateIops[1] > 0 ? this.nextArrivalNs(1) : Infinity;
      isRead = readNs <= writeNs;
      const stream = isRead ? 0 : 1;
      arrivalNs = isRead ? readNs : writeNs;
      if (arrivalNs >= plan.arrivalCutoffNs) return this.finish();
      this.arrived[stream]!++;
      if (plan.arrivals === "poisson") this.poissonClockNs[stream]! += exponential(this.arrivalRng, NS_PER_SECOND / plan.rateIops[stream]!);
    }

    // isRead is true only for a job that reads (and false only for one that writes), so the plan exists.
    const direction = (isRead ? plan.read : plan.write) as DirectionPlan;
    const blockBytes = direction.singleBlockBytes !== 0 ? direction.singleBlockBytes : this.drawBlockBytes(direction);

    let startBytes: number;
    let lengthBytes: number;
    if (plan.sequential) {
      startBytes = isRead ? this.readCursorBytes : this.writeCursorBytes;
      lengthBytes = Math.min(blockBytes, plan.regionBytes - startBytes);
      const endBytes = startBytes + lengthBytes;
      const nextCursorBytes = endBytes >= plan.regionBytes ? 0 : endBytes;
      if (isRead) this.readCursorBytes = nextCursorBytes;
      else this.writeCursorBytes = nextCursorBytes;
    } else {
      const picker = (isRead ? this.readPicker : this.writePicker) as PositionPicker;
      startBytes = picker.next(this.offsetRng) * direction.alignBytes;
      lengthBytes = Math.min(blockBytes, plan.regionBytes - startBytes);
    }

    this.ioCount++;
    this.bytesIssuedBytes += lengthBytes;
    return { io: { kind: direction.kind, offsetBytes: plan.regionStartBytes + startBytes, lengthBytes }, arrivalNs };
  }

  /** When the next I/O of a rated direction (0 reads, 1 writes) arrives: linear, floor(k * 1e9 / rate) for its k-th, with no drift. */
  private nextArrivalNs(stream: 0 | 1): number {
    return this.plan.arrivals === "linear" ? Math.floor((this.arrived[stream]! * NS_PER_SECOND) / this.plan.rateIops[stream]!) : Math.floor(this.poissonClockNs[stream]!);
  }

  private drawBlockBytes(direction: DirectionPlan): number {
    const u = this.blockRng.next();
    const cumulative = direction.splitCumulative;
    const last = cumulative.length - 1;
    // bssplit has at most 64 entries (fio's limit): a linear scan beats a search at that size.
    for (let i = 0; i < last; i++) {
      if (u < (cumulative[i] as number)) return direction.splitSizesBytes[i] as number;
    }
    return direction.splitSizesBytes[last] as number;
  }

  private finish(): undefined {
    this.exhausted = true;
    return undefined;
  }
}
