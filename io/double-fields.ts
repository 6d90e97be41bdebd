/**
 * Makes V8 hold the named number fields of `object` as unboxed doubles from
 * now on, keeping their values, and returns the object.
 *
 * V8 keeps a field first written with a small integer (0, say) as one, for
 * every object of that shape. The first value past 2^30 then changes the
 * shape's field to a double: nanoseconds of simulated time after ~1.07 s,
 * bytes after 1 GiB. Every piece of optimised code that read such an object
 * is thrown away and compiled again, in the middle of a run (99 such
 * deoptimisations in the whole-run bench, the kernel's, the devices' and the
 * runner's hottest functions among them). A double written first makes the
 * field a double once, before any code is compiled for it.
 *
 * A name that is not a field of the object throws: writing it would add a
 * field, and change the shape this is meant to keep.
 */
export function withDoubleFields<T extends object>(object: T, names: readonly string[]): T {
  const fields = object as unknown as Record<string, number>;
  for (const name of names) {
    if (!(name in fields) || typeof fields[name] !== "number") throw new TypeError(`withDoubleFields: ${name} is not a number field of the object`);
    const value = fields[name];
    fields[name] = 0.5;
    fields[name] = value;
  }
  return object;
}
