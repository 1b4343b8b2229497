import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LocalRunner } from '../../../runtime/exec/local-runner.js';
import type { LaunchSpec } from '../../../runtime/exec/runner.js';
import { tempWorkspace } from './helpers.js';

// What a step's process sees of its environment, through the fork server (which starts from the
// environment it was started with and exports only the differences) and through spawn.

const t = tempWorkspace('mlpipe-local-runner-');
const saved = process.env.MLPIPE_NO_FORK_SERVER;
afterEach(() => {
  if (saved === undefined) delete process.env.MLPIPE_NO_FORK_SERVER;
  else process.env.MLPIPE_NO_FORK_SERVER = saved;
});

/** Variables the step's shell or its launch add itself. */
const OWN_TO_THE_LAUNCH = /^(PWD|OLDPWD|SHLVL|_|MLPIPE_FORK_ID|MLPIPE_STATUS_FILE|MLPIPE_STEP_TOKEN)$/;

async function envOfStep(runner: LocalRunner, name: string, base: Record<string, string>, own: Record<string, string>): Promise<Record<string, string>> {
  const spool = { stdout: t.path(`${name}.out`), stderr: t.path(`${name}.err`), sink: t.path(`${name}.sink`), status: t.path(`${name}.status`) };
  const spec: LaunchSpec = {
    runId: 'r1', step: name, attempt: 1, cwd: t.dir, spool, command: { argv: ['env', '-0'] }, envLayers: { base, own },
    get env() {
      return { ...base, ...own };
    },
  };
  const step = runner.start(spec, { log: () => undefined, sink: () => undefined });
  expect(await step.exited).toEqual({ code: 0, signal: null });
  const seen: Record<string, string> = {};
  for (const kv of readFileSync(join(spool.stdout), 'utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0 && !OWN_TO_THE_LAUNCH.test(kv.slice(0, eq))) seen[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return seen;
}

describe.each([['fork server', ''], ['spawn', '1']])('local runner (%s)', (_, noForkServer) => {
  test('a step gets exactly the base environment with its own variables over it', async () => {
    if (noForkServer) process.env.MLPIPE_NO_FORK_SERVER = noForkServer;
    else delete process.env.MLPIPE_NO_FORK_SERVER;
    const runner = new LocalRunner({ slots: 2 });
    try {
      const inherited: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !OWN_TO_THE_LAUNCH.test(k)) inherited[k] = v;
      // The run's base drops one variable of the runtime's, changes another and adds a third; the step's
      // own variables add one, override one of the base's and set one back to the runtime's value.
      const [dropped, changed] = Object.keys(inherited).filter((k) => /^[A-Z_]+$/.test(k));
      expect(changed).toBeDefined();
      const base = { ...inherited, [changed]: `${inherited[changed]}-changed`, MLPIPE_TEST_BASE: "b 'q'", MLPIPE_TEST_OVER: 'base' };
      delete base[dropped];
      const own = { MLPIPE_TEST_OWN: 'o $x', MLPIPE_TEST_OVER: 'own', [changed]: inherited[changed] };
      for (const name of ['a', 'b']) {
        expect(await envOfStep(runner, `${name}${noForkServer}`, base, own)).toEqual({ ...base, ...own });
      }
    } finally {
      runner.dispose();
    }
  });
});
