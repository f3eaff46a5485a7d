/**
 * `skiff check`'s text output, as `linkerd check` prints it: each category under an
 * underlined heading, a line per check (√ passed, ‼ warning, × error) with the error and
 * the hint indented beneath, then `Status check results are √` (or ×).
 */
import type { CheckOutcome, CheckReport } from './types.ts';

const MARK: Record<CheckOutcome, string> = { success: '√', warning: '‼', error: '×' };

export function renderReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const category of report.categories) {
    lines.push(category.categoryName, '-'.repeat(category.categoryName.length));
    for (const check of category.checks) {
      lines.push(`${MARK[check.result]} ${check.description}`);
      if (check.result !== 'success') {
        if (check.error) lines.push(`    ${check.error}`);
        if (check.hint) lines.push(`    hint: ${check.hint}`);
      }
    }
    lines.push('');
  }
  lines.push(`Status check results are ${report.success ? MARK.success : MARK.error}`);
  return `${lines.join('\n')}\n`;
}
