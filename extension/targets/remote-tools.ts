// The SSH side of "Check Target", bundled on its own (dist/remote-tools.cjs): ssh2 and its crypto nearly
// double the extension bundle, and only users with remote targets ever need them.
export { checkTarget } from '../../runtime/remote/target-check.js';
export { trustHostKey } from '../../runtime/remote/known-hosts.js';
