// Loaded with `node --import` in front of every node step: makes `import ... from 'mlpipe/sdk'` find the
// SDK, and lets a step import the packages that come with MLPipe (e.g. onnx-proto) even when the step's
// folder has no node_modules of its own.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url, {
  data: {
    sdk: new URL('./mlpipe.mjs', import.meta.url).href,
    // A file at the package root: bare names resolve from there as from any module of the package.
    fallbackParent: new URL('../../../package.json', import.meta.url).href,
  },
});
