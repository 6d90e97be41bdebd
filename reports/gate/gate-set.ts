/**
 * The shipped scenarios `cofwsim gate` runs when none is named: three that
 * each finish in well under a second and between them cover the write path
 * with two sessions (quickstart), a Cache LU that fills up and terminates
 * sessions (cache-fills-up) and Phantom LU reads beside host writes on flash
 * with write caches (backup-phantom-read). File names in the shipped scenarios
 * folder; the one place the set is defined.
 */
export const GATE_SCENARIO_FILES: readonly string[] = ["quickstart.yaml", "cache-fills-up.yaml", "backup-phantom-read.yaml"];
