import { SshConnection } from '../runtime/remote/ssh-connection.js';
import { resolveConnectSpec } from '../runtime/remote/ssh-options.js';
import { startSshd } from '../test/services/sshd.js';
import { execFileSync } from 'node:child_process';
const s = await startSshd();
const env = { home: '/nonexistent', localUser: 'root' };
const spec = { ...resolveConnectSpec({ host: s.host, port: s.port, identity: s.clientKey }, env), knownHostsFiles: [s.knownHosts] };
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  const c = await SshConnection.open({ ...spec, debug: undefined } as never);
  const t1 = performance.now() - t;
  t = performance.now();
  await c.run('true');
  const t2 = performance.now() - t;
  c.close();
  t = performance.now();
  execFileSync('ssh', ['-p', String(s.port), '-i', s.clientKey, '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${s.knownHosts}`, `root@127.0.0.1`, 'true']);
  console.log('connect', t1.toFixed(0), 'exec', t2.toFixed(0), 'ssh true', (performance.now() - t).toFixed(0));
}
await s.stop();
