import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName, nameIsDnsSubdomain, nameValidatorFor } from './names.ts';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('name validators', () => {
  const table: Array<[string, (v: string) => string[], string, string[]]> = [
    ['subdomain ok', isDns1123Subdomain, 'hello-default.apps.example.com', []],
    ['subdomain upper case', isDns1123Subdomain, 'Foo', [SUBDOMAIN_MSG]],
    ['subdomain too long', isDns1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['label ok', isDns1123Label, 'istio-system', []],
    ['label with dots', isDns1123Label, 'a.b', ['must not contain dots']],
    ['label bad', isDns1123Label, '-a', [LABEL_MSG]],
    ['label too long and bad', isDns1123Label, `${'a'.repeat(63)}-`, ['must be no more than 63 characters', LABEL_MSG]],
    ['dns1035 starts with a digit', isDns1035Label, '1abc', [DNS1035_MSG]],
    ['qualified name with prefix', isQualifiedName, 'sidecar.istio.io/inject', []],
    ['qualified name bad prefix', isQualifiedName, 'Istio.IO/inject', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['qualified name empty prefix', isQualifiedName, '/inject', ['prefix part must be non-empty']],
    ['qualified name empty name', isQualifiedName, 'example.com/', ['name part must be non-empty', QNAME_MSG]],
    ['qualified name too long', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
    ['qualified name two slashes', isQualifiedName, 'a/b/c', ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ['label value empty', isValidLabelValue, '', []],
    ['label value bad', isValidLabelValue, 'a b', [LABEL_VALUE_MSG]],
    ['path segment', isValidPathSegmentName, '..', ["may not be '..'"]],
    ['path segment chars', isValidPathSegmentName, 'a/b%c', ["may not contain '/'", "may not contain '%'"]],
  ];
  for (const [name, fn, value, want] of table) {
    it(name, () => assert.deepEqual(fn(value), want));
  }

  it('picks the validator for a kind\'s name rule', () => {
    assert.deepEqual(nameValidatorFor(undefined)('a.b', false), []);
    assert.deepEqual(nameValidatorFor('dns1123-label')('a.b', false), ['must not contain dots']);
    assert.deepEqual(nameValidatorFor('dns1035-label')('1a', false), [DNS1035_MSG]);
    assert.deepEqual(nameValidatorFor('path-segment')('A B', false), []);
  });

  it('lets a generateName end in a dash', () => {
    assert.deepEqual(nameIsDnsSubdomain('hello-', true), []);
    assert.deepEqual(nameIsDnsSubdomain('hello-', false), [SUBDOMAIN_MSG]);
  });
});
