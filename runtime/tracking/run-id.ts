import { randomBytes } from 'node:crypto';

/**
 * Run ids sort by start time as plain strings and read like timestamps: `20250114-093012-4f2a9c`
 * (UTC date, time, 6 random hex digits so two runs started in the same second differ).
 */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;
}

export const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
