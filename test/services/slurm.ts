import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/free-port.js';
import { spawnGroup, stopGroup } from '../../scripts/lib/process-group.js';
import { ownedTempDir } from '../../scripts/lib/temp-dir.js';
import { requireProgram } from './packages.js';
import { killAll, processesWithEnv } from './proc-tree.js';
import { portOpen, waitFor } from './wait.js';

const run = promisify(execFile);

/**
 * A one-node Slurm cluster on this machine, in a temp folder: munge, MariaDB + slurmdbd (so `sacct`
 * works), slurmctld and slurmd. The node offers 2 CPUs and two GPUs declared as generic resources
 * (backed by /dev/null and /dev/zero: enough for `--gres=gpu:N` to be scheduled and for `sinfo` to report them).
 */
export interface SlurmCluster {
  /** slurm.conf: give it to every Slurm command as SLURM_CONF. */
  conf: string;
  /** Environment for Slurm commands (SLURM_CONF). */
  env: Record<string, string>;
  partition: string;
  gpus: number;
  dir: string;
  stop(): Promise<void>;
}

export interface SlurmOptions {
  /** Run slurmdbd + MariaDB so `sacct` answers (default true). */
  accounting?: boolean;
}

const PARTITION = 'debug';
const GPUS = 2;

export async function startSlurm(options: SlurmOptions = {}): Promise<SlurmCluster> {
  const accounting = options.accounting ?? true;
  requireProgram('/usr/sbin/slurmctld', 'slurmctld');
  requireProgram('/usr/sbin/slurmd', 'slurmd');
  requireProgram('/usr/sbin/munged', 'munge');
  if (accounting) {
    requireProgram('/usr/sbin/slurmdbd', 'slurmdbd');
    requireProgram('/usr/sbin/mariadbd', 'mariadb-server');
  }
  const tmp = ownedTempDir('mlpipe-slurm-');
  const dir = tmp.path;
  const daemons: ChildProcess[] = [];
  const conf = join(dir, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: conf };
  const host = hostname();
  const log = (name: string) => join(dir, `${name}.log`);
  const started = (name: string, child: ChildProcess) => {
    daemons.push(child);
    child.once('exit', (code) => { exits.set(name, code); });
    return child;
  };
  const exits = new Map<string, number | null>();
  const alive = (name: string) => {
    if (exits.has(name)) throw new Error(`${name} exited (${exits.get(name)}): ${tail(log(name))}`);
    return true;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Jobs first, so slurmd can end their steps; whatever escaped is found by its SLURM_CONF.
    await run('scancel', ['--full', '--quiet', `--partition=${PARTITION}`], { env }).catch(() => undefined);
    for (const d of [...daemons].reverse()) await stopGroup(d, 3000);
    killAll(processesWithEnv(`SLURM_CONF=${conf}`));
    // MLPIPE_KEEP_SERVICES=1 keeps the folder (configs, logs) for a look after a failure.
    tmp.release({ keep: Boolean(process.env.MLPIPE_KEEP_SERVICES) });
  };

  try {
    // ── munge ──
    const mungeSocket = join(dir, 'munge.sock');
    writeFileSync(join(dir, 'munge.key'), randomBytes(1024), { mode: 0o400 });
    started('munged', spawnGroup('munged', ['-F', '-f', `--socket=${mungeSocket}`, `--key-file=${join(dir, 'munge.key')}`,
      `--log-file=${log('munged')}`, `--pid-file=${join(dir, 'munged.pid')}`, `--seed-file=${join(dir, 'munged.seed')}`], { stdio: 'ignore' }));
    await waitFor('munged', () => alive('munged') && existsSync(mungeSocket), 10_000);

    const ports = { ctld: await freePort(), slurmd: await freePort(), dbd: await freePort(), db: await freePort() };
    const dbdSettings: string[] = [];
    if (accounting) {
      await startAccounting();
      dbdSettings.push(
        'AccountingStorageType=accounting_storage/slurmdbd',
        'AccountingStorageHost=127.0.0.1',
        `AccountingStoragePort=${ports.dbd}`,
        // The socket to authenticate through; without it slurmctld tries munge's default socket.
        `AccountingStoragePass=${mungeSocket}`,
        // So sacct's ReqTRES shows the GPUs a job asked for.
        'AccountingStorageTRES=gres/gpu',
      );
    }

    // ── slurm.conf ──
    for (const d of ['state', 'spool']) mkdirSync(join(dir, d));
    // slurmd drops file-less GPUs; any two character devices do (task/none binds nothing to them).
    writeFileSync(join(dir, 'gres.conf'), `NodeName=${host} Name=gpu File=/dev/null,/dev/zero\n`);
    writeFileSync(conf, [
      'ClusterName=mlpipe',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ports.ctld}`,
      `SlurmdPort=${ports.slurmd}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${mungeSocket}`,
      'CredType=cred/munge',
      'SlurmUser=root',
      'SlurmdUser=root',
      'MpiDefault=none',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'GresTypes=gpu',
      // A cancelled or finished job leaves squeue at once (default 300 s), so tests see the end quickly.
      'MinJobAge=2',
      'KillWait=2',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${log('slurmctld')}`,
      `SlurmdLogFile=${log('slurmd')}`,
      ...dbdSettings,
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=2048 Gres=gpu:${GPUS} State=UNKNOWN`,
      `PartitionName=${PARTITION} Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'));

    started('slurmctld', spawnGroup('slurmctld', ['-D', '-i', '-f', conf], { stdio: ['ignore', 'ignore', 'ignore'], env }));
    await waitFor('slurmctld', async () => alive('slurmctld') && portOpen(ports.ctld), 20_000);
    started('slurmd', spawnGroup('slurmd', ['-D', '-f', conf], { stdio: 'ignore', env }));
    await waitFor('the Slurm node to be idle', async () => {
      alive('slurmd');
      const { stdout } = await run('sinfo', ['-h', '-N', '-o', '%T'], { env });
      return stdout.trim() === 'idle';
    }, 30_000);
    return { conf, env: { SLURM_CONF: conf }, partition: PARTITION, gpus: GPUS, dir, stop };

    async function startAccounting(): Promise<void> {
      const data = join(dir, 'mysql');
      const dbSocket = join(dir, 'mysql.sock');
      execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=socket',
        '--skip-test-db'], { stdio: 'ignore' });
      started('mariadbd', spawnGroup('mariadbd', ['--no-defaults', `--datadir=${data}`, `--socket=${dbSocket}`, `--port=${ports.db}`,
        '--bind-address=127.0.0.1', '--user=root', `--log-error=${log('mariadbd')}`, `--pid-file=${join(dir, 'mariadbd.pid')}`,
        '--innodb-buffer-pool-size=16M', '--skip-name-resolve'], { stdio: 'ignore' }));
      await waitFor('MariaDB', async () => alive('mariadbd') && portOpen(ports.db), 30_000);
      const password = randomBytes(12).toString('hex');
      execFileSync('mariadb', ['--no-defaults', `--socket=${dbSocket}`, '-uroot', '-e',
        `CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';`]);
      const dbdConf = join(dir, 'slurmdbd.conf');
      writeFileSync(dbdConf, [
        'AuthType=auth/munge',
        `AuthInfo=socket=${mungeSocket}`,
        'DbdHost=localhost',
        'DbdAddr=127.0.0.1',
        `DbdPort=${ports.dbd}`,
        'SlurmUser=root',
        'StorageType=accounting_storage/mysql',
        'StorageHost=127.0.0.1',
        `StoragePort=${ports.db}`,
        'StorageUser=slurm',
        `StoragePass=${password}`,
        'StorageLoc=slurm_acct_db',
        `PidFile=${join(dir, 'slurmdbd.pid')}`,
        `LogFile=${log('slurmdbd')}`,
        '',
      ].join('\n'));
      // slurmdbd refuses a config others can read (it holds the database password).
      chmodSync(dbdConf, 0o600);
      // slurmdbd reads slurmdbd.conf beside slurm.conf, which SLURM_CONF names.
      started('slurmdbd', spawnGroup('slurmdbd', ['-D'], { stdio: 'ignore', env }));
      await waitFor('slurmdbd', async () => alive('slurmdbd') && portOpen(ports.dbd), 30_000);
      // The cluster must exist in the database before slurmctld registers with it.
      await writeMinimalConfForSacctmgr();
      await run('sacctmgr', ['-i', 'add', 'cluster', 'mlpipe'], { env });
    }

    /** sacctmgr reads slurm.conf too; before the full one exists it only needs the dbd's address. */
    async function writeMinimalConfForSacctmgr(): Promise<void> {
      writeFileSync(conf, [
        'ClusterName=mlpipe',
        `SlurmctldHost=${host}(127.0.0.1)`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${mungeSocket}`,
        'AccountingStorageType=accounting_storage/slurmdbd',
        'AccountingStorageHost=127.0.0.1',
        `AccountingStoragePort=${ports.dbd}`,
        `AccountingStoragePass=${mungeSocket}`,
        `NodeName=${host} CPUs=2`,
        '',
      ].join('\n'));
    }
  } catch (e) {
    const logs = ['slurmctld', 'slurmd', 'slurmdbd'].map((n) => `--- ${n}.log\n${tail(log(n))}`).join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n${logs}`);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '(no log)';
  }
}
