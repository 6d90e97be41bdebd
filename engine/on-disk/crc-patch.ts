/**
 * Keeping a sector's CRC-32 (zlib's: reflected, polynomial 0xEDB88320) right
 * as a few of its bytes change, without hashing the sector again.
 *
 * CRC-32 is affine in the message: for two messages of one length,
 * crc(a) ^ crc(b) is the register left by the difference a ^ b run through
 * the CRC from a zero register with no final XOR. When the difference is
 * zero but for a run of bytes at `at`, that register is the run's own
 * (leading zeros leave a zero register as it is) carried through the
 * `length - at - runLength` zero bytes after it, which is a multiplication
 * by x^(8 * zeros) modulo the polynomial. A map entry is 32 bytes of a 512-
 * or 4,096-byte sector: hashing those bytes and one multiplication costs a
 * fraction of a pass over the sector (see SectorImages).
 */

const POLYNOMIAL = 0xedb88320;

/** The byte-at-a-time table of the reflected CRC-32. */
const BYTE_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * a * b modulo the polynomial, both in the reflected representation (x^0 is
 * bit 31). Without branches: a branch on each bit of `a` mispredicted about
 * half the time, and made this most of a patch's cost.
 */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let bit = 31; bit >= 0; bit--) {
    product ^= b & -((a >>> bit) & 1);
    b = (b >>> 1) ^ (POLYNOMIAL & -(b & 1));
  }
  return product >>> 0;
}

/** Per message length, x^(8z) modulo the polynomial for z = 0..length: what carrying a register through z zero bytes multiplies it by. */
const zeroByteShifts = new Map<number, Int32Array>();

/** The length and table of the last lookup: an engine's sectors are all of one length. */
let lastLengthBytes = -1;
let lastShifts: Int32Array = new Int32Array(0);

function zeroByteShiftsFor(lengthBytes: number): Int32Array {
  if (lengthBytes === lastLengthBytes) return lastShifts;
  let shifts = zeroByteShifts.get(lengthBytes);
  if (shifts === undefined) shifts = computeZeroByteShifts(lengthBytes);
  lastLengthBytes = lengthBytes;
  lastShifts = shifts;
  return shifts;
}

function computeZeroByteShifts(lengthBytes: number): Int32Array {
  const shifts = new Int32Array(lengthBytes + 1);
  // x^8: a register carried through one zero byte; x^0 is bit 31 in the reflected representation.
  let xToThe8 = 0x80000000;
  for (let k = 0; k < 8; k++) xToThe8 = xToThe8 & 1 ? (xToThe8 >>> 1) ^ POLYNOMIAL : xToThe8 >>> 1;
  shifts[0] = 0x80000000 | 0;
  for (let z = 1; z <= lengthBytes; z++) shifts[z] = multiplyModP(xToThe8, shifts[z - 1]! >>> 0);
  zeroByteShifts.set(lengthBytes, shifts);
  return shifts;
}

/**
 * Change of a `lengthBytes`-long message's CRC-32 when the bytes at
 * `atBytes` change by `runRegister`, the register their XOR difference left
 * (see crcRegisterStepU32), the run ending `runLengthBytes` after `atBytes`.
 */
export function crcChange(lengthBytes: number, atBytes: number, runLengthBytes: number, runRegister: number): number {
  if (runRegister === 0) return 0;
  return multiplyModP(zeroByteShiftsFor(lengthBytes)[lengthBytes - atBytes - runLengthBytes]! >>> 0, runRegister >>> 0);
}

/** The register after four more bytes of difference, a little-endian u32. */
export function crcRegisterStepU32(register: number, word: number): number {
  let c = register ^ word;
  c = BYTE_TABLE[c & 0xff]! ^ (c >>> 8);
  c = BYTE_TABLE[c & 0xff]! ^ (c >>> 8);
  c = BYTE_TABLE[c & 0xff]! ^ (c >>> 8);
  return BYTE_TABLE[c & 0xff]! ^ (c >>> 8);
}
