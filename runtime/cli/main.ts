import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`mlpipe: internal error: ${(e as Error).stack ?? String(e)}\n`); process.exitCode = 2; },
);
