/**
 * Input files must be UTF-8: Node's own "utf8" reading would turn a byte
 * that is not into U+FFFD and go on, changing a name or a path silently.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { FioImportError } from "../../scenarios/fio/fio-import-error.js";
import { readFioJobFile } from "../../scenarios/fio/read-job-file.js";
import { loadScenarioFile } from "../../scenarios/schema/load.js";
import { readUtf8File, readUtf8Lines } from "../../scenarios/text-file.js";
import { TraceSourceError, traceSource } from "../../scenarios/traces/index.js";
import { FIXTURES } from "./traces/samples.js";

const dir = mkdtempSync(join(tmpdir(), "cofwsim-utf8-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, ...parts: Array<string | number[]>): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(part)))));
  return path;
}

describe("readUtf8File", () => {
  it("reads UTF-8, multi-byte characters included", () => {
    expect(readUtf8File(file("ok.txt", "naïve µs ✓ 𝄞\n"))).toEqual({ text: "naïve µs ✓ 𝄞\n" });
  });

  it("finds the first byte that is not UTF-8, by line and column (a multi-byte character is one column)", () => {
    expect(readUtf8File(file("latin1.txt", "line one\nµ=", [0xe9], "t\n"))).toEqual({ notUtf8: { line: 2, column: 3, byte: 0xe9 } });
    // An overlong encoding, a UTF-16 surrogate and a sequence the file ends inside are not UTF-8 either.
    expect(readUtf8File(file("overlong.txt", "a", [0xc0, 0x80]))).toEqual({ notUtf8: { line: 1, column: 2, byte: 0xc0 } });
    expect(readUtf8File(file("surrogate.txt", [0xed, 0xa0, 0x80]))).toEqual({ notUtf8: { line: 1, column: 1, byte: 0xed } });
    expect(readUtf8File(file("cut.txt", "ab", [0xe2, 0x9c]))).toEqual({ notUtf8: { line: 1, column: 3, byte: 0xe2 } });
  });
});

describe("readUtf8Lines", () => {
  // Past the 8 MiB it reads at a time, with a line longer than that: the pieces must not show in the lines.
  const long = "x".repeat(9 * 2 ** 20);
  const shortLines = Array.from({ length: 2000 }, (_, i) => `${i} 0 ${i * 8} 8 ${i % 2}\r`);
  const text = `${shortLines.join("\n")}\n${long}\nnaïve µs\n\n${"y".repeat(7 * 2 ** 20)}\n${shortLines.join("\n")}\nlast`;

  function lines(path: string): { lines: string[]; notUtf8: ReturnType<typeof readUtf8Lines>; progress: number[] } {
    const seen: string[] = [];
    const progress: number[] = [];
    const notUtf8 = readUtf8Lines(
      path,
      (line, lineNumber) => {
        // A number out of step shows as a line out of place.
        seen[lineNumber - 1] = line;
        return true;
      },
      (bytesRead) => progress.push(bytesRead),
    );
    return { lines: seen, notUtf8, progress };
  }

  it("feeds the lines split gives, without their \\r, a piece of the file at a time, telling how far it has read", () => {
    const path = file("pieces.trace", text);
    const read = lines(path);
    expect(read.notUtf8).toBeUndefined();
    expect(read.lines).toEqual(text.split("\n").map((line) => line.replace(/\r$/, "")));
    expect(read.progress.length).toBeGreaterThan(1);
    expect(read.progress).toEqual([...read.progress].sort((a, b) => a - b));
    expect(read.progress.at(-1)).toBeLessThanOrEqual(Buffer.byteLength(text));
    // A last newline leaves an empty last line, as split does; an empty file is one empty line.
    expect(lines(file("newline.trace", "a\n")).lines).toEqual(["a", ""]);
    expect(lines(file("empty.trace", "")).lines).toEqual([""]);
  });

  it("finds a byte that is not UTF-8 in a later piece at its line and column, and stops feeding lines once told to", () => {
    const path = file("late.trace", text, "\nab", [0xe9], "\n");
    const lineCount = text.split("\n").length;
    expect(lines(path).notUtf8).toEqual({ line: lineCount + 1, column: 3, byte: 0xe9 });
    let fed = 0;
    expect(readUtf8Lines(path, () => ++fed < 10)).toEqual({ line: lineCount + 1, column: 3, byte: 0xe9 });
    expect(fed).toBe(10);
  });
});

describe("input files that are not UTF-8 are refused, with file, line and column", () => {
  it("a scenario", () => {
    const path = file("bad.yaml", "name: q", [0xff, 0xfe], "q\nseed: 1\n");
    expect(() => loadScenarioFile(path)).toThrow(`${path}:1:8: not UTF-8 text; expected a YAML or JSON file in UTF-8, found byte 0xff`);
  });

  it("a fio job file", () => {
    const path = file("bad.fio", "[job]\nrw=randread\n; caf", [0xe9], "\n");
    expect(() => readFioJobFile(path)).toThrow(FioImportError);
    expect(() => readFioJobFile(path)).toThrow(/bad\.fio:3:6: not UTF-8 text \(byte 0xe9\)/);
  });

  it("a trace", () => {
    const path = file("bad.trace", "0 0 8 8 1\n10 0 16 8 0 ", [0xa0], "\n");
    const spec = { kind: "trace", name: "t", path, format: "disksim", timing: "honor", iodepth: 1, addressMapping: "wrap" } as const;
    expect(() => traceSource(spec, { capacityBytes: 1 << 30, sectorSizeBytes: 512 })).toThrow(TraceSourceError);
    expect(() => traceSource(spec, { capacityBytes: 1 << 30, sectorSizeBytes: 512 })).toThrow(/bad\.trace:2:13: not UTF-8 text \(byte 0xa0\)/);
  });

  it("a compressed trace says which compression, rather than only which byte (SNIA ships the MSR traces as .csv.gz)", () => {
    const text = readFileSync(join(FIXTURES, "mqsim-tpcc-small.trace"));
    for (const [name, bytes, found] of [
      ["tpcc.trace.gz", gzipSync(text), "byte 0x8b; the file is gzip-compressed: decompress it first"],
      ["tpcc.trace.zst", Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), text]), "byte 0xb5; the file is zstd-compressed: decompress it first"],
    ] as const) {
      const path = file(name, [...bytes]);
      const spec = { kind: "trace", name: "t", path, format: "disksim", timing: "honor", iodepth: 1, addressMapping: "wrap" } as const;
      expect(() => traceSource(spec, { capacityBytes: 1 << 30, sectorSizeBytes: 512 })).toThrow(`trace t: ${path}:1:2: not UTF-8 text (${found}); expected a text trace in UTF-8 (or ASCII)`);
    }
  });
});
