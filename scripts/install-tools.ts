// Installs the tools the real-VS-Code tests need (code-server, Chromium), or confirms they are cached.
import { ensureChromium } from './lib/install-chromium.js';
import { ensureCodeServer } from './lib/install-code-server.js';

const codeServer = await ensureCodeServer();
console.log(`code-server ${codeServer.version}: ${codeServer.entry}`);
console.log(`chromium: ${await ensureChromium()}`);
