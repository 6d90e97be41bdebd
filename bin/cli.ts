import { Command } from "commander";
import { registerCrash } from "./commands/crash.js";
import { registerGate } from "./commands/gate.js";
import { registerImport } from "./commands/import.js";
import { registerList } from "./commands/list.js";
import { registerMerge } from "./commands/merge.js";
import { registerRun } from "./commands/run.js";
import { registerSweep } from "./commands/sweep.js";
import { registerValidate } from "./commands/validate.js";
import { EXIT_BAD_INPUT, EXIT_PROBLEM, describeError, isBadInput } from "./exit-codes.js";
import { VERSION } from "./version.js";

// A reader that stops early (`cofwsim list | head -1`) closes the pipe: that ends the output, it is not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

/** The command line itself; bin/cofwsim.ts starts it in a Node with the heap flags the simulator wants. */
const program = new Command()
  .name("cofwsim")
  .description("Deterministic simulator and benchmark harness for a copy-on-first-write snapshot engine")
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });
registerRun(program);
registerValidate(program);
registerImport(program);
registerList(program);
registerSweep(program);
registerMerge(program);
registerGate(program);
registerCrash(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const { code, exitCode } = error as { code?: string; exitCode?: number };
  // Help asked for exits 0; help shown because no command was given (commander's exit code 1) is bad usage.
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") process.exit(exitCode === 0 ? 0 : EXIT_BAD_INPUT);
  if (typeof code === "string" && code.startsWith("commander.")) process.exit(EXIT_BAD_INPUT);
  process.stderr.write(`cofwsim: ${describeError(error)}\n`);
  if (isBadInput(error)) process.exit(EXIT_BAD_INPUT);
  if (error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_PROBLEM);
}
