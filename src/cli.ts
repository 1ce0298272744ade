import { Command } from "commander";
import { registerGrokCommand } from "./cli/grok-command.js";
import { registerPublishCommand } from "./cli/publish-command.js";
import { registerRunCommand } from "./cli/run-command.js";
import { registerStoreCommands } from "./cli/store-commands.js";

/** The `sessionize` command line: a thin shell over the library. */
const program = new Command()
  .name("sessionize")
  .description("Turn e-commerce logs into shopper sessions (the Tabsdata sessionizing tutorial, as a library)")
  // a usage error is one line on stderr, pointing at the help rather than printing it
  .configureOutput({ outputError: (text, write) => write(`sessionize: ${text.replace(/^error: /, "").trim().replace(/\s*\n\s*/g, " ")} (see --help)\n`) });

registerRunCommand(program);
registerStoreCommands(program);
registerPublishCommand(program);
registerGrokCommand(program);

await program.parseAsync(process.argv);
