/**
 * No option of the table is dropped silently: an ignored one is listed with
 * its reason, a refused one is an error at its line, and a default-only one is
 * listed at its no-op value and refused at any other.
 */
import { describe, expect, it } from "vitest";
import { FioImportError } from "../../../scenarios/fio/fio-import-error.js";
import { FIO_OPTION_ALIASES, FIO_OPTION_RULES, canonicalFioOption } from "../../../scenarios/fio/fio-option-table.js";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";

const rules = [...FIO_OPTION_RULES.entries()];

function problemLines(text: string): number[] {
  try {
    importFioJobFile(text, "t.fio");
    return [];
  } catch (error) {
    if (error instanceof FioImportError) return error.problems.map((problem) => problem.line);
    throw error;
  }
}

describe("the option table", () => {
  it.each(rules.filter(([, rule]) => rule.handling === "ignored"))("%s is listed as ignored with the table's reason", (name, rule) => {
    const imported = importFioJobFile(`[job]\nrw=read\n${name}=1\n`, "t.fio");
    expect(imported.ignored).toContainEqual({ job: "job", option: name, value: "1", line: 3, reason: rule.handling === "ignored" ? rule.reason : "" });
  });

  it.each(rules.filter(([, rule]) => rule.handling === "rejected"))("%s is refused at its line", (name) => {
    expect(problemLines(`[job]\nrw=read\n${name}=1\n`)).toEqual([3]);
  });

  it.each(rules.filter(([, rule]) => rule.handling === "default-only"))("%s is ignored at a no-op value and refused at another", (name, rule) => {
    const noOp = rule.handling === "default-only" ? (rule.noOpValues[0] ?? "") : "";
    const imported = importFioJobFile(`[job]\nrw=read\n${name}=${noOp}\n`, "t.fio");
    expect(imported.ignored.map((entry) => entry.option)).toContain(name);
    expect(problemLines(`[job]\nrw=read\n${name}=7\n`)).toEqual([3]);
  });

  it("resolves every alias to an option of the table", () => {
    for (const [alias, canonical] of FIO_OPTION_ALIASES) {
      expect(FIO_OPTION_RULES.has(canonical), alias).toBe(true);
      expect(canonicalFioOption(alias)).toBe(canonical);
    }
  });
});
