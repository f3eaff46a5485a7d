import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError, parseGoTemplate } from './template.ts';

const data = { Name: 'test-name', Namespace: 'default', Domain: 'example.com', Annotations: { sub: 'mysub' }, Labels: { bus: 'mybus' } };

test('field actions render the values, literal text is kept', () => {
  assert.equal(parseGoTemplate('t', '{{.Name}}.{{.Namespace}}.{{.Domain}}').execute(data), 'test-name.default.example.com');
  assert.equal(parseGoTemplate('t', '{{.Name}}-{{.Namespace}}.{{.Domain}}').execute(data), 'test-name-default.example.com');
  assert.equal(parseGoTemplate('t', 'plain').execute(data), 'plain');
});

test('index reads annotations and labels (upstream domains_test: Annotations, Labels); a missing key is empty', () => {
  assert.equal(parseGoTemplate('t', '{{.Name}}.{{ index .Annotations "sub"}}.{{.Domain}}').execute(data), 'test-name.mysub.example.com');
  assert.equal(parseGoTemplate('t', '{{.Name}}.{{ index .Labels "bus"}}.{{.Domain}}').execute(data), 'test-name.mybus.example.com');
  assert.equal(parseGoTemplate('t', '{{index .Labels "nope"}}x').execute(data), 'x');
  assert.equal(parseGoTemplate('t', '{{index .Labels "k"}}x').execute({ Labels: undefined }), 'x');
});

test('trim markers eat the whitespace beside the action', () => {
  assert.equal(parseGoTemplate('t', 'a  {{- .Name -}}  b').execute(data), 'atest-nameb');
});

test('an unknown field fails at execution (BadVarName), unsupported actions at parse', () => {
  const t = parseGoTemplate('domain-template', '{{.Name}}.{{.NNNamespace}}.{{.Domain}}');
  assert.throws(() => t.execute(data), /can't evaluate field NNNamespace/);
  assert.throws(() => parseGoTemplate('t', '{{if .Name}}x{{end}}'), TemplateError);
  assert.throws(() => parseGoTemplate('t', '{{.Name'), /unclosed action/);
  assert.throws(() => parseGoTemplate('t', '{{}}'), /missing value/);
});
