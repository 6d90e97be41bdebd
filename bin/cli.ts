import { Command } from "commander";
import { registerCrash } from "./commands/crash.js";
import { registerGate } from "./commands/gate.js";
import { registerImport } from "./commands/import.js";
import { registerList } from "./commands/list.js";
import { registerMerge } from "./commands/merge.js";
import { registerRun } from "./commands/run.js";
import { registerSweep } from "./commands/sweep.js";
import { registerValidate } from "./commands/validate.js";
import { EXIT_BAD_INPUT, EXIT_PROBLEM } from "./exit-codes.js";
import { osReason } from "../reports/write-file.js";
import { explainUsage, noCommandMessage, refuseMisreadOptions, registerHelp, UsageError } from "./usage.js";
import { VERSION } from "./version.js";

// A reader that stops early (`cofwsim list | head -1`) closes the pipe: that ends the output, it is not a failure.
// Any other failure (a full disk, `> /dev/full`) is an I/O failure, said without a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  process.stderr.write(`cofwsim: cannot write to standard output: ${osReason(error)}\n`);
  process.exit(EXIT_PROBLEM);
});

/** The command line itself; bin/cofwsim.ts starts it in a Node with the heap flags the simulator wants. */
const program = new Command()
  .name("cofwsim")
  .description("Deterministic simulator and benchmark harness for a copy-on-first-write snapshot engine")
  .version(VERSION)
  // commander's own error line is replaced by explainUsage's, which says what was expected.
  .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: () => undefined });
registerRun(program);
registerValidate(program);
registerImport(program);
registerList(program);
registerSweep(program);
registerMerge(program);
registerGate(program);
registerCrash(program);
registerHelp(program);
for (const command of [program, ...program.commands]) {
  refuseMisreadOptions(command);
  command.exitOverride((error) => {
    // Help and version are not errors; they end the parse as commander's exits do.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") throw error;
    throw explainUsage(command, error);
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const { code, exitCode } = error as { code?: string; exitCode?: number };
  // Help asked for exits 0; help shown because no command was given (commander's exit code 1) is bad usage.
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") {
    if (exitCode === 0) process.exit(0);
    process.stderr.write(`${noCommandMessage(program)}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  // A usage error names the command it was given to ("cofwsim run: ...").
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  // Loaded only now: it names every typed error, and so loads the modules that define them.
  const { describeError, isBadInput, isExpectedFailure } = await import("./error-report.js");
  process.stderr.write(`cofwsim: ${describeError(error)}\n`);
  if (isBadInput(error)) process.exit(EXIT_BAD_INPUT);
  if (!isExpectedFailure(error) && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_PROBLEM);
}
