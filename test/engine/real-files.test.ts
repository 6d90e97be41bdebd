import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAsync } from "../../io/async-driver.js";
import { FileBlockDevice } from "../../io/file-device.js";
import { Payload } from "../../io/payload.js";
import { EngineUsageError, SESSION_SLOTS, formatCacheLu, makeCommitPolicy, mountCacheLu, type CofwEngine, type CommitPolicyName } from "../../engine/index.js";

/**
 * End to end over real image files: the engine that runs in simulated time
 * runs here on FileBlockDevice under the real asynchronous driver, with real
 * bytes. Everything the engine knows must survive dropping the engine object
 * and reopening the files, and every Phantom LU must read, byte for byte, what
 * the Source LU held when its session started.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const SECTOR_BYTES = 512;
const CHUNK_BYTES = 64 * KiB;
const SOURCE_BYTES = 8 * MiB;
const CACHE_BYTES = 8 * MiB;
const QUEUE_DEPTH = 8;

/** xorshift32: a tiny seeded generator, so every run writes the same bytes. */
class ByteStream {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  bytes(lengthBytes: number): Uint8Array {
    const out = new Uint8Array(lengthBytes);
    for (let i = 0; i < lengthBytes; i += 4) {
      let x = this.state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.state = x >>> 0;
      out[i] = x & 0xff;
      out[i + 1] = (x >>> 8) & 0xff;
      out[i + 2] = (x >>> 16) & 0xff;
      out[i + 3] = (x >>> 24) & 0xff;
    }
    return out;
  }
}

/** One copy the engine should have made: which source chunk, and which live sessions it still serves. */
interface ExpectedCopy {
  readonly sourceChunk: number;
  readonly slots: Set<number>;
}

/**
 * What the volumes must hold, kept independently of the engine: the Source
 * LU's bytes, each live session's bytes as captured at its start, and the
 * copies copy-on-first-write must make (one per chunk for all the sessions
 * that lack one, freed when no live session needs it any more).
 */
class Oracle {
  readonly source = new Uint8Array(SOURCE_BYTES);
  readonly sessions = new Map<number, Uint8Array>();
  readonly sequences = new Map<number, number>();
  private copies: ExpectedCopy[] = [];
  copiesMade = 0;

  startSession(slot: number, sequence: number): void {
    this.endSession(slot);
    this.sessions.set(slot, this.source.slice());
    this.sequences.set(slot, sequence);
  }

  endSession(slot: number): void {
    this.sessions.delete(slot);
    this.sequences.delete(slot);
    for (const copy of this.copies) copy.slots.delete(slot);
    this.copies = this.copies.filter((copy) => copy.slots.size > 0);
  }

  write(offsetBytes: number, bytes: Uint8Array): void {
    const first = Math.floor(offsetBytes / CHUNK_BYTES);
    const last = Math.floor((offsetBytes + bytes.length - 1) / CHUNK_BYTES);
    for (let chunk = first; chunk <= last; chunk++) {
      const uncovered = [...this.sessions.keys()].filter((slot) => !this.copies.some((c) => c.sourceChunk === chunk && c.slots.has(slot)));
      if (uncovered.length === 0) continue;
      this.copies.push({ sourceChunk: chunk, slots: new Set(uncovered) });
      this.copiesMade++;
    }
    this.source.set(bytes, offsetBytes);
  }

  get chunksInUse(): number {
    return this.copies.length;
  }
}

/** A write as the test plans it: where and how much (sector multiples; the engine requires alignment). */
type PlannedWrite = readonly [offsetBytes: number, lengthBytes: number];

const chunk = (index: number, withinBytes = 0): number => index * CHUNK_BYTES + withinBytes;

function firstDifference(actual: Uint8Array, expected: Uint8Array): number | undefined {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))) return undefined;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) if (actual[i] !== expected[i]) return i;
  return Math.min(actual.length, expected.length);
}

/** `baseBytes`: the Source LU offset of the compared bytes' first one, so a failure names the real chunk. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string, baseBytes = 0): void {
  const at = firstDifference(actual, expected);
  if (at === undefined) return;
  const offsetBytes = baseBytes + at;
  expect.fail(
    `${what}: ${actual.length} bytes against ${expected.length} expected; first difference at Source LU byte ${offsetBytes} ` +
      `(chunk ${Math.floor(offsetBytes / CHUNK_BYTES)}, +${offsetBytes % CHUNK_BYTES}): got ${actual[at]}, expected ${expected[at]}`,
  );
}

interface Devices {
  readonly source: FileBlockDevice;
  readonly cache: FileBlockDevice;
}

let directory: string;
let openDevices: FileBlockDevice[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cofwsim-real-files-"));
  openDevices = [];
});

afterEach(async () => {
  // A failed test may leave devices open; close them so the directory can go.
  await Promise.allSettled(openDevices.map((device) => device.close()));
  await rm(directory, { recursive: true, force: true });
});

async function openDevicePair(create: boolean): Promise<Devices> {
  const open = (name: string, capacityBytes: number) =>
    FileBlockDevice.open(join(directory, `${name}.img`), { name, capacityBytes, sectorSizeBytes: SECTOR_BYTES, queueDepth: QUEUE_DEPTH, create });
  const devices = { source: await open("source", SOURCE_BYTES), cache: await open("cache", CACHE_BYTES) };
  openDevices.push(devices.source, devices.cache);
  return devices;
}

async function closeDevicePair(devices: Devices): Promise<void> {
  await Promise.all([devices.source.close(), devices.cache.close()]);
}

/**
 * Runs the writes all at once, each its own runAsync, together with a phantom
 * read of every live session over the same span; the byte ranges must not
 * overlap, so the outcome does not depend on which write lands first.
 */
async function writeTogether(engine: CofwEngine, oracle: Oracle, stream: ByteStream, writes: readonly PlannedWrite[]): Promise<void> {
  const sorted = [...writes].sort((a, b) => a[0] - b[0]);
  sorted.forEach(([offsetBytes, lengthBytes], i) => {
    const next = sorted[i + 1];
    if (next !== undefined && offsetBytes + lengthBytes > next[0]) throw new Error(`test bug: concurrent writes at ${offsetBytes} and ${next[0]} overlap`);
  });
  const data = writes.map(([, lengthBytes]) => stream.bytes(lengthBytes));
  const spanStart = Math.floor((sorted[0]?.[0] ?? 0) / CHUNK_BYTES) * CHUNK_BYTES;
  const last = sorted[sorted.length - 1];
  const spanEnd = last === undefined ? spanStart + CHUNK_BYTES : Math.ceil((last[0] + last[1]) / CHUNK_BYTES) * CHUNK_BYTES;
  const phantomReads = [...oracle.sessions.keys()].map(async (slot) => ({
    slot,
    bytes: (await runAsync(engine.phantomRead(slot, spanStart, spanEnd - spanStart), `phantom ${slot}`)).toBytes(),
  }));
  const writesDone = writes.map(([offsetBytes], i) => runAsync(engine.hostWrite(offsetBytes, Payload.bytes(data[i]!)), `write ${offsetBytes}`));
  const [reads] = await Promise.all([Promise.all(phantomReads), Promise.all(writesDone)]);
  // A phantom read racing the writes still sees the point in time, never a write made after it.
  for (const { slot, bytes } of reads) {
    expectSameBytes(bytes, oracle.sessions.get(slot)!.subarray(spanStart, spanEnd), `phantom read of slot ${slot} during writes`, spanStart);
  }
  writes.forEach(([offsetBytes], i) => oracle.write(offsetBytes, data[i]!));
}

async function startSession(engine: CofwEngine, oracle: Oracle, slot: number): Promise<number> {
  const sequence = await runAsync(engine.startSession(slot));
  oracle.startSession(slot, sequence);
  return sequence;
}

/** Every Phantom LU of every live session, and the Source LU, whole, against the oracle. */
async function verifyAll(engine: CofwEngine, oracle: Oracle, when: string): Promise<void> {
  engine.assertConsistent();
  const live = engine
    .sessionList()
    .filter((s) => s.state === "active")
    .map((s) => [s.slot, s.sequence]);
  expect(live, `${when}: live sessions (slot, sequence)`).toEqual([...oracle.sequences].sort((a, b) => a[0] - b[0]));
  const phantoms = await Promise.all([...oracle.sessions.keys()].map((slot) => runAsync(engine.phantomRead(slot, 0, SOURCE_BYTES))));
  [...oracle.sessions.values()].forEach((expected, i) => expectSameBytes(phantoms[i]!.toBytes(), expected, `${when}: Phantom LU of slot ${[...oracle.sessions.keys()][i]}`));
  expectSameBytes((await runAsync(engine.hostRead(0, SOURCE_BYTES))).toBytes(), oracle.source, `${when}: Source LU`);
  expect(engine.counters.chunksInUse, `${when}: COFW chunks in use`).toBe(oracle.chunksInUse);
  expect(engine.counters.sessionsTerminated, `${when}: sessions lost to a full Cache LU`).toBe(0);
}

const REGION_BYTES: Record<CommitPolicyName, number> = { "write-through": 4 * KiB, "group-commit": 16 * KiB, "dirty-region-log": 4 * KiB };
const SEEDS: Record<CommitPolicyName, number> = { "write-through": 0x5eed0001, "group-commit": 0x5eed0002, "dirty-region-log": 0x5eed0003 };

type Ending = "dropped without unmount" | "cleanly unmounted";

/**
 * Formats the files and drives one engine through sessions and writes. The
 * engine object is created and dropped here: once this returns, nothing of it
 * is reachable and only the files carry its state.
 */
async function firstLife(policyName: CommitPolicyName, ending: Ending, oracle: Oracle, stream: ByteStream): Promise<void> {
  const devices = await openDevicePair(true);
  const engine = await runAsync(
    formatCacheLu(devices.source, devices.cache, { chunkSizeBytes: CHUNK_BYTES, regionSizeBytes: REGION_BYTES[policyName], policy: makeCommitPolicy(policyName) }),
  );
  // Enough COFW chunks for every copy below: none may be lost to a full Cache LU.
  expect(engine.layout.cofwChunkCount).toBeGreaterThan(100);

  // The Source LU gets real, distinct contents everywhere before any session exists: no copies.
  await writeTogether(engine, oracle, stream, Array.from({ length: 16 }, (_, i): PlannedWrite => [i * 512 * KiB, 512 * KiB]));
  expect(engine.counters.cofwCopies).toBe(0);

  expect(await startSession(engine, oracle, 0)).toBe(1);
  await writeTogether(engine, oracle, stream, [
    [chunk(1, 8 * KiB), 4 * KiB], // two partial writes of one chunk, in flight together: one copy
    [chunk(1, 60 * KiB), 512],
    [chunk(3, 32 * KiB), 2 * CHUNK_BYTES], // spans three chunks, partially at both ends
    [chunk(10), CHUNK_BYTES],
    [chunk(127, CHUNK_BYTES - 512), 512], // the last sector of the Source LU
  ]);
  // Rewrites of covered chunks go straight through.
  await writeTogether(engine, oracle, stream, [[chunk(1), 16 * KiB]]);
  await writeTogether(engine, oracle, stream, [[chunk(4, 4 * KiB), 40 * KiB]]);

  expect(await startSession(engine, oracle, 2)).toBe(2);
  await writeTogether(engine, oracle, stream, [
    [chunk(1, 20 * KiB), 8 * KiB], // slot 0 has its copy, slot 2 needs one
    [chunk(2), 4 * KiB], // neither has: one copy serves both
    [chunk(5, 48 * KiB), 2 * CHUNK_BYTES],
    [chunk(20), 4 * CHUNK_BYTES],
  ]);
  await runAsync(engine.hostFlush());

  expect(await startSession(engine, oracle, 5)).toBe(3);
  await writeTogether(engine, oracle, stream, [
    [chunk(1, 32 * KiB), 4 * KiB],
    [chunk(10, 512), 1024],
    [chunk(30, 32 * KiB), CHUNK_BYTES],
    [chunk(64, 12 * KiB), 12 * KiB],
  ]);

  // One session ends; another is replaced by a new point in time in the same slot.
  await runAsync(engine.stopSession(0));
  oracle.endSession(0);
  expect(await startSession(engine, oracle, 2)).toBe(4);
  await writeTogether(engine, oracle, stream, [
    [chunk(1, 40 * KiB), 8 * KiB],
    [chunk(3), CHUNK_BYTES],
    [chunk(40, 60 * KiB), 8 * KiB],
    [chunk(100, 4 * KiB), 4 * KiB],
  ]);
  expect(engine.counters.cofwCopies).toBe(oracle.copiesMade);
  await verifyAll(engine, oracle, "before the engine goes away");

  if (ending === "cleanly unmounted") await runAsync(engine.unmount());
  await closeDevicePair(devices);
}

describe.each(["write-through", "group-commit", "dirty-region-log"] as const)("engine over real image files (%s)", (policyName) => {
  it.each(["dropped without unmount", "cleanly unmounted"] as const)("keeps every session byte-exact across a remount when %s", async (ending: Ending) => {
    const stream = new ByteStream(SEEDS[policyName] ^ (ending === "cleanly unmounted" ? 0xff : 0));
    const oracle = new Oracle();
    await firstLife(policyName, ending, oracle, stream);

    let devices = await openDevicePair(false);
    let remounted = await runAsync(mountCacheLu(devices.source, devices.cache, { policy: makeCommitPolicy(policyName) }));
    await verifyAll(remounted, oracle, `after remount (${ending})`);
    if (ending === "cleanly unmounted") expect(remounted.counters.recoveryRegionsRebuilt).toBe(0);
    // The dirty-region log kept map regions lazily since the last host flush; unclean, they must be rebuilt.
    if (policyName === "dirty-region-log" && ending === "dropped without unmount") expect(remounted.counters.recoveryRegionsRebuilt).toBeGreaterThan(0);
    await expect(runAsync(remounted.phantomRead(0, 0, CHUNK_BYTES))).rejects.toBeInstanceOf(EngineUsageError);

    // Copy on first write still works on the remounted engine, for old sessions and a new one.
    oracle.copiesMade = 0;
    await writeTogether(remounted, oracle, stream, [
      [chunk(1, 48 * KiB), 4 * KiB], // covered for both live sessions: no copy
      [chunk(2, 8 * KiB), 8 * KiB], // slot 2's copy is of its old sequence: a new one for 2 and 5
      [chunk(50), 3 * CHUNK_BYTES],
    ]);
    expect(await startSession(remounted, oracle, SESSION_SLOTS - 1)).toBe(5);
    await writeTogether(remounted, oracle, stream, [
      [chunk(1, 52 * KiB), 4 * KiB],
      [chunk(50, 4 * KiB), 4 * KiB],
      [chunk(90), 2 * CHUNK_BYTES],
    ]);
    expect(remounted.counters.cofwCopies).toBe(oracle.copiesMade);
    expect(oracle.copiesMade).toBeGreaterThan(0);
    await verifyAll(remounted, oracle, "after writes on the remounted engine");

    // And those copies reach the files too: once more through a remount.
    if (ending === "cleanly unmounted") await runAsync(remounted.unmount());
    await closeDevicePair(devices);
    devices = await openDevicePair(false);
    remounted = await runAsync(mountCacheLu(devices.source, devices.cache, { policy: makeCommitPolicy(policyName) }));
    await verifyAll(remounted, oracle, `after the second remount (${ending})`);
    await closeDevicePair(devices);
  });
});
