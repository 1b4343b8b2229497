import { existsSync } from 'node:fs';

/** Debian packages the remote-target tests start (test/services); `.ci/run` and `npm test` install them. */
export const SERVICE_PACKAGES = ['openssh-server', 'openssh-client', 'rsync', 'slurmctld', 'slurmd', 'slurm-client', 'munge', 'slurmdbd', 'mariadb-server'];

/** Fails with what to install when a service's program is missing, instead of a spawn ENOENT. */
export function requireProgram(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${pkg} (npm test does it when run as root; see .ci/run)`);
}
