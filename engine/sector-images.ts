import { integerMapFor, type IntegerKeyedMap } from "../io/direct-integer-map.js";

/**
 * Per image, a row of 8 words (32 bytes, two rows to a cache line: a note
 * and the patch after it read one line): the live sessions' generation it
 * was encoded for, the number of changes noted (or WHOLE), and the parts
 * that changed.
 */
const ROW_WORDS = 8;
const GENERATION = 0;
const CHANGE_COUNT = 1;
const FIRST_CHANGE = 2;
/** Parts of an image noted as changed before the image is encoded whole again instead of patched. */
const MAX_CHANGES = ROW_WORDS - FIRST_CHANGE;
/** The change count of an image that must be encoded whole: more changes were noted than MAX_CHANGES. */
const WHOLE = 0xffffffff;
/** A page holds at most this many bytes of images; the last page grows, doubling, up to it. */
const MAX_PAGE_BYTES = 1 << 20;
/**
 * The first page's size in images: an engine that writes a sector or two
 * (a crash campaign mounts thousands) costs next to nothing. With 16, the
 * dirty-region-log campaign ran 3% more instructions (zeroing each mount's
 * 8 KiB page, and the collections its memory brought on); with 1, 0.2%.
 */
const FIRST_PAGE_IMAGES = 1;

/**
 * The last encoding of each map sector the engine wrote, and which of its
 * entries memory changed since. The next write of the sector patches those
 * entries into the image (see patchMapEntry) rather than encoding the sector
 * whole: a copy on first write changes one entry, and encoding the sector
 * whole read every entry of its ChunkMap group (most of them not in the
 * processor's caches) and ran a CRC-32 over the whole sector. The class
 * knows sectors and numbered parts, not what they mean.
 *
 * An image is valid for one generation of the live sessions (see
 * Sessions.generation): every entry depends on them, so an image of another
 * generation is encoded whole again. A sector with more changes noted than
 * its image keeps is encoded whole, and stays so until the generation
 * changes (see keep).
 */
export class SectorImages {
  /** Sector -> image number. */
  private readonly numbers: IntegerKeyedMap;
  private readonly imagesPerPage: number;
  private readonly pages: Uint8Array[] = [];
  /** The images' rows (see ROW_WORDS). */
  private rows = new Uint32Array(FIRST_PAGE_IMAGES * ROW_WORDS);
  /** touch()'s image numbers, one per sector. */
  private touchImages = new Int32Array(0);

  /** `sectorCount` bounds the sector numbers (a direct table where it is small enough, see integerMapFor). */
  constructor(
    readonly sectorSizeBytes: number,
    sectorCount: number,
  ) {
    this.numbers = integerMapFor(sectorCount);
    this.imagesPerPage = Math.max(1, Math.floor(MAX_PAGE_BYTES / sectorSizeBytes));
  }

  /** How many sectors have an image. */
  get size(): number {
    return this.numbers.size;
  }

  /** Notes that part `part` of `sector` changed in memory; nothing when the sector has no image yet. */
  noteChange(sector: number, part: number): void {
    if (this.numbers.size === 0) return;
    const image = this.numbers.get(sector);
    if (image < 0) return;
    const rows = this.rows;
    const row = image * ROW_WORDS;
    const count = rows[row + CHANGE_COUNT]!;
    if (count === WHOLE) return;
    for (let i = 0; i < count; i++) if (rows[row + FIRST_CHANGE + i] === part) return;
    if (count === MAX_CHANGES) rows[row + CHANGE_COUNT] = WHOLE;
    else {
      rows[row + FIRST_CHANGE + count] = part;
      rows[row + CHANGE_COUNT] = count + 1;
    }
  }

  /**
   * The image of `sector` if it may be patched (encoded for `generation`,
   * with its changes noted), else -1: the caller then encodes the sector
   * whole and keeps it (see keep). Generations are compared modulo 2^32.
   */
  patchable(sector: number, generation: number): number {
    const image = this.numbers.get(sector);
    if (image < 0) return -1;
    const row = image * ROW_WORDS;
    if (this.rows[row + CHANGE_COUNT] === WHOLE || this.rows[row + GENERATION] !== generation >>> 0) return -1;
    return image;
  }

  /** How many parts of `image` changed, and the i-th of them. */
  changeCount(image: number): number {
    return this.rows[image * ROW_WORDS + CHANGE_COUNT]!;
  }

  changedPart(image: number, i: number): number {
    return this.rows[image * ROW_WORDS + FIRST_CHANGE + i]!;
  }

  /**
   * The bytes of `image`, to patch or copy: a view, made on each call. Views
   * kept per image instead (~70,000 in a whole run) allocated less and ran
   * no fewer instructions.
   */
  bytes(image: number): Uint8Array {
    const page = this.pages[Math.floor(image / this.imagesPerPage)]!;
    const at = (image % this.imagesPerPage) * this.sectorSizeBytes;
    return page.subarray(at, at + this.sectorSizeBytes);
  }

  /**
   * Reads, for each of the first `count` sectors that has an image, its row,
   * its image's first byte (the frame, whose check bits a patch changes) and
   * the first and last byte of the `partBytes` at `offsetsBytes[i]` in it,
   * and returns a number made of what it read so that the reads are not
   * optimised away. Changes nothing. A copy on first write patches a random
   * map sector's image, which is not in the processor's caches; these reads
   * are independent of one another, so the processor overlaps their misses
   * (see CofwEngine.prefetch). Both ends of the part: pages are only as
   * aligned as malloc makes them (16 bytes), so a 32-byte map entry may lie
   * across two cache lines (the whole run's rest 3,430 ms against 3,489,
   * medians of twelve side by side).
   */
  touch(sectors: ArrayLike<number>, offsetsBytes: ArrayLike<number>, count: number, partBytes: number): number {
    if (this.numbers.size === 0) return 0;
    if (this.touchImages.length < count) this.touchImages = new Int32Array(count);
    const images = this.touchImages;
    for (let i = 0; i < count; i++) images[i] = this.numbers.get(sectors[i]!);
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const image = images[i]!;
      if (image < 0) continue;
      const page = this.pages[Math.floor(image / this.imagesPerPage)]!;
      const at = (image % this.imagesPerPage) * this.sectorSizeBytes;
      const partAt = at + offsetsBytes[i]!;
      sum += this.rows[image * ROW_WORDS]! + page[at]! + page[partAt]! + page[partAt + partBytes - 1]!;
    }
    return sum;
  }

  /** `image` was patched with every change noted: it is what a whole encoding gives now. */
  patched(image: number): void {
    this.rows[image * ROW_WORDS + CHANGE_COUNT] = 0;
  }

  /**
   * Keeps `encoded`, the whole encoding of `sector` for `generation`, as its
   * image, unless the sector's image overflowed (more changes than it
   * keeps) in this same generation: such a sector is written in bursts (a
   * run of neighbouring chunks copied together, or a commit policy that
   * writes map sectors back late), and is encoded whole from then on until
   * the sessions change. With its image kept at every whole encoding, the
   * bench's sequential first writes ran 35.7k instructions each; with this,
   * 34.9k (33.7k before map sectors had images).
   */
  keep(sector: number, generation: number, encoded: Uint8Array): void {
    let image = this.numbers.get(sector);
    if (image < 0) image = this.add(sector);
    else if (this.rows[image * ROW_WORDS + CHANGE_COUNT] === WHOLE && this.rows[image * ROW_WORDS + GENERATION] === generation >>> 0) return;
    // Copied in place, without making a view of the image.
    this.pages[Math.floor(image / this.imagesPerPage)]!.set(encoded, (image % this.imagesPerPage) * this.sectorSizeBytes);
    this.rows[image * ROW_WORDS + GENERATION] = generation;
    this.rows[image * ROW_WORDS + CHANGE_COUNT] = 0;
  }

  /** A new image for `sector`, numbered in order, with room for its bytes and row. */
  private add(sector: number): number {
    const image = this.numbers.size;
    this.numbers.set(sector, image);
    const pageIndex = Math.floor(image / this.imagesPerPage);
    const within = image % this.imagesPerPage;
    const page = this.pages[pageIndex];
    const neededBytes = (within + 1) * this.sectorSizeBytes;
    if (page === undefined || page.length < neededBytes) {
      // The first page starts small and doubles until it holds imagesPerPage images; later pages are made whole (an
      // engine that filled one page goes on writing sectors).
      const images = page === undefined ? (pageIndex === 0 ? FIRST_PAGE_IMAGES : this.imagesPerPage) : 2 * (page.length / this.sectorSizeBytes);
      const grown = new Uint8Array(Math.min(this.imagesPerPage, images) * this.sectorSizeBytes);
      if (page !== undefined) grown.set(page);
      this.pages[pageIndex] = grown;
    }
    if ((image + 1) * ROW_WORDS > this.rows.length) {
      const rows = new Uint32Array(2 * this.rows.length);
      rows.set(this.rows);
      this.rows = rows;
    }
    return image;
  }
}
