/**
 * Stable diagnostic codes. CI jobs and quick fixes key on them, so never rename one; docs/language.md
 * lists them all (a unit test keeps that list complete).
 */
export const Codes = {
  syntaxError: 'syntax-error',
  unresolvedReference: 'unresolved-reference',
  unknownTarget: 'unknown-target',
  unknownOutput: 'unknown-output',
  missingOutput: 'missing-output',
  unknownFeature: 'unknown-feature',
  unknownColumn: 'unknown-column',
  wrongKind: 'wrong-kind',
  duplicateName: 'duplicate-name',
  duplicateProperty: 'duplicate-property',
  dependencyCycle: 'dependency-cycle',
  unknownKind: 'unknown-kind',
  missingProperty: 'missing-property',
  unknownProperty: 'unknown-property',
  invalidValue: 'invalid-value',
  invalidExpectation: 'invalid-expectation',
  leakageRisk: 'leakage-risk',
  unusedSource: 'unused-source',
  unusedParam: 'unused-param',
  multiplePipelines: 'multiple-pipelines',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];

/** What goes in a diagnostic's `data` so code actions can fix it without reparsing intent. */
export interface DiagnosticData {
  code: Code;
  /** Replacement names for did-you-mean fixes, best first. */
  suggestions?: string[];
  /** For missing-property: the key and the text to insert after it. */
  property?: string;
  example?: string;
}
