import type { Io } from './output.js';
export async function featuresCommand(_args: string[], _io: Io): Promise<number> { return 2; }
