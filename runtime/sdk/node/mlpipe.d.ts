// Types for the Node step SDK (mlpipe.mjs), for steps written in TypeScript or checked with // @ts-check.
export declare const runId: string | null;
export declare const step: string | null;
export declare const attempt: number;
export type Scalar = string | number | boolean;
export declare function params(): Record<string, Scalar>;
export declare function param<T extends Scalar>(name: string, fallback: T): T;
export declare function inputs(): Record<string, string>;
export declare function inputPath(name: string): string;
export declare function outputs(): Record<string, string>;
export declare function outputPath(name: string): string;
export declare function outputDir(): string;
export declare function flush(): void;
export declare function logMetric(key: string, value: number, step?: number): void;
export declare function logMetrics(values: Record<string, number>, step?: number): void;
export declare function logParam(key: string, value: Scalar): void;
export declare function logParams(values: Record<string, Scalar>): void;
export declare function setTag(key: string, value: string): void;
export declare function logArtifact(path: string, name?: string): void;
export interface Table {
  columns: string[];
  data: Record<string, (number | string | null)[]>;
  rows: number;
}
export declare function readTable(nameOrPath: string): Table;
