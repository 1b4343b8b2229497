#!/usr/bin/env node
// Through V8's code cache, one per command (code-cache.cjs): compiling the 3.6 MB bundle was a fifth of a
// fully cached `mlpipe run`. V8 flags for the command first (v8-flags.cjs), so the cache is made with them.
const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
const flags = require('./v8-flags.cjs').cliFlags(command);
if (flags.length && !process.env.MLPIPE_NO_V8_FLAGS) require('node:v8').setFlagsFromString(flags.join(' '));
require('./code-cache.cjs').requireCached(require('node:path').join(__dirname, '..', 'dist', 'cli.cjs'), command);
