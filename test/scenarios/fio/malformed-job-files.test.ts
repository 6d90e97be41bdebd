/**
 * Job files that cannot be imported: each gives a FioImportError that names
 * the file and the line, says what is wrong and what was expected, and lists
 * every problem of the file at once.
 */
import { describe, expect, it } from "vitest";
import { FioImportError, type FioProblem } from "../../../scenarios/fio/fio-import-error.js";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";

function problemsOf(text: string): FioProblem[] {
  try {
    importFioJobFile(text, "bad.fio");
  } catch (error) {
    if (error instanceof FioImportError) return [...error.problems];
    throw error;
  }
  throw new Error("the job file imported");
}

const CASES: ReadonlyArray<{ readonly what: string; readonly text: string; readonly line: number; readonly says: string }> = [
  { what: "an option before any section", text: "bs=4k\n[job]\nrw=read\n", line: 1, says: 'option "bs" outside of any section' },
  { what: "a section header without ]", text: "[global]\nbs=4k\n[job\nrw=read\n", line: 3, says: "expected ']' at the end of the line" },
  { what: "an empty section header", text: "[]\nrw=read\n", line: 1, says: "empty section header" },
  { what: "an option without a name", text: "[job]\n=4k\n", line: 2, says: "expected an option name before '='" },
  { what: "a line that is not an option", text: "[job]\nrw read\n", line: 2, says: "is not an option name" },
  { what: "an include directive", text: "[job]\ninclude common.fio\n", line: 2, says: "include directives are not supported" },
  { what: "an environment variable", text: "[job]\nsize=${SIZE}\n", line: 2, says: "fio substitutes ${SIZE} from the environment" },
  { what: "a machine keyword", text: "[job]\nsize=$mb_memory\n", line: 2, says: "$mb_memory is the value of the machine fio runs on" },
  { what: "a misspelt option", text: "[job]\nrw=randread\n\niodepht=4\n", line: 4, says: 'unknown fio option "iodepht"; did you mean iodepth?' },
  { what: "an option fio does not have", text: "[job]\nfrobnicate=1\n", line: 2, says: 'unknown fio option "frobnicate"' },
  { what: "an unknown size unit", text: "[job]\nbs=4q\n", line: 2, says: 'unknown unit "q"' },
  { what: "a size that is not a number", text: "[job]\nsize=big\n", line: 2, says: '"big" is not a size' },
  { what: "an arithmetic expression", text: "[job]\nsize=(1+2)*1g\n", line: 2, says: "arithmetic expressions in parentheses are not supported" },
  { what: "fio's ambiguous Ki without B", text: "[job]\nbs=4ki\n", line: 2, says: 'disagree on what "ki" without a B means' },
  { what: "a block size that is not whole sectors (4KiB is 4000 bytes under kb_base=1024)", text: "[job]\nbs=4KiB\n", line: 2, says: "4000 bytes is not a whole number of 512-byte sectors" },
  { what: "an unknown time unit", text: "[job]\ntime_based\nruntime=10x\n", line: 3, says: 'unknown time unit "x"' },
  { what: "a trim workload", text: "[job]\nrw=randtrim\n", line: 2, says: "the simulator has no trim" },
  { what: "an unknown rw value", text: "[job]\nrw=randreed\n", line: 2, says: "did you mean randread?" },
  { what: "an rw offset modifier", text: "[job]\nrw=randread:8\n", line: 2, says: "takes 8 I/Os from each random offset" },
  { what: "a sequential rw with holes", text: "[job]\nrw=write:4k\n", line: 2, says: "skips 4k after every I/O" },
  { what: "bsrange", text: "[job]\nbsrange=1k-4k\n", line: 2, says: "write the range as a bssplit" },
  { what: "verification", text: "[job]\nrw=write\nverify=md5\n", line: 3, says: "verification writes patterns and reads them back" },
  { what: "bssplit percentages above 100", text: "[job]\nbssplit=4k/60:8k/60\n", line: 2, says: "the percentages add to 120, more than 100" },
  { what: "bssplit percentages below 100", text: "[job]\nbssplit=4k/60:8k/30\n", line: 2, says: "the percentages add to 90; expected 100" },
  { what: "a percentage size without the Source LU's capacity", text: "[job]\nsize=20%\n", line: 2, says: "a percentage of the Source LU needs its capacity" },
  { what: "a thinktime_blocks_type fio does not have", text: "[job]\nthinktime=10\nthinktime_blocks_type=batch\n", line: 3, says: "expected complete or issue" },
  { what: "no I/Os between pauses", text: "[job]\nthinktime=10\nthinktime_blocks=0\n", line: 3, says: "at least 1" },
  { what: "thinktime with a rate", text: "[job]\nrate_iops=100\nthinktime=10\n", line: 3, says: "together with a rate (open-loop arrivals) is not supported" },
  { what: "a startdelay range", text: "[job]\nstartdelay=1-5\n", line: 2, says: "a range makes each clone pick a random delay" },
  { what: "an iodepth of 0", text: "[job]\niodepth=0\n", line: 2, says: "expected a whole number of at least 1" },
  { what: "an iodepth deeper than any device's queue", text: "[job]\nioengine=libaio\niodepth=65537\n", line: 3, says: "expected a whole number from 1 to 65536" },
  { what: "more clones than fio itself runs", text: "[job]\nnumjobs=4097\n", line: 2, says: "expected a whole number from 1 to 4096 (fio's own limit on jobs)" },
  { what: "an engine that does no block I/O", text: "[job]\nioengine=net\n", line: 2, says: "this engine sends data over the network" },
  { what: "an unknown engine", text: "[job]\nioengine=libaoi\n", line: 2, says: "unknown fio I/O engine; did you mean libaio?" },
  { what: "an option that needs a value", text: "[job]\nbs=\n", line: 2, says: "bs=: expected a value" },
  { what: "a zipf center, which the model has no place for", text: "[job]\nrw=randread\nrandom_distribution=zipf:1.2:0.25\n", line: 3, says: "a center for zipf is not supported" },
  { what: "an unknown random_distribution", text: "[job]\nrw=randread\nrandom_distribution=gauss:2\n", line: 3, says: 'unknown distribution "gauss"' },
  { what: "only a [global] section", text: "[global]\nrw=read\n", line: 1, says: "no job sections" },
  { what: "a mixed job rating one direction only", text: "[job]\nrw=randrw\nrate_iops=100,\n", line: 3, says: "rates reads but not writes: fio would issue those closed loop" },
  { what: "a periodic fsync", text: "[job]\nrw=write\nfsync=32\n", line: 3, says: "set flushes: {everyHostWrites: N} in the scenario instead" },
  { what: "a queue that drains to iodepth_low", text: "[job]\nioengine=libaio\niodepth=16\niodepth_low=4\n", line: 4, says: "lets the queue drain to 4" },
  { what: "stonewall after a job that ends by size", text: "[a]\nrw=write\nsize=1g\n[b]\nstonewall\nrw=read\n", line: 5, says: 'waits for job "a" to end, but its end is not fixed' },
  { what: "wait_for a job that does not exist", text: "[a]\nrw=write\n[b]\nwait_for=c\n", line: 4, says: "no earlier job has that name" },
  { what: "loops on a job that ends by size", text: "[job]\nrw=write\nsize=1g\nloops=3\n", line: 4, says: "repeats the job" },
  { what: "ramp_time without time_based", text: "[job]\nrw=read\nramp_time=5\n", line: 3, says: "ramp_time is supported only with time_based and a runtime" },
];

describe("malformed job files", () => {
  it.each(CASES)("$what: line $line", ({ text, line, says }) => {
    const problems = problemsOf(text);
    expect(problems, JSON.stringify(problems)).toHaveLength(1);
    expect(problems[0]).toMatchObject({ fileName: "bad.fio", line });
    expect(problems[0]?.message).toContain(says);
  });

  it("lists every problem of the file at once, in line order, each with file:line", () => {
    const text = ["[global]", "ioengine=libaio", "iodepht=8", "", "[first]", "rw=trim", "verify=crc32c", "", "[second]", "bs=4q", "exitall", ""].join("\n");
    let error: unknown;
    try {
      importFioJobFile(text, "many.fio");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FioImportError);
    const importError = error as FioImportError;
    expect(importError.fileName).toBe("many.fio");
    expect(importError.problems.map((problem) => problem.line)).toEqual([3, 6, 7, 10, 11]);
    const lines = importError.message.split("\n");
    expect(lines[0]).toBe("cannot import fio job file many.fio (5 problems):");
    expect(lines[1]).toBe('  many.fio:3:1: unknown fio option "iodepht"; did you mean iodepth?');
    expect(lines[2]).toMatch(/^ {2}many\.fio:6:4: rw=trim: the simulator has no trim/);
  });

  it("reports syntax problems together with option problems", () => {
    const problems = problemsOf("[job\nrw=read\n[ok]\nrw=trim\nbs=4q\n");
    expect(problems.map((problem) => problem.line)).toEqual([1, 4, 5]);
  });

  it("reports a [global] problem once, however many jobs inherit it", () => {
    const problems = problemsOf("[global]\nrw=randrw:4\n[a]\n[b]\n[c]\n");
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(2);
  });

  it("is a typed error that callers can tell from others", () => {
    expect(() => importFioJobFile("[job]\nrw=trim\n", "t.fio")).toThrow(FioImportError);
    expect(() => importFioJobFile("[job]\nrw=trim\n", "t.fio")).toThrow(/t\.fio:2:4: rw=trim/);
  });

  it("gives the column of the value a problem is about, or of the option or header when the value is not the problem", () => {
    const problems = problemsOf("[global]\n\t bs =  4q\n  iodepht=4\n[job\nrw=read\n[ok]\n");
    expect(problems.map((problem) => [problem.line, problem.column])).toEqual([
      [2, 9],
      [3, 3],
      [4, 1],
    ]);
    expect(() => importFioJobFile("[job]\n  rw = randreed\n", "c.fio")).toThrow(/c\.fio:2:8: rw=randreed: expected read/);
  });
});
