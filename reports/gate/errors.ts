/**
 * Bad gate input the user can fix: an unreadable or malformed baseline file, a
 * baseline that was made from other scenarios (different content hash or
 * seed), a scenario the baseline does not know, bad flags. The CLI maps it to
 * exit 2 and prints only its message: comparing apples with pears is a usage
 * error, not a regression, and not a bug (so no stack).
 */
export class GateInputError extends Error {
  override readonly name = "GateInputError";
}
