import type ssh2 from 'ssh2';

let loaded: Promise<typeof ssh2> | undefined;

/**
 * ssh2, evaluated on first use: its module set-up (crypto, protocol tables) costs a quarter of a second
 * at start-up, which runs without remote targets should not pay. Bundlers keep it in the bundle.
 * ssh2 is CommonJS: Node's ES module loader only sees its default export.
 */
export function loadSsh2(): Promise<typeof ssh2> {
  return (loaded ??= import('ssh2').then((m) => m.default));
}
