// Runs the khien CLI from source (through tsx) for tests that need it as a child process.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
