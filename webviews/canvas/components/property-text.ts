/**
 * Between a property's text in the file and what its form control shows. Pure, so the rules are
 * tested without a DOM: strings show without quotes, text blocks without `"""` and indentation.
 */
import type { CanvasIntent, PropertySpecLike } from './form-types.js';

export type Control = 'select' | 'textarea' | 'string' | 'raw';

export function controlFor(spec: PropertySpecLike): Control {
  switch (spec.value.type) {
    case 'enum': case 'bool': return 'select';
    case 'ref': return spec.value.kinds.length === 1 && spec.value.kinds[0] === 'target' ? 'select' : 'raw';
    case 'text': return 'textarea';
    case 'string': case 'path': return 'string';
    default: return 'raw';
  }
}

/** Choices of a select: '' stands for "not set" (the default applies). */
export function choicesFor(spec: PropertySpecLike, targets: readonly string[]): string[] {
  switch (spec.value.type) {
    case 'enum': return ['', ...spec.value.values];
    case 'bool': return ['', 'true', 'false'];
    default: return ['', ...targets];
  }
}

export function displayValue(spec: PropertySpecLike, text: string | undefined): string {
  if (text === undefined) return '';
  const control = controlFor(spec);
  if (control === 'string' && /^".*"$/s.test(text)) return unquote(text);
  if (control === 'textarea') {
    if (text.startsWith('"""') && text.endsWith('"""')) return dedent(text.slice(3, -3));
    if (/^".*"$/s.test(text)) return unquote(text);
  }
  return text;
}

/**
 * The intent that writes what the user entered; null when nothing changed; a string when the entry
 * cannot be written (shown next to the field).
 */
export function intentFor(id: string, spec: PropertySpecLike, current: string | undefined, entered: string): CanvasIntent | null | string {
  const value = controlFor(spec) === 'textarea' ? entered.replace(/\s+$/, '') : entered.trim();
  if (value === displayValue(spec, current)) return null;
  if (value === '') {
    if (spec.required) return `${spec.key} is required`;
    return current === undefined ? null : { type: 'setPropertyText', id, key: spec.key, text: '' };
  }
  switch (controlFor(spec)) {
    case 'string': return { type: 'setPropertyText', id, key: spec.key, text: JSON.stringify(value) };
    case 'textarea':
      // One line stays a plain string; several become a text block, indented one step inside `"""`.
      return { type: 'setProperty', id, key: spec.key, value: { type: 'text', value: value.includes('\n') ? value.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n') : value } };
    default: {
      const problem = checkRaw(spec, value);
      return problem ?? { type: 'setPropertyText', id, key: spec.key, text: value };
    }
  }
}

/** Quick checks that give a better message than "not a valid value" from the server. */
function checkRaw(spec: PropertySpecLike, value: string): string | undefined {
  switch (spec.value.type) {
    case 'int': return /^-?\d+$|^[A-Za-z_]\w*$/.test(value) ? undefined : `${spec.key} takes a whole number (or a param name)`;
    case 'number': return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$|^[A-Za-z_]\w*$/.test(value) ? undefined : `${spec.key} takes a number (or a param name)`;
    case 'duration': return /^\d+(\.\d+)?(ms|s|m|h|d|w)$|^[A-Za-z_]\w*$/.test(value) ? undefined : `${spec.key} takes a duration such as 30s, 10m, 2h or 7d`;
    case 'size': return /^\d+(\.\d+)?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$|^[A-Za-z_]\w*$/.test(value) ? undefined : `${spec.key} takes a size such as 512MB or 16GB`;
    default: return undefined;
  }
}

function unquote(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : text;
  } catch {
    return text;
  }
}

/** The body of a `"""` block as the language reads it: blank first/last lines and common indentation removed. */
function dedent(body: string): string {
  const lines = body.split('\n');
  if (lines.length && lines[0].trim() === '') lines.shift();
  if (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
