import type { Command } from "commander";
import { scenarioPathFor } from "../paths.js";
import { traceReadProgress } from "../progress.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file and the fio job files and traces it references; prints every problem with file, line and column")
    .argument("<scenario>", "scenario file (YAML or JSON), or a shipped scenario's name (cofwsim list)")
    .option("--set <path=value>", "override a field before validating (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .action(async (file: string, options: { set: string[] }) => {
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const [{ loadScenarioFile }, { commandOverrides }, { checkWorkloads }] = await Promise.all([
        import("../../scenarios/schema/load.js"),
        import("../../scenarios/schema/overrides.js"),
        import("../../scenarios/runner/check-workloads.js"),
      ]);
      const scenario = loadScenarioFile(scenarioPathFor(file), { overrides: commandOverrides(options.set, undefined) });
      // Referenced job files and traces are read as the run reads them: validate must refuse what run would.
      const traces = traceReadProgress();
      let check: ReturnType<typeof checkWorkloads>;
      try {
        check = checkWorkloads(scenario, traces.onTraceRead);
      } finally {
        // Also when the trace is refused: its message must not land on the bar's line.
        traces.stop();
      }
      const workloads = scenario.workloads.map((w) => (w.kind === "fio" ? `fio file ${w.path}` : `${w.kind} ${w.name}`)).join(", ");
      const lines = [`${file}: valid. ${scenario.name}${scenario.description === "" ? "" : `: ${scenario.description}`}`, `  seed ${scenario.seed}; ${scenario.engine.commitPolicy}, ${scenario.engine.chunkSizeBytes} B chunks; workloads: ${workloads}`];
      if (scenario.workloads.some((w) => w.kind === "fio")) lines.push(`  results per workload: ${check.groupNames.join(", ")}`);
      for (const note of check.notes) lines.push(`  note: ${note}`);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
