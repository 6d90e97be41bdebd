/**
 * The text form of a script's operations, one string per operation, so a
 * shrunk crash case reads like a transcript:
 *
 *   write 256KiB 4KiB     host write: offset, length (sizes take units)
 *   read 0 4k             host read of the Source LU
 *   flush                 host flush
 *   start 0 | stop 0 | replace 0 | rollback 0    session operation on a slot
 *
 * Parsing checks only the form; whether an address fits the Source LU is
 * checked with the devices (normalize.ts).
 */
import { SESSION_SLOTS } from "../../engine/index.js";
import type { ScriptOp, SessionAction } from "../model.js";
import { suggestKey } from "./problems.js";
import { describeValue, formatSize, parseSizeBytes, UnitError } from "./units.js";

export const SCRIPT_OP_EXPECTED = `"write <offset> <length>", "read <offset> <length>", "flush", or "start|stop|replace|rollback <slot 0-${SESSION_SLOTS - 1}>"`;
const SESSION_ACTIONS: readonly SessionAction[] = ["start", "stop", "replace", "rollback"];

export function parseScriptOp(value: unknown): ScriptOp {
  const found = describeValue(value);
  if (typeof value !== "string") throw new UnitError("not a script operation", SCRIPT_OP_EXPECTED, found);
  const [verb, ...args] = value.trim().split(/\s+/);
  const arity = (count: number) => {
    if (args.length !== count) throw new UnitError(`"${verb}" takes ${count === 0 ? "no arguments" : count === 1 ? "one argument" : `${count} arguments`}, found ${args.length}`, SCRIPT_OP_EXPECTED, found);
  };
  if (verb === "read" || verb === "write") {
    arity(2);
    const size = (text: string, what: string) => {
      try {
        return parseSizeBytes(text);
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        throw new UnitError(`${verb}'s ${what}: ${error.problem}`, error.expected, found);
      }
    };
    const offsetBytes = size(args[0]!, "offset");
    const lengthBytes = size(args[1]!, "length");
    if (lengthBytes === 0) throw new UnitError(`${verb}'s length is zero`, "a length above 0", found);
    return { kind: verb, offsetBytes, lengthBytes };
  }
  if (verb === "flush") {
    arity(0);
    return { kind: "flush" };
  }
  const action = SESSION_ACTIONS.find((candidate) => candidate === verb);
  if (action !== undefined) {
    arity(1);
    const slot = Number(args[0]);
    if (!/^\d+$/.test(args[0]!) || slot >= SESSION_SLOTS) throw new UnitError(`"${verb}" needs a session slot`, `a slot from 0 to ${SESSION_SLOTS - 1}`, found);
    return { kind: "session", action, slot };
  }
  const suggestion = suggestKey(verb ?? "", ["read", "write", "flush", ...SESSION_ACTIONS]);
  throw new UnitError(`unknown script operation "${verb ?? ""}"${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`, SCRIPT_OP_EXPECTED, found);
}

/** The inverse of parseScriptOp (parseScriptOp(formatScriptOp(op)) equals op). */
export function formatScriptOp(op: ScriptOp): string {
  if (op.kind === "flush") return "flush";
  if (op.kind === "session") return `${op.action} ${op.slot}`;
  return `${op.kind} ${formatSize(op.offsetBytes)} ${formatSize(op.lengthBytes)}`;
}
