import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { FioImportError } from "../../scenarios/fio/fio-import-error.js";
import { importFioJobFile } from "../../scenarios/fio/import-job-file.js";
import { fioImportToScenarioYaml } from "../../scenarios/fio/to-scenario-yaml.js";

/** The job file's text; a file that cannot be read is bad input (exit 2), said as the importer says its problems. */
function readJobFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "EISDIR" ? "it is a directory" : error instanceof Error ? error.message : String(error);
    throw new FioImportError(file, [{ fileName: file, line: 1, message: `cannot read the job file (${reason}); expected a readable fio job file` }]);
  }
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("print the cofwsim scenario equivalent to a fio job file (ignored options listed with reasons)")
    .argument("<file>", "fio job file")
    .action((file: string) => {
      const imported = importFioJobFile(readJobFile(file), basename(file));
      process.stdout.write(fioImportToScenarioYaml(imported, basename(file)));
      for (const ignored of imported.ignored) process.stderr.write(`${basename(file)}:${ignored.line}: ignored ${ignored.option} (job ${ignored.job}): ${ignored.reason}\n`);
    });
}
