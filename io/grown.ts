/** `larger` with `old`'s contents at its start: how the typed-array columns of the engine and the simulator grow. */
export function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(old: T, larger: T): T {
  larger.set(old as never);
  return larger;
}
