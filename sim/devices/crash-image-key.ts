import * as crypto from "node:crypto";
import type { Payload, Segment } from "../../io/payload.js";
import { isAllZero } from "../../io/all-zero.js";
import type { ContentView } from "./content-store.js";
import { checkSurvivors, forEachLanding, landingStartAt, type LandingStart, type Tear } from "./crash-image.js";
import type { WriteLogView } from "./write-log.js";

/**
 * A key of a crash image's content computed without building the image:
 * two images get the same key exactly when reads return the same content
 * everywhere (with ContentStore.contentHash's notion of equal: zero segments
 * equal zero bytes, stamps never equal real bytes), up to SHA-256 collisions,
 * like contentHash. The key is not contentHash's string.
 *
 * Writes are sector-aligned, so an image is its sectors: each sector holds
 * the initial content or a sector of the last write landed on it. Sectors no
 * logged write touches hold the initial content in every image and are left
 * out. Each distinct sector content gets a small id once per log (its
 * canonical form interned), so a state costs one pass over the landing order
 * and a hash of one id per touched sector, not a clone of the contents and a
 * hash of every byte: the crash campaign keys every state it generates and
 * checks only a third of them.
 */
export class CrashImageKeyer {
  readonly sectorSizeBytes: number;
  /** Writes in the log when this was built; a keyer of a log that grew since is stale. */
  readonly writeCount: number;
  /** Per write: the dense index of its first sector (its sectors are consecutive in dense order). */
  private readonly denseStart: Int32Array;
  /** Per write: the content id of each of its sectors, worked out on first landing. */
  private readonly writeContent: Array<Int32Array | undefined>;
  /** Per touched sector, in address order: the content id of the initial contents there. */
  private readonly initialContent: Int32Array;
  /** The image being keyed, reused from state to state. */
  private readonly scratch: Int32Array;
  private readonly ids = new Map<string, number>();
  /** The last crash point keyed (see Prefix). */
  private prefix: Prefix | undefined;

  constructor(
    private readonly log: WriteLogView,
    initial: ContentView,
  ) {
    this.sectorSizeBytes = log.sectorSizeBytes;
    this.writeCount = log.writes.length;
    const ranges = this.touchedRanges();
    this.denseStart = new Int32Array(this.writeCount);
    for (const record of log.writes) this.denseStart[record.writeId] = denseIndex(ranges, record.offsetBytes / this.sectorSizeBytes);
    const touched = ranges.length === 0 ? 0 : ranges[ranges.length - 1]!.dense + ranges[ranges.length - 1]!.sectors;
    this.initialContent = new Int32Array(touched);
    for (const range of ranges) {
      const contents = initial.read(range.firstSector * this.sectorSizeBytes, range.sectors * this.sectorSizeBytes);
      this.initialContent.set(this.sectorIds(contents), range.dense);
    }
    this.writeContent = new Array<Int32Array | undefined>(this.writeCount);
    this.scratch = new Int32Array(touched);
  }

  /** The key of buildCrashImage(log, initial, crashPoint, survivingPendingIds, tear), checked the same way. */
  key(crashPoint: number, survivingPendingIds: ReadonlySet<number>, tear?: Tear): string {
    const prefix = this.prefixAt(crashPoint);
    // A crash state pairs every subset of one device's pending writes with every subset of the
    // other's, so the same survivors come back many times at a point: their key is kept.
    let signature = "";
    for (const writeId of survivingPendingIds) signature += `${writeId},`;
    if (tear !== undefined) signature += `t${tear.writeId}:${tear.keptSectors.join(",")}`;
    let key = prefix.keys.get(signature);
    if (key === undefined) prefix.keys.set(signature, (key = this.computeKey(crashPoint, prefix, survivingPendingIds, tear)));
    return key;
  }

  private computeKey(crashPoint: number, prefix: Prefix, survivingPendingIds: ReadonlySet<number>, tear: Tear | undefined): string {
    checkSurvivors(this.log, crashPoint, survivingPendingIds, tear);
    const image = this.scratch;
    image.set(prefix.image);
    forEachLanding(this.log, crashPoint, survivingPendingIds, (record) => {
      const content = this.contentOf(record.writeId);
      const start = this.denseStart[record.writeId]!;
      if (tear !== undefined && tear.writeId === record.writeId) {
        for (const sector of tear.keptSectors) image[start + sector] = content[sector]!;
      } else {
        image.set(content, start);
      }
    }, prefix.start);
    return sha256(image);
  }

  private prefixAt(crashPoint: number): Prefix {
    if (this.prefix?.crashPoint !== crashPoint) {
      // An earlier point's prefix is a prefix of this one's (durability only grows): continue from it.
      const earlier = this.prefix !== undefined && this.prefix.crashPoint < crashPoint ? this.prefix : undefined;
      const start = landingStartAt(this.log, crashPoint, earlier?.start);
      const image = (earlier?.image ?? this.initialContent).slice();
      for (let rank = earlier?.start.completionRank ?? 0; rank < start.completionRank; rank++) {
        const writeId = this.log.completions[rank]!;
        image.set(this.contentOf(writeId), this.denseStart[writeId]!);
      }
      this.prefix = { crashPoint, image, start, keys: new Map() };
    }
    return this.prefix;
  }

  private contentOf(writeId: number): Int32Array {
    let content = this.writeContent[writeId];
    if (content === undefined) {
      content = this.sectorIds(this.log.write(writeId).payload);
      this.writeContent[writeId] = content;
    }
    return content;
  }

  /**
   * The content id of each sector of `payload` (a whole number of sectors).
   * A payload of one stamp (a host write, the initial contents of a Source
   * LU range, or a copy of a chunk that no write or one whole write
   * touched: most of them) has its sectors' canonical forms written out (stampForm,
   * as canonicalSector gives them), rather than cut out of it one by one:
   * a campaign's first key interned a million sectors so, most of its first
   * second.
   */
  private sectorIds(payload: Payload): Int32Array {
    const sectorBytes = this.sectorSizeBytes;
    const ids = new Int32Array(payload.lengthBytes / sectorBytes);
    const only = payload.segments.length === 1 ? payload.segments[0]! : undefined;
    if (only?.kind === "stamp") {
      for (let i = 0; i < ids.length; i++) ids[i] = this.idOfForm(stampForm(sectorBytes, only.stamp, only.stampOffsetBytes + i * sectorBytes));
    } else {
      for (let i = 0; i < ids.length; i++) ids[i] = this.contentId(payload.slice(i * sectorBytes, sectorBytes).segments);
    }
    return ids;
  }

  private contentId(segments: readonly Segment[]): number {
    return this.idOfForm(canonicalSector(segments));
  }

  private idOfForm(form: string): number {
    let id = this.ids.get(form);
    if (id === undefined) this.ids.set(form, (id = this.ids.size));
    return id;
  }

  /** The sectors any logged write touches, as maximal ranges in address order, each with the dense index of its first sector. */
  private touchedRanges(): TouchedRange[] {
    const spans: Array<[number, number]> = [];
    for (const record of this.log.writes) {
      const { offsetBytes } = record;
      const lengthBytes = record.payload.lengthBytes;
      if (offsetBytes % this.sectorSizeBytes !== 0 || lengthBytes % this.sectorSizeBytes !== 0) {
        throw new Error(`write ${record.writeId} of ${lengthBytes} bytes at ${offsetBytes} is not sector-aligned (${this.sectorSizeBytes}-byte sectors)`);
      }
      if (lengthBytes > 0) spans.push([offsetBytes / this.sectorSizeBytes, (offsetBytes + lengthBytes) / this.sectorSizeBytes]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    const ranges: TouchedRange[] = [];
    let dense = 0;
    for (const [first, end] of spans) {
      const last = ranges[ranges.length - 1];
      if (last !== undefined && first <= last.firstSector + last.sectors) {
        const grownBy = Math.max(0, end - (last.firstSector + last.sectors));
        last.sectors += grownBy;
        dense += grownBy;
      } else {
        ranges.push({ firstSector: first, sectors: end - first, dense });
        dense += end - first;
      }
    }
    return ranges;
  }
}

/**
 * SHA-256 in base64. The one-shot crypto.hash (Node 20.12+) costs a third
 * less than a Hash object on these few-KiB inputs, and a campaign hashes two
 * per state; the same digest either way.
 */
const sha256: (data: Int32Array) => string =
  typeof crypto.hash === "function" ? (data) => crypto.hash("sha256", data, "base64") : (data) => crypto.createHash("sha256").update(data).digest("base64");

/**
 * What the keyer keeps of the last crash point keyed: the image after the
 * writes that land first in every one of its states, where landing
 * continues, and the keys worked out there by survivors (and tear). A
 * campaign keys a point's states one after another, and most of an image is
 * that prefix.
 */
interface Prefix {
  readonly crashPoint: number;
  readonly image: Int32Array;
  readonly start: LandingStart;
  readonly keys: Map<string, string>;
}

interface TouchedRange {
  readonly firstSector: number;
  sectors: number;
  /** Dense index of firstSector: touched sectors before this range. */
  readonly dense: number;
}

function denseIndex(ranges: readonly TouchedRange[], sector: number): number {
  let low = 0;
  let high = ranges.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (ranges[middle]!.firstSector <= sector) low = middle;
    else high = middle - 1;
  }
  const range = ranges[low]!;
  return range.dense + sector - range.firstSector;
}

/**
 * A sector's content in a canonical, prefix-free form: zeros and real bytes
 * together as materialised bytes (all zeros as just a length), each maximal
 * run of one stamp at consecutive offsets as stamp, offset and length. Equal
 * exactly when reads of the sectors are equal in contentHash's sense.
 */
export function canonicalSector(segments: readonly Segment[]): string {
  let form = "";
  let plain: Segment[] = [];
  let stamp: { stamp: number; offsetBytes: number; lengthBytes: number } | undefined;
  const endPlain = (): void => {
    if (plain.length === 0) return;
    form += plainForm(plain);
    plain = [];
  };
  const endStamp = (): void => {
    if (stamp === undefined) return;
    form += stampForm(stamp.lengthBytes, stamp.stamp, stamp.offsetBytes);
    stamp = undefined;
  };
  for (const segment of segments) {
    if (segment.lengthBytes === 0) continue;
    if (segment.kind === "stamp") {
      endPlain();
      if (stamp !== undefined && stamp.stamp === segment.stamp && stamp.offsetBytes + stamp.lengthBytes === segment.stampOffsetBytes) {
        stamp.lengthBytes += segment.lengthBytes;
      } else {
        endStamp();
        stamp = { stamp: segment.stamp, offsetBytes: segment.stampOffsetBytes, lengthBytes: segment.lengthBytes };
      }
    } else {
      endStamp();
      plain.push(segment);
    }
  }
  endPlain();
  endStamp();
  return form;
}

/** A run of one stamp at consecutive offsets, in canonicalSector's form. */
function stampForm(lengthBytes: number, stamp: number, offsetBytes: number): string {
  return `s${lengthBytes}:${stamp}:${offsetBytes};`;
}

/** Zeros and real bytes next to each other: their length, then their bytes unless all are zero. */
function plainForm(plain: readonly Segment[]): string {
  let lengthBytes = 0;
  let allZero = true;
  for (const segment of plain) {
    lengthBytes += segment.lengthBytes;
    if (segment.kind === "bytes" && allZero) allZero = isAllZero(segment.bytes);
  }
  if (allZero) return `z${lengthBytes};`;
  const bytes = new Uint8Array(lengthBytes);
  let position = 0;
  for (const segment of plain) {
    if (segment.kind === "bytes") bytes.set(segment.bytes, position);
    position += segment.lengthBytes;
  }
  return `b${lengthBytes}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")}`;
}
