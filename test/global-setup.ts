import { execFileSync } from 'node:child_process';

/** Protocol and CLI tests run the bundles in dist/: rebuild them so tests never see stale code. */
export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
}
