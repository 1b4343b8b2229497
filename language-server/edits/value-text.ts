import type { ModelValue } from '../model/pipeline-model.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `.mlpipe` text for a value, as the formatter would lay it out on one line. */
export function valueToText(v: ModelValue): string {
  switch (v.type) {
    case 'string': return JSON.stringify(v.value);
    case 'text': return v.value.includes('\n') ? `"""\n${v.value}\n"""` : JSON.stringify(v.value);
    case 'number': return String(v.value);
    case 'bool': return String(v.value);
    case 'duration': case 'size': return v.text;
    case 'ref': return `${v.path.join('.')}${v.wildcard ? '.*' : ''}${v.alias ? `@${v.alias}` : ''}`;
    case 'list': return `[${v.items.map(valueToText).join(', ')}]`;
    case 'map': return v.entries.length ? `{ ${v.entries.map((e) => `${NAME.test(e.key) ? e.key : JSON.stringify(e.key)}: ${valueToText(e.value)}`).join(', ')} }` : '{}';
    case 'comparison': return `${valueToText(v.left)} ${v.op} ${valueToText(v.right)}`;
  }
}
