import { describe, expect, it } from "vitest";
import { Payload } from "../../../io/payload.js";
import { SOURCE_ORIGIN_STAMP } from "../../../scenarios/runner/build-devices.js";
import { DataOracle } from "./data-oracle.js";

const SECTOR = 512;
const SOURCE = { kind: "source" } as const;
const PHANTOM = { kind: "phantom", slot: 0 } as const;

/** Sector 0 written with stamp 10, a session started in slot 0, sector 0 rewritten with stamp 11. */
function history(): DataOracle {
  const oracle = new DataOracle(SECTOR);
  oracle.writeAcked(oracle.writeSubmitted(0, SECTOR, 10));
  oracle.sessionAcked(oracle.sessionSubmitted("start", 0));
  oracle.writeAcked(oracle.writeSubmitted(0, SECTOR, 11));
  return oracle;
}

function read(oracle: DataOracle, target: typeof SOURCE | typeof PHANTOM, data: Payload): void {
  oracle.readDone(oracle.readSubmitted(target, 0, data.lengthBytes), data);
}

describe("the random scenarios' data oracle", () => {
  it("accepts the last write from the Source LU and the point in time from the Phantom LU", () => {
    const oracle = history();
    read(oracle, SOURCE, Payload.stamp(11, SECTOR));
    read(oracle, PHANTOM, Payload.stamp(10, SECTOR));
    expect(oracle.firstViolation()).toBeUndefined();
    expect(oracle.readsWithData).toBe(2);
  });

  it("refuses an overwritten value from the Source LU, a later one from the Phantom LU, and the original once written", () => {
    for (const [target, stamp] of [[SOURCE, 10], [PHANTOM, 11], [PHANTOM, SOURCE_ORIGIN_STAMP]] as const) {
      const oracle = history();
      read(oracle, target, Payload.stamp(stamp, SECTOR));
      expect(oracle.firstViolation(), `${target.kind} stamp ${stamp}`).toMatch(/sector 0 holds/);
    }
  });

  it("accepts either value from a read that overlaps a write, and the session's data from the Source LU after a rollback", () => {
    const oracle = history();
    const write = oracle.writeSubmitted(0, SECTOR, 12);
    read(oracle, SOURCE, Payload.stamp(11, SECTOR));
    read(oracle, SOURCE, Payload.stamp(12, SECTOR));
    oracle.writeAcked(write);
    oracle.sessionAcked(oracle.sessionSubmitted("rollback", 0));
    read(oracle, SOURCE, Payload.stamp(10, SECTOR));
    expect(oracle.firstViolation()).toBeUndefined();
    read(oracle, SOURCE, Payload.stamp(12, SECTOR));
    expect(oracle.firstViolation()).toMatch(/host write #12/);
  });
});
