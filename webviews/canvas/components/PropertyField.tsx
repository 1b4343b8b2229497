import VscodeFormGroup from '@vscode-elements/react-elements/dist/components/VscodeFormGroup.js';
import VscodeFormHelper from '@vscode-elements/react-elements/dist/components/VscodeFormHelper.js';
import VscodeLabel from '@vscode-elements/react-elements/dist/components/VscodeLabel.js';
import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import VscodeTextarea from '@vscode-elements/react-elements/dist/components/VscodeTextarea.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import { useState } from 'react';
import type { CanvasNode } from '../protocol.js';
import type { PropertySpecLike } from './form-types.js';
import { choicesFor, controlFor, displayValue, intentFor } from './property-text.js';
import { useCanvas } from './store-context.js';

interface Props {
  node: CanvasNode;
  spec: PropertySpecLike;
  targets: readonly string[];
  readOnly: boolean;
}

/** One property of the selected node: a control by value type; a change writes only this property. */
export function PropertyField({ node, spec, targets, readOnly }: Props) {
  const intent = useCanvas((s) => s.intent);
  const [problem, setProblem] = useState<string>();
  const texts = node.props.filter((p) => p.key === spec.key).map((p) => p.text);
  const fieldId = `prop-${spec.key}`;
  const label = (
    <VscodeLabel htmlFor={fieldId} required={spec.required} title={spec.doc}>{spec.key}</VscodeLabel>
  );
  if (texts.length > 1) {
    // Repeated keys (`gate`) are edited in the text: a single field cannot say which one changed.
    return (
      <VscodeFormGroup variant="vertical">
        {label}
        {texts.map((t, i) => <code key={i} className="mp-prop-readonly">{t}</code>)}
        <VscodeFormHelper>Several {spec.key} lines: edit them in the text.</VscodeFormHelper>
      </VscodeFormGroup>
    );
  }
  const current = texts[0];
  const shown = displayValue(spec, current);
  const commit = (entered: string) => {
    const result = intentFor(node.id, spec, current, entered);
    if (typeof result === 'string') return setProblem(result);
    setProblem(undefined);
    if (result) intent(result);
  };
  // Keyed by the text in the file: when the text changes elsewhere the control starts from it again.
  const key = `${node.id}:${spec.key}:${current ?? ''}`;
  const control = controlFor(spec);
  let field;
  if (control === 'select') {
    const choices = choicesFor(spec, targets);
    if (shown && !choices.includes(shown)) choices.push(shown);
    field = (
      <VscodeSingleSelect key={key} id={fieldId} value={shown} disabled={readOnly} data-testid={fieldId}
        onChange={(e) => commit((e.target as HTMLSelectElement).value)}>
        {choices.map((c) => <VscodeOption key={c} value={c}>{c === '' ? '(default)' : c}</VscodeOption>)}
      </VscodeSingleSelect>
    );
  } else if (control === 'textarea') {
    field = (
      <VscodeTextarea key={key} id={fieldId} value={shown} rows={Math.min(10, Math.max(3, shown.split('\n').length))} monospace
        readonly={readOnly} className="mp-prop-input" data-testid={fieldId} placeholder={spec.example}
        onChange={(e) => commit((e.target as HTMLTextAreaElement).value)} />
    );
  } else {
    field = (
      <VscodeTextfield key={key} id={fieldId} value={shown} readonly={readOnly} className={control === 'raw' ? 'mp-prop-input mp-mono' : 'mp-prop-input'}
        data-testid={fieldId} placeholder={control === 'string' ? displayValue(spec, spec.example) : spec.example}
        onChange={(e) => commit((e.target as HTMLInputElement).value)} />
    );
  }
  return (
    <VscodeFormGroup variant="vertical">
      {label}
      {field}
      <VscodeFormHelper>{problem ? <span className="mp-prop-problem">{problem}</span> : spec.doc}</VscodeFormHelper>
    </VscodeFormGroup>
  );
}
