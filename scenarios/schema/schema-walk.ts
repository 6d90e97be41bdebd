/**
 * Finds the schema that governs a key path, following the value being
 * validated through unions (a device's `model`, a workload's `kind`, whether
 * devices are `shared`). The loader uses it to list the keys allowed where an
 * unknown key was found (for "did you mean") and to describe a missing key.
 */
import { z } from "zod";

type KeyPath = ReadonlyArray<string | number>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `option` is the union member `value` was validated against. */
function fits(option: z.ZodType, value: unknown): boolean {
  const schema = unwrap(option, value);
  if (schema instanceof z.ZodArray) return Array.isArray(value);
  if (!(schema instanceof z.ZodObject) || !isPlainObject(value)) return false;
  // Discriminators are the literal-valued keys: the value's must be accepted.
  return Object.entries(schema.shape as Record<string, z.ZodType>).every(([key, field]) => {
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    return !(inner instanceof z.ZodLiteral) || field.safeParse(value[key]).success;
  });
}

/** Through the wrappers that do not change which keys are allowed, to the schema proper. */
function unwrap(start: z.ZodType, value: unknown): z.ZodType {
  let schema: z.ZodType = start;
  for (let depth = 0; depth < 64; depth++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
    else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
    else if (schema instanceof z.ZodLazy) schema = schema.unwrap() as z.ZodType;
    else if (schema instanceof z.ZodUnion) {
      const options = schema.options as readonly z.ZodType[];
      const chosen = options.find((option) => fits(option, value));
      if (chosen === undefined) return schema;
      schema = chosen;
    } else return schema;
  }
  return schema;
}

/** The schema at `path` and the value there, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, rootValue: unknown, path: KeyPath): { schema: z.ZodType; value: unknown } | undefined {
  let schema = root;
  let value = rootValue;
  for (const key of path) {
    const proper = unwrap(schema, value);
    if (proper instanceof z.ZodObject) {
      const field = (proper.shape as Record<string, z.ZodType>)[String(key)];
      if (field === undefined) return undefined;
      schema = field;
    } else if (proper instanceof z.ZodArray) {
      schema = proper.element as z.ZodType;
    } else if (proper instanceof z.ZodRecord) {
      schema = proper.valueType as z.ZodType;
    } else {
      return undefined;
    }
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[String(key)] : undefined;
  }
  return { schema, value };
}

/** The keys an object at `path` may have (empty when there is no object schema there). */
export function allowedKeysAt(root: z.ZodType, rootValue: unknown, path: KeyPath): string[] {
  const found = schemaAt(root, rootValue, path);
  if (found === undefined) return [];
  const proper = unwrap(found.schema, found.value);
  return proper instanceof z.ZodObject ? Object.keys(proper.shape as Record<string, unknown>) : [];
}

function describedBy(schema: z.ZodType): string | undefined {
  let current: z.ZodType = schema;
  // The description may sit on a wrapper (optional) or on what it wraps.
  for (let depth = 0; depth < 8; depth++) {
    if (current.description !== undefined) return current.description;
    if (current instanceof z.ZodOptional || current instanceof z.ZodLazy) current = current.unwrap() as z.ZodType;
    else return undefined;
  }
  return undefined;
}

/** What a missing key at `path` should have held, for "missing required key" messages. */
export function expectationAt(root: z.ZodType, rootValue: unknown, path: KeyPath): string | undefined {
  const found = schemaAt(root, rootValue, path);
  if (found === undefined) return undefined;
  const proper = unwrap(found.schema, found.value);
  if (proper instanceof z.ZodObject) return `an object with keys ${Object.keys(proper.shape as Record<string, unknown>).join(", ")}`;
  if (proper instanceof z.ZodDiscriminatedUnion) {
    const discriminator = proper._zod.def.discriminator;
    // A discriminator that may be left out (devices' `shared`) is not what the object needs: its default form's keys are.
    const plain = (proper.options as readonly z.ZodType[]).find((option) => option instanceof z.ZodObject && ((option.shape as Record<string, z.ZodType>)[discriminator]?.safeParse(undefined).success ?? false));
    if (plain instanceof z.ZodObject) return `an object with keys ${Object.keys(plain.shape as Record<string, unknown>).join(", ")}`;
    const values = [...(proper._zod.propValues[discriminator] ?? [])].filter((value) => value !== undefined);
    return `an object with ${discriminator}: ${values.map((value) => JSON.stringify(value)).join(", ")}`;
  }
  if (proper instanceof z.ZodArray) return "a list";
  if (proper instanceof z.ZodEnum) return `one of ${(proper.options as readonly unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
  if (proper instanceof z.ZodString) return "a string";
  if (proper instanceof z.ZodNumber) {
    const { minValue, maxValue } = proper;
    return minValue !== null && maxValue !== null && Number.isFinite(minValue) && Number.isFinite(maxValue) ? `a number from ${minValue} to ${maxValue}` : "a number";
  }
  // Values read by our own parsers (sizes, times, integers) are best described by their documentation.
  return describedBy(found.schema);
}
