#!/usr/bin/env node
// Through V8's code cache, one per command (code-cache.cjs): compiling the 3.6 MB bundle was a fifth of a
// fully cached `mlpipe run`.
const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
require('./code-cache.cjs').requireCached(require('node:path').join(__dirname, '..', 'dist', 'cli.cjs'), command);
