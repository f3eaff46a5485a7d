/**
 * CPU time a process has used (user + system, all threads), from /proc/<pid>/stat. Throughput
 * on a shared machine swings with the neighbours' load; CPU per operation does much less, so
 * the report shows both. Undefined where /proc is not available.
 */
import { readFileSync } from 'node:fs';

/** Linux reports these fields in clock ticks; USER_HZ is 100 on every common build. */
const TICKS_PER_SECOND = 100;

export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
