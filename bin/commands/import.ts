import type { Command } from "commander";
import { basename } from "node:path";
import { nonEmptyPath } from "../usage.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("print the cofwsim scenario equivalent to a fio job file (ignored options listed with reasons)")
    .argument("<file>", 'fio job file, or "-" to read it from standard input (its problems are then at <stdin>:line:column)')
    .addHelpText("after", "\nExample:\n  cofwsim import jobs/oltp.fio > oltp.yaml\n  generate-job | cofwsim import - > generated.yaml")
    .action(async (file: string) => {
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const [{ importFioJobFile }, { jobFileName, readFioJobFile }, { fioImportToScenarioYaml }] = await Promise.all([
        import("../../scenarios/fio/import-job-file.js"),
        import("../../scenarios/fio/read-job-file.js"),
        import("../../scenarios/fio/to-scenario-yaml.js"),
      ]);
      // Problems name the file as the user gave it, as scenario problems do: a base name alone does not say which of several jobs/x.fio.
      const name = jobFileName(file);
      const imported = importFioJobFile(readFioJobFile(nonEmptyPath(file, "the job file", "a fio job file")), name);
      process.stdout.write(fioImportToScenarioYaml(imported, name === file ? basename(file) : name));
      for (const ignored of imported.ignored) process.stderr.write(`${name}:${ignored.line}: ignored ${ignored.option} (job ${ignored.job}): ${ignored.reason}\n`);
    });
}
