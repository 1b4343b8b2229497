import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { IN_HANDLE, OUT_HANDLE, outputHandle, type PipelineFlowNode } from '../flow/flow-types.js';
import type { CanvasProblem, NodeRunStatus } from '../protocol.js';
import { formatDuration, hasOutput, kindIcon, kindLabel, RUN_ICON } from './kind-style.js';
import { NodeName } from './NodeName.js';

export const PipelineNodeView = memo(function PipelineNodeView({ data, selected }: NodeProps<PipelineFlowNode>) {
  const { node, run, readOnly } = data;
  const classes = ['mp-node', `mp-kind-${node.kind}`];
  if (selected) classes.push('mp-selected');
  if (run) classes.push(`mp-run-${run.state}`);
  return (
    <div className={classes.join(' ')} data-testid={`node-${node.id}`} data-node-id={node.id} data-kind={node.kind}>
      <Handle type="target" position={Position.Left} id={IN_HANDLE} isConnectable={!readOnly} />
      <div className="mp-node-header">
        <span className={`codicon codicon-${kindIcon(node.kind, node.stepKind)} mp-node-icon`} aria-hidden="true" />
        <NodeName id={node.id} readOnly={readOnly} />
        <ProblemBadge problems={node.problems} />
      </div>
      <div className="mp-node-sub" title={node.description}>
        <span className="mp-node-kind">{kindLabel(node)}</span>
        {run ? <RunChip run={run} /> : node.description ? <span className="mp-node-desc">{node.description}</span> : null}
      </div>
      {node.outputs.length > 0 ? (
        <div className="mp-node-outputs">
          {node.outputs.map((o) => (
            <div className="mp-output" key={o}>
              <span>{o}</span>
              <Handle type="source" position={Position.Right} id={outputHandle(o)} isConnectable={!readOnly} />
            </div>
          ))}
        </div>
      ) : hasOutput(node.kind) ? <Handle type="source" position={Position.Right} id={OUT_HANDLE} isConnectable={!readOnly} /> : null}
    </div>
  );
});

function ProblemBadge({ problems }: { problems: CanvasProblem[] }) {
  if (!problems.length) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const severity = errors ? 'error' : problems.some((p) => p.severity === 'warning') ? 'warning' : 'info';
  const tooltip = problems.map((p) => `line ${p.line + 1}: ${p.message}`).join('\n');
  return (
    <span className={`mp-badge mp-badge-${severity}`} title={tooltip} aria-label={`${problems.length} problem${problems.length > 1 ? 's' : ''}: ${tooltip}`} role="img">
      <span className={`codicon codicon-${severity}`} aria-hidden="true" />
      {problems.length > 1 ? <span className="mp-badge-count">{problems.length}</span> : null}
    </span>
  );
}

function RunChip({ run }: { run: NodeRunStatus }) {
  const text = run.durationMs !== undefined ? `${run.state} · ${formatDuration(run.durationMs)}` : run.state;
  return (
    <span className={`mp-run mp-run-chip-${run.state}`} title={run.message ? `${text}: ${run.message}` : text} data-run-state={run.state}>
      <span className={`codicon codicon-${RUN_ICON[run.state]}${run.state === 'running' ? ' mp-spin' : ''}`} aria-hidden="true" />
      {text}
    </span>
  );
}
