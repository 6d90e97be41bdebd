import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceError, type IoCompletion, type IoRequest } from "../../io/block-device.js";
import { FileBlockDevice } from "../../io/file-device.js";
import { Payload, stampByte } from "../../io/payload.js";

const KiB = 1024;
const SECTOR_BYTES = 512;

let directory: string;
let fileCounter = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cofwsim-file-device-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A fresh path per test, so tests never see each other's images. */
function imagePath(): string {
  return join(directory, `image-${fileCounter++}.img`);
}

/** Deterministic bytes that differ by seed and position (xorshift32). */
function pseudoRandomBytes(seed: number, lengthBytes: number): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < lengthBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

interface Outcome {
  readonly completion: IoCompletion;
  readonly error: DeviceError | undefined;
  /** Whether onComplete ran before submit returned (the contract forbids it). */
  readonly synchronous: boolean;
}

/** Submits one request and settles with what its single completion carried. */
function submit(device: FileBlockDevice, request: IoRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let returned = false;
    let calls = 0;
    device.submit(request, (completion, error) => {
      calls++;
      if (calls > 1) reject(new Error(`onComplete called ${calls} times for ${request.op}`));
      else resolve({ completion, error, synchronous: !returned });
    });
    returned = true;
  });
}

async function succeed(device: FileBlockDevice, request: IoRequest): Promise<IoCompletion> {
  const outcome = await submit(device, request);
  if (outcome.error !== undefined) throw outcome.error;
  expect(outcome.synchronous).toBe(false);
  return outcome.completion;
}

async function readBytes(device: FileBlockDevice, offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
  const completion = await succeed(device, { op: "read", offsetBytes, lengthBytes });
  if (completion === undefined) throw new Error("a read completed without data");
  expect(completion.lengthBytes).toBe(lengthBytes);
  return completion.toBytes();
}

const write = (offsetBytes: number, payload: Payload, fua = false): IoRequest => ({ op: "write", offsetBytes, payload, fua });

describe("FileBlockDevice", () => {
  it("creates a sparse zero-filled image of the capacity and reads back real bytes where they were written", async () => {
    const path = imagePath();
    const device = await FileBlockDevice.open(path, { name: "disk", capacityBytes: 256 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    expect((await stat(path)).size).toBe(256 * KiB);
    expect(await readBytes(device, 0, 16 * KiB)).toEqual(new Uint8Array(16 * KiB));

    const data = pseudoRandomBytes(42, 8 * KiB);
    expect(await succeed(device, write(12 * KiB, Payload.bytes(data)))).toBeUndefined();
    expect(await readBytes(device, 12 * KiB, 8 * KiB)).toEqual(data);
    // A read straddling the write sees zeros, then the data, then zeros: offsets are honoured exactly.
    const around = await readBytes(device, 11 * KiB, 10 * KiB);
    expect(around.subarray(0, KiB)).toEqual(new Uint8Array(KiB));
    expect(around.subarray(KiB, 9 * KiB)).toEqual(data);
    expect(around.subarray(9 * KiB)).toEqual(new Uint8Array(KiB));
    await device.close();

    // The bytes are in the file itself, at the offset, not only in the device object.
    const image = await readFile(path);
    expect(new Uint8Array(image.subarray(12 * KiB, 20 * KiB))).toEqual(data);
  });

  it("materialises stamps and mixed payloads to their real bytes", async () => {
    const path = imagePath();
    const device = await FileBlockDevice.open(path, { capacityBytes: 64 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    expect(device.name).toBe(path);
    await succeed(device, write(0, Payload.bytes(pseudoRandomBytes(3, 4 * KiB))));
    const stamped = Payload.stamp(7, 2 * KiB, 512);
    const real = pseudoRandomBytes(9, KiB);
    const mixed = new Payload([...Payload.zero(KiB).segments, ...Payload.bytes(real).segments, ...Payload.stamp(8, KiB, 4 * KiB).segments]);
    await Promise.all([succeed(device, write(0, stamped)), succeed(device, write(8 * KiB, mixed))]);

    const expectedStamp = Uint8Array.from({ length: 2 * KiB }, (_, i) => stampByte(7, 512 + i));
    expect(await readBytes(device, 0, 2 * KiB)).toEqual(expectedStamp);
    const mixedBack = await readBytes(device, 8 * KiB, 3 * KiB);
    // The zero segment overwrote the earlier data: zeros are written, not skipped.
    expect(mixedBack.subarray(0, KiB)).toEqual(new Uint8Array(KiB));
    expect(mixedBack.subarray(KiB, 2 * KiB)).toEqual(real);
    expect(mixedBack.subarray(2 * KiB)).toEqual(Uint8Array.from({ length: KiB }, (_, i) => stampByte(8, 4 * KiB + i)));
    await device.close();
  });

  it("writes zeros over old data when a zero payload is written", async () => {
    const device = await FileBlockDevice.open(imagePath(), { capacityBytes: 16 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    await succeed(device, write(0, Payload.bytes(pseudoRandomBytes(5, 4 * KiB))));
    await succeed(device, write(KiB, Payload.zero(2 * KiB)));
    const back = await readBytes(device, 0, 4 * KiB);
    expect(back.subarray(KiB, 3 * KiB)).toEqual(new Uint8Array(2 * KiB));
    expect(back.subarray(0, KiB)).toEqual(pseudoRandomBytes(5, 4 * KiB).subarray(0, KiB));
    await device.close();
  });

  it("completes FUA writes and flushes, and what they wrote is there after a reopen", async () => {
    const path = imagePath();
    const first = await FileBlockDevice.open(path, { capacityBytes: 64 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    const fuaData = pseudoRandomBytes(11, 4 * KiB);
    const plainData = pseudoRandomBytes(12, 4 * KiB);
    expect(await succeed(first, write(0, Payload.bytes(fuaData), true))).toBeUndefined();
    expect(await succeed(first, write(32 * KiB, Payload.bytes(plainData)))).toBeUndefined();
    expect(await succeed(first, { op: "flush" })).toBeUndefined();
    await first.close();

    const second = await FileBlockDevice.open(path, { capacityBytes: 64 * KiB, sectorSizeBytes: SECTOR_BYTES });
    expect(await readBytes(second, 0, 4 * KiB)).toEqual(fuaData);
    expect(await readBytes(second, 32 * KiB, 4 * KiB)).toEqual(plainData);
    await second.close();
  });

  it("fails invalid requests with a DeviceError, asynchronously, and touches nothing", async () => {
    const path = imagePath();
    const device = await FileBlockDevice.open(path, { name: "small", capacityBytes: 8 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    const invalid: IoRequest[] = [
      { op: "read", offsetBytes: 100, lengthBytes: 512 },
      { op: "read", offsetBytes: 0, lengthBytes: 0 },
      { op: "read", offsetBytes: 7 * KiB, lengthBytes: 2 * KiB },
      write(512, Payload.bytes(new Uint8Array(100).fill(1))),
      write(8 * KiB, Payload.bytes(new Uint8Array(512).fill(1))),
      write(-512, Payload.bytes(new Uint8Array(512).fill(1))),
    ];
    for (const request of invalid) {
      const outcome = await submit(device, request);
      expect(outcome.synchronous).toBe(false);
      expect(outcome.completion).toBeUndefined();
      expect(outcome.error).toBeInstanceOf(DeviceError);
      expect(outcome.error?.deviceName).toBe("small");
      expect(outcome.error?.message).toMatch(/^small: /);
    }
    await device.close();
    expect(new Uint8Array(await readFile(path))).toEqual(new Uint8Array(8 * KiB));
  });

  it("keeps at most queueDepth requests in flight and starts the others in submission order", async () => {
    const device = await FileBlockDevice.open(imagePath(), { capacityBytes: 64 * KiB, sectorSizeBytes: SECTOR_BYTES, queueDepth: 2, create: true });
    const completionOrder: number[] = [];
    let mostInFlight = 0;
    const requests: IoRequest[] = [];
    for (let i = 0; i < 8; i++) requests.push(write(i * 4 * KiB, Payload.bytes(pseudoRandomBytes(100 + i, 4 * KiB))));
    const done = requests.map(
      (request, index) =>
        new Promise<void>((resolve, reject) => {
          device.submit(request, (_completion, error) => {
            // By now the finished request has left the count and the oldest waiting one has taken its slot.
            mostInFlight = Math.max(mostInFlight, device.inFlightCount);
            completionOrder.push(index);
            if (error === undefined) resolve();
            else reject(error);
          });
        }),
    );
    expect(device.inFlightCount).toBe(2);
    expect(device.waitingCount).toBe(6);
    await Promise.all(done);
    expect(mostInFlight).toBe(2);
    expect(device.inFlightCount).toBe(0);
    expect(device.waitingCount).toBe(0);
    expect([...completionOrder].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 8; i++) expect(await readBytes(device, i * 4 * KiB, 4 * KiB)).toEqual(pseudoRandomBytes(100 + i, 4 * KiB));
    await device.close();
  });

  it("with queue depth 1, serves requests strictly in submission order (a queued read sees the write before it)", async () => {
    const device = await FileBlockDevice.open(imagePath(), { capacityBytes: 16 * KiB, sectorSizeBytes: SECTOR_BYTES, queueDepth: 1, create: true });
    const versions = [1, 2, 3].map((seed) => pseudoRandomBytes(seed, 4 * KiB));
    const order: string[] = [];
    const outcomes: Array<Promise<Outcome>> = [];
    versions.forEach((bytes, version) => {
      outcomes.push(submit(device, write(0, Payload.bytes(bytes))).then((o) => (order.push(`w${version}`), o)));
      outcomes.push(submit(device, { op: "read", offsetBytes: 0, lengthBytes: 4 * KiB }).then((o) => (order.push(`r${version}`), o)));
    });
    const settled = await Promise.all(outcomes);
    expect(order).toEqual(["w0", "r0", "w1", "r1", "w2", "r2"]);
    versions.forEach((bytes, version) => {
      const read = settled[2 * version + 1];
      expect(read?.error).toBeUndefined();
      expect(read?.completion?.toBytes()).toEqual(bytes);
    });
    await device.close();
  });

  it("finishes requests submitted before close, then fails later ones with a DeviceError", async () => {
    const path = imagePath();
    const device = await FileBlockDevice.open(path, { name: "closing", capacityBytes: 16 * KiB, sectorSizeBytes: SECTOR_BYTES, queueDepth: 1, create: true });
    const data = pseudoRandomBytes(77, 4 * KiB);
    const beforeClose = [submit(device, write(0, Payload.bytes(data))), submit(device, write(4 * KiB, Payload.bytes(data), true))];
    const closed = device.close();
    expect(device.closed).toBe(true);
    const afterClose = [
      submit(device, { op: "read", offsetBytes: 0, lengthBytes: 512 }),
      submit(device, write(0, Payload.zero(512))),
      submit(device, { op: "flush" }),
    ];
    for (const outcome of await Promise.all(beforeClose)) expect(outcome.error).toBeUndefined();
    for (const outcome of await Promise.all(afterClose)) {
      expect(outcome.synchronous).toBe(false);
      expect(outcome.error).toBeInstanceOf(DeviceError);
      expect(outcome.error?.message).toMatch(/^closing: .*after close/);
    }
    await closed;
    const image = new Uint8Array(await readFile(path));
    expect(image.subarray(0, 4 * KiB)).toEqual(data);
    expect(image.subarray(4 * KiB, 8 * KiB)).toEqual(data);
  });

  it("reports a failing file-system call as a DeviceError naming the device, the op, the offset and the OS error", async () => {
    const path = imagePath();
    const device = await FileBlockDevice.open(path, { name: "shrunk", capacityBytes: 16 * KiB, sectorSizeBytes: SECTOR_BYTES, create: true });
    // Someone else shortens the image under the device: the read past its new end cannot be served.
    await truncate(path, 4 * KiB);
    const outcome = await submit(device, { op: "read", offsetBytes: 8 * KiB, lengthBytes: KiB });
    expect(outcome.error).toBeInstanceOf(DeviceError);
    expect(outcome.error?.message).toMatch(/^shrunk: read of 1024 bytes at offset 8192 failed: unexpected end of file/);
    await device.close();
  });

  it.skipIf(!existsSync("/dev/full"))("reports ENOSPC from the OS for a write to /dev/full", async () => {
    const device = await FileBlockDevice.open("/dev/full", { name: "full", capacityBytes: 64 * KiB, sectorSizeBytes: SECTOR_BYTES });
    const outcome = await submit(device, write(4 * KiB, Payload.bytes(pseudoRandomBytes(1, KiB))));
    expect(outcome.error).toBeInstanceOf(DeviceError);
    expect(outcome.error?.message).toMatch(/^full: write of 1024 bytes at offset 4096 failed: ENOSPC/);
    await device.close();
  });

  it("refuses to open a missing image, a short image or a bad geometry", async () => {
    const missing = join(directory, "missing.img");
    await expect(FileBlockDevice.open(missing, { capacityBytes: 4 * KiB, sectorSizeBytes: SECTOR_BYTES })).rejects.toThrow(/ENOENT/);
    const short = imagePath();
    await writeFile(short, new Uint8Array(2 * KiB));
    const shortOpen = FileBlockDevice.open(short, { name: "short", capacityBytes: 4 * KiB, sectorSizeBytes: SECTOR_BYTES });
    await expect(shortOpen).rejects.toBeInstanceOf(DeviceError);
    await expect(shortOpen).rejects.toThrow(/^short: .*2048 bytes, less than the capacity of 4096/);
    await expect(FileBlockDevice.open(imagePath(), { capacityBytes: 1000, sectorSizeBytes: SECTOR_BYTES, create: true })).rejects.toBeInstanceOf(DeviceError);
    await expect(FileBlockDevice.open(imagePath(), { capacityBytes: 4 * KiB, sectorSizeBytes: 1000, create: true })).rejects.toBeInstanceOf(DeviceError);
    await expect(FileBlockDevice.open(imagePath(), { capacityBytes: 4 * KiB, sectorSizeBytes: SECTOR_BYTES, queueDepth: 0, create: true })).rejects.toBeInstanceOf(DeviceError);
  });
});
