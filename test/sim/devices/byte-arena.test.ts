import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteArena } from "../../../sim/devices/byte-arena.js";

const PAGE_BYTES = 64 * 1024;
/** Sizes of every class, some just past a power of two, so blocks of many sizes interleave and leave alignment gaps. */
const lengthArbitrary = fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom(512, 4096, 4097, 32 * 1024 + 1, 64 * 1024), fc.integer({ min: 1, max: 64 * 1024 }));
const commandArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("allocate" as const), lengthBytes: lengthArbitrary, fill: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("overwrite" as const), pick: fc.nat(), fill: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("copy" as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clone" as const) }) },
);

interface Block {
  readonly offset: number;
  readonly lengthBytes: number;
  bytes: Uint8Array;
}

/** Bytes that tell blocks and writes apart: `fill` then a running count. */
function patterned(lengthBytes: number, fill: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = (fill + i) & 255;
  return bytes;
}

/** The arena holds `block`'s bytes; compared as buffers (toEqual walks a 64 KiB array element by element, for seconds). */
function expectBytes(arena: ByteArena, block: Block): void {
  expect(Buffer.from(arena.copyOut(block.offset, block.lengthBytes)).equals(block.bytes), `bytes of the block of ${block.lengthBytes} at ${block.offset}`).toBe(true);
}

describe("ByteArena against the blocks it handed out", () => {
  it("keeps every live block's bytes through allocations, releases, overwrites, copies and clones; blocks never overlap or span pages", () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 120 }), (commands) => {
        let arena = new ByteArena();
        let live: Block[] = [];
        /** A clone taken along the way and the blocks as they were then: later changes must not reach it. */
        let frozen: { arena: ByteArena; live: Block[] } | undefined;
        for (const command of commands) {
          if (command.op === "allocate") {
            const offset = arena.allocate(command.lengthBytes);
            const bytes = patterned(command.lengthBytes, command.fill);
            arena.set(offset, bytes);
            live.push({ offset, lengthBytes: command.lengthBytes, bytes });
          } else if (command.op === "release" && live.length > 0) {
            const [block] = live.splice(command.pick % live.length, 1);
            arena.release(block!.offset, block!.lengthBytes);
          } else if (command.op === "overwrite" && live.length > 0) {
            const block = live[command.pick % live.length]!;
            block.bytes = patterned(block.lengthBytes, command.fill);
            arena.set(block.offset, block.bytes);
          } else if (command.op === "copy" && live.length > 0) {
            // As the content store splits an extent: a new block takes part of an old one's bytes.
            const from = live[command.from % live.length]!;
            const lengthBytes = Math.max(1, Math.min(from.lengthBytes, 1 + (command.to % from.lengthBytes)));
            const offset = arena.allocate(lengthBytes);
            arena.copyWithin(offset, from.offset, lengthBytes);
            live.push({ offset, lengthBytes, bytes: from.bytes.slice(0, lengthBytes) });
          } else if (command.op === "clone") {
            frozen = { arena, live: live.map((block) => ({ ...block })) };
            arena = arena.clone();
            live = live.map((block) => ({ ...block }));
          }
        }
        const sorted = [...live].sort((a, b) => a.offset - b.offset);
        for (let i = 0; i < sorted.length; i++) {
          const block = sorted[i]!;
          const blockBytes = Math.max(16, 2 ** Math.ceil(Math.log2(block.lengthBytes)));
          expect(block.offset % blockBytes, `block of ${block.lengthBytes} at ${block.offset} is aligned to its size`).toBe(0);
          expect(Math.floor(block.offset / PAGE_BYTES)).toBe(Math.floor((block.offset + blockBytes - 1) / PAGE_BYTES));
          if (i > 0) expect(block.offset).toBeGreaterThanOrEqual(sorted[i - 1]!.offset + sorted[i - 1]!.lengthBytes);
          expectBytes(arena, block);
        }
        if (frozen !== undefined) for (const block of frozen.live) expectBytes(frozen.arena, block);
      }),
      { numRuns: 200 },
    );
  });

  it("reuses a released block of the same size before growing", () => {
    const arena = new ByteArena();
    const first = arena.allocate(512);
    arena.allocate(512);
    arena.release(first, 512);
    expect(arena.allocate(300)).toBe(first);
  });
});
