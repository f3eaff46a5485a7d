import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderReport } from './render.ts';
import { failed, passed, reportOf, warned } from './types.ts';

it('renders categories, marks, errors and hints as linkerd check does', () => {
  const report = reportOf([
    { categoryName: 'kubernetes-api', checks: [passed('can query the Kubernetes API')] },
    { categoryName: 'mesh', checks: [warned('w', 'soon', 'renew'), failed('f', 'broken', 'fix it')] },
  ]);
  assert.equal(report.success, false);
  assert.equal(renderReport(report), [
    'kubernetes-api', '--------------', '√ can query the Kubernetes API', '',
    'mesh', '----', '‼ w', '    soon', '    hint: renew', '× f', '    broken', '    hint: fix it', '',
    'Status check results are ×', '',
  ].join('\n'));
  assert.equal(reportOf([{ categoryName: 'a', checks: [warned('w', 'e', 'h')] }]).success, true);
  assert.match(renderReport(reportOf([])), /^Status check results are √\n$/);
});
