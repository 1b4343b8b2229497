'use strict';
// V8 flags for a CLI start, set before the bundle is compiled (the code cache is made and checked with
// them in effect, and each command has its own cache).
//
// V8 hands a function to its optimising compiler (TurboFan) once about 66 KB of its bytecode has run. A
// command of a second or two (start, parse, validate, plan, a DAG of short steps) then spends more CPU
// compiling, on background threads that on a 2-core machine compete with the steps, than the optimised
// code gives back: TurboFan was 0.75 s of the 4.2 s of CPU of a 1,000-step no-op DAG and a third of a fully
// cached rerun. A budget 15 times larger leaves the run-a-thousand-times code to the baseline compiler and
// still optimises truly hot loops (a step's stream of metric points) within milliseconds. Long-lived
// commands (serving, batch scoring) keep V8's defaults: their steady state is what matters.
const LONG_LIVED = new Set(['serve', 'deploy', 'score']);

/** The flags for `command` (the CLI's first argument). */
function cliFlags(command) {
  return LONG_LIVED.has(command) ? [] : ['--interrupt-budget=1000000'];
}

module.exports = { cliFlags };
