import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFormat } from './formats.ts';
import { GoText, compareGoStrings, goBadValue, goFloat, goJsonMarshal, goNumber, goQuote, goSyntax, goValue } from './go-format.ts';
import { compileGoPattern } from './go-regexp.ts';

describe('Go value rendering', () => {
  it('formats floats as %v does', () => {
    assert.deepEqual([1.5, 1e6, 123456.5, 1234567.5, 0.0001, 0.00001, 1e21, -2.5].map(goFloat), ['1.5', '1e+06', '123456.5', '1.2345675e+06', '0.0001', '1e-05', '1e+21', '-2.5']);
  });

  it('quotes as strconv.Quote does', () => {
    assert.equal(goQuote('a"b\\c\n\t\x07é\u00a0'), '"a\\"b\\\\c\\n\\t\\aé\\u00a0"');
  });

  it('renders unstructured values with %#v', () => {
    assert.equal(goSyntax({ port: 80, name: 'http', tls: true, extra: null, list: ['a', 1.5] }), 'map[string]interface {}{"extra":interface {}(nil), "list":[]interface {}{"a", 1.5}, "name":"http", "port":80, "tls":true}');
  });

  it('renders bad values as field.Error does', () => {
    assert.deepEqual([null, 'x', 3, false, [1], new GoText('[]string{"a"}')].map(goBadValue), ['"null"', '"x"', '3', 'false', '[]interface {}{1}', '[]string{"a"}']);
  });

  it('prints int64 values past 2^53 with their exact digits', () => {
    assert.equal(goNumber(2 ** 62), '4611686018427387904');
    assert.equal(goNumber(-7), '-7');
  });

  it('renders unstructured values with %v', () => {
    assert.equal(goValue({ b: [1, 'x', null], a: { z: true }, f: 1234567.5 }), 'map[a:map[z:true] b:[1 x <nil>] f:1.2345675e+06]');
    assert.equal(goValue(undefined), '<nil>');
  });

  it('marshals as encoding/json does: sorted keys, HTML-safe escapes', () => {
    assert.equal(goJsonMarshal({ b: '<a&b>', a: [1, null, 'x\u2028'], c: undefined }), '{"a":[1,null,"x\\u2028"],"b":"\\u003ca\\u0026b\\u003e"}');
    assert.equal(goJsonMarshal(null), 'null');
  });

  it('orders strings bytewise on UTF-8, as strings.Compare does', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 but after its surrogate pair in UTF-16.
    assert.deepEqual(['\u{1F600}', '\uFF5E', 'b', 'a'].sort(compareGoStrings), ['a', 'b', '\uFF5E', '\u{1F600}']);
    assert.deepEqual(goJsonMarshal({ '\u{1F600}': 1, '\uFF5E': 2 }), '{"\uFF5E":2,"\u{1F600}":1}');
    assert.equal(compareGoStrings('a', 'a'), 0);
  });
});

describe('Go patterns', () => {
  it('accepts RE2 spellings JavaScript lacks', () => {
    assert.equal(compileGoPattern('(?i)^abc$').regexp!.test('ABC'), true);
    assert.equal(compileGoPattern('^[[:alpha:]]+[[:digit:]]$').regexp!.test('ab1'), true);
    assert.equal(compileGoPattern('\\A\\pL+\\z').regexp!.test('héllo'), true);
    assert.equal(compileGoPattern('^(?P<x>a)$').regexp!.test('a'), true);
  });

  it('matches unanchored, as MatchString does', () => {
    assert.equal(compileGoPattern('[0-9]').regexp!.test('abc1'), true);
  });

  it('explains a pattern it cannot compile', () => {
    assert.ok(compileGoPattern('(unclosed').error);
  });
});

describe('checkFormat', () => {
  const table: Array<[string, string, boolean | undefined]> = [
    ['date-time', '2024-05-01T10:00:00Z', true],
    ['date-time', '2024-05-01T10:00:00.123+02:00', true],
    ['date-time', '2024-05-01 10:00:00', false],
    ['date-time', '2024-13-01T10:00:00Z', false],
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['duration', '1h30m', true],
    ['duration', '35s', true],
    ['duration', '3 days', true],
    ['duration', 'soon', false],
    ['hostname', 'apps.openshift.example.com', true],
    ['hostname', '-bad-', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv4', '010.000.000.001', true],
    ['ipv4', '::1', false],
    ['ipv6', '2001:db8::1', true],
    ['ipv6', '10.0.0.1', false],
    ['cidr', '10.0.0.0/8', true],
    ['cidr', '10.0.0.0/33', false],
    ['mac', '00:00:5e:00:53:01', true],
    ['mac', '0000.5e00.5301', true],
    ['mac', '00:00:5e', false],
    ['uuid', 'D4A1E0B3-7C2B-4F5E-9A3D-1234567890AB', true],
    ['uuid', 'd4a1e0b37c2b4f5e9a3d1234567890ab', true],
    ['uuid', 'not-a-uuid', false],
    ['uri', 'https://example.com/path', true],
    ['uri', '/relative/to/root', true],
    ['uri', 'example.com', false],
    ['email', 'Jane <jane@example.com>', true],
    ['email', 'nobody', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'hello!', false],
    ['isbn13', '978-0321751041', true],
    ['creditcard', '4111 1111 1111 1111', true],
    ['ssn', '123-45-6789', true],
    ['hexcolor', '#FFF', true],
    ['rgbcolor', 'rgb(255, 0, 10)', true],
    ['bsonobjectid', '507f1f77bcf86cd799439011', true],
    ['password', 'anything', true],
    ['int32', 'whatever', undefined],
    ['int-or-string', 'x', undefined],
  ];
  for (const [format, value, want] of table) {
    it(`${format} ${JSON.stringify(value)} → ${want}`, () => assert.equal(checkFormat(format, value), want));
  }
});
