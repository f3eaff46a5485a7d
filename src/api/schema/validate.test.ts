import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../field-error.ts';
import { admitAgainstSchema, validateObject } from './validate.ts';
import { validateValues } from './validate-values.ts';
import { seedSmcp, smcpSchema } from './testdata/smcp-schema.ts';

type Json = Record<string, unknown>;

/** The seed SMCP with `patch` applied to its spec (shallow per top-level spec key). */
function smcpWith(spec: Json, rest: Json = {}): Json {
  const obj = seedSmcp();
  return { ...obj, ...rest, spec: { ...(obj['spec'] as Json), ...spec } };
}

function messages(obj: unknown): string[] {
  return validateObject(obj, smcpSchema, { fieldValidation: 'Strict' }).errors.map(formatFieldError);
}

const P = 'spec.gateways.ingress.service.ports';

const cases: Array<{ name: string; obj: Json; want: string[] }> = [
  { name: 'the seed document is valid', obj: seedSmcp(), want: [] },
  {
    name: 'boolean given a string',
    obj: smcpWith({ security: { dataPlane: { mtls: 'true' } } }),
    want: ['spec.security.dataPlane.mtls: Invalid value: "string": spec.security.dataPlane.mtls in body must be of type boolean: "string"'],
  },
  {
    name: 'enum',
    obj: smcpWith({ mode: 'Foo' }),
    want: ['spec.mode: Unsupported value: "Foo": supported values: "ClusterWide", "MultiTenant"'],
  },
  {
    name: 'pattern',
    obj: smcpWith({ version: '2.5' }),
    want: ["spec.version: Invalid value: \"2.5\": spec.version in body should match '^v[0-9]+\\.[0-9]+$'"],
  },
  {
    name: 'minimum',
    obj: smcpWith({ proxy: { concurrency: 0 } }),
    want: ['spec.proxy.concurrency: Invalid value: 0: spec.proxy.concurrency in body should be greater than or equal to 1'],
  },
  {
    name: 'maximum',
    obj: smcpWith({ proxy: { concurrency: 100 } }),
    want: ['spec.proxy.concurrency: Invalid value: 100: spec.proxy.concurrency in body should be less than or equal to 64'],
  },
  {
    name: 'integer given a fraction',
    obj: smcpWith({ proxy: { concurrency: 1.5 } }),
    want: ['spec.proxy.concurrency: Invalid value: "number": spec.proxy.concurrency in body must be of type integer: "number"'],
  },
  {
    name: 'maxLength',
    obj: smcpWith({ security: { trust: { domain: 'a-much-too-long-trust-domain.local' } } }),
    want: ['spec.security.trust.domain: Too long: may not be more than 20 bytes'],
  },
  {
    name: 'maxItems and a format, items first',
    obj: smcpWith({ security: { trust: { additionalDomains: ['-bad-', 'b.example', 'c.example'] } } }),
    want: [
      'spec.security.trust.additionalDomains[0]: Invalid value: "-bad-": spec.security.trust.additionalDomains[0] in body must be of type hostname: "-bad-"',
      'spec.security.trust.additionalDomains: Too many: 3: must have at most 2 items',
    ],
  },
  {
    name: 'array given a string',
    obj: smcpWith({ profiles: 'default' }),
    want: ['spec.profiles: Invalid value: "string": spec.profiles in body must be of type array: "string"'],
  },
  {
    name: 'object given a string',
    obj: { ...seedSmcp(), spec: 'basic' },
    want: ['spec: Invalid value: "string": spec in body must be of type object: "string"'],
  },
  {
    name: 'set list duplicates',
    obj: smcpWith({ profiles: ['default', 'small', 'default', 'default'] }),
    want: ['spec.profiles[2]: Duplicate value: "default"'],
  },
  {
    name: 'null list item of a non-nullable type',
    obj: smcpWith({ profiles: [null] }),
    want: ['spec.profiles[0]: Invalid value: "null": spec.profiles[0] in body must be of type string: "null"'],
  },
  {
    name: 'null fields: dropped when not nullable, kept when nullable',
    obj: smcpWith({ security: { dataPlane: { mtls: null, automtls: null } } }),
    want: [],
  },
  {
    name: 'int-or-string accepts both and reports a boolean as kube-openapi does',
    obj: smcpWith({ gateways: { ingress: { service: { ports: [{ name: 'a', port: 80, targetPort: 8080 }, { name: 'b', port: 81, targetPort: 'http' }, { name: 'c', port: 82, targetPort: true }] } } } }),
    want: [
      `${P}[2].targetPort: Invalid value: "boolean": ${P}[2].targetPort in body must be of type integer,string: "boolean"`,
      `<nil>: Invalid value: "": "${P}[2].targetPort" must validate at least one schema (anyOf)`,
      `${P}[2].targetPort: Invalid value: "boolean": ${P}[2].targetPort in body must be of type integer: "boolean"`,
    ],
  },
  {
    name: 'map list: required key field and duplicate keys',
    obj: smcpWith({ gateways: { ingress: { service: { ports: [{ name: 'http' }, { name: 'http', port: 8080 }, { port: 9000 }] } } } }),
    want: [
      `${P}[0].port: Required value`,
      `${P}[1]: Duplicate value: map[string]interface {}{"name":"http"}`,
    ],
  },
  {
    name: 'additionalProperties values are validated under their key',
    obj: smcpWith({ gateways: { additionalIngress: { 'federation-ingress': { routerMode: 'bad' } } } }),
    want: ['spec.gateways.additionalIngress.federation-ingress.routerMode: Unsupported value: "bad": supported values: "sni-dnat", "standard"'],
  },
  {
    name: 'preserve-unknown-fields subtree is not checked',
    obj: smcpWith({ techPreview: { anything: { goes: [1, 'two', { three: true }] } } }),
    want: [],
  },
  {
    name: 'status: enum, required item fields, required readiness, date-time format',
    obj: { ...seedSmcp(), status: { conditions: [{ status: 'Maybe', lastTransitionTime: 'yesterday' }] } },
    want: [
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      'status.conditions[0].lastTransitionTime: Invalid value: "yesterday": status.conditions[0].lastTransitionTime in body must be of type date-time: "yesterday"',
      'status.conditions[0].type: Required value',
      'status.readiness: Required value',
    ],
  },
  {
    name: 'embedded resource: apiVersion/kind required, names are path segments',
    obj: smcpWith({ addons: { template: { metadata: { name: 'a/b', labels: { 'bad key!': 'x' } }, anything: 1 } } }),
    want: [
      'spec.addons.template.apiVersion: Required value: must not be empty',
      'spec.addons.template.kind: Required value: must not be empty',
      "spec.addons.template.metadata.name: Invalid value: \"a/b\": may not contain '/'",
      "spec.addons.template.metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  },
  {
    name: 'every problem is reported, not just the first',
    obj: smcpWith({ mode: 'x', version: 'y', security: { dataPlane: { mtls: 1 } }, profiles: ['a', 'a'] }),
    want: [
      "spec.version: Invalid value: \"y\": spec.version in body should match '^v[0-9]+\\.[0-9]+$'",
      'spec.mode: Unsupported value: "x": supported values: "ClusterWide", "MultiTenant"',
      'spec.security.dataPlane.mtls: Invalid value: "integer": spec.security.dataPlane.mtls in body must be of type boolean: "integer"',
      'spec.profiles[1]: Duplicate value: "a"',
    ],
  },
];

describe('validateObject messages', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(messages(c.obj), c.want));
  }
});

describe('validateObject unknown fields', () => {
  const obj = smcpWith({ foo: 1, security: { bar: true, dataPlane: { mtls: true } }, techPreview: { kept: true }, addons: { template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', bogus: 1 } } } }, { metadata: { name: 'basic', namespace: 'istio-system', foo: 'x' } });

  it('lists metadata first, then the schema paths sorted, then embedded metadata', () => {
    const result = validateObject(obj, smcpSchema, { fieldValidation: 'Strict' });
    assert.deepEqual(result.unknownFields, ['metadata.foo', 'spec.foo', 'spec.security.bar', 'spec.addons.template.metadata.bogus']);
    assert.deepEqual(result.errors, []);
  });

  it('does not modify the object it validates', () => {
    const before = structuredClone(obj);
    validateObject(obj, smcpSchema, { fieldValidation: 'Warn' });
    assert.deepEqual(obj, before);
  });

  it('does not look for unknown fields under Ignore', () => {
    assert.deepEqual(validateObject(obj, smcpSchema, { fieldValidation: 'Ignore' }).unknownFields, []);
  });
});

describe('admitAgainstSchema', () => {
  it('prunes, defaults and validates the object to be stored', () => {
    const obj = smcpWith({ foo: 1, proxy: { accessLogging: { file: {} }, networking: { trafficControl: { inbound: {} } } }, gateways: { additionalIngress: { fed: {} } } });
    const result = admitAgainstSchema(obj, smcpSchema, { fieldValidation: 'Warn' });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.unknownFields, ['spec.foo']);
    assert.deepEqual(result.warnings, ['unknown field "spec.foo"']);
    const spec = obj['spec'] as Json;
    assert.equal('foo' in spec, false);
    assert.deepEqual(spec['proxy'], { accessLogging: { file: { name: '/dev/stdout', encoding: 'TEXT' } }, networking: { trafficControl: { inbound: { interceptionMode: 'REDIRECT' } } } });
    assert.deepEqual(spec['gateways'], { enabled: true, additionalIngress: { fed: { enabled: true } } });
  });

  it('defaults before validating, so a defaulted enum passes', () => {
    const obj = smcpWith({ gateways: { ingress: { service: { ports: [{ name: 'http', port: 80 }] } } } });
    const result = admitAgainstSchema(obj, smcpSchema, { fieldValidation: 'Strict' });
    assert.deepEqual(result.errors, []);
    assert.equal(((((obj['spec'] as Json)['gateways'] as Json)['ingress'] as Json)['service'] as Json)['ports'] instanceof Array, true);
    assert.deepEqual(result.warnings, []);
  });
});

describe('validateValues', () => {
  it('names fields under a prefix but keeps kube-openapi names in the message (status subresource)', () => {
    const status = (smcpSchema.properties!['status'])!;
    const errs = validateValues({ readiness: {}, conditions: [{ type: 'Ready', status: 'Yes' }] }, status, { pathPrefix: 'status' }).map(formatFieldError);
    assert.deepEqual(errs, ['status.conditions[0].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"']);
  });

  it('reports root-level type errors at the nil path', () => {
    assert.deepEqual(validateValues('x', { type: 'object' }).map(formatFieldError), ['<nil>: Invalid value: "string":  in body must be of type object: "string"']);
  });

  it('checks minLength, minItems, properties bounds and multipleOf with Go number formatting', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        s: { type: 'string' as const, minLength: 3 },
        l: { type: 'array' as const, minItems: 2, items: { type: 'integer' as const, multipleOf: 5 } },
        m: { type: 'object' as const, maxProperties: 1, minProperties: 1, additionalProperties: { type: 'number' as const, exclusiveMinimum: true, minimum: 1000000 } },
        f: { type: 'number' as const, maximum: 2.5 },
      },
    };
    const errs = validateValues({ s: 'ab', l: [7], m: { a: 1.5, b: 2 }, f: 3.25 }, schema).map(formatFieldError);
    assert.deepEqual(errs, [
      's: Invalid value: "ab": s in body should be at least 3 chars long',
      'l[0]: Invalid value: 7: l[0] in body should be a multiple of 5',
      'l: Invalid value: 1: l in body should have at least 2 items',
      'm: Too many: 2: must have at most 1 items',
      'm.a: Invalid value: 1.5: m.a in body should be greater than 1e+06',
      'm.b: Invalid value: 2: m.b in body should be greater than 1000000',
      'f: Invalid value: 3.25: f in body should be less than or equal to 2.5',
    ]);
  });

  it('reports oneOf, allOf and not failures', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        one: { oneOf: [{ required: ['a'] }, { required: ['b'] }] },
        all: { allOf: [{ required: ['a'] }, { required: ['b'] }] },
        not: { not: { required: ['a'] } },
      },
    };
    const errs = validateValues({ one: { a: 1, b: 2 }, all: { a: 1 }, not: { a: 1 } }, schema).map(formatFieldError);
    assert.deepEqual(errs, [
      '<nil>: Invalid value: "": "one" must validate one and only one schema (oneOf). Found 2 valid alternatives',
      'all.b: Required value',
      '<nil>: Invalid value: "": "all" must validate all the schemas (allOf)',
      '<nil>: Invalid value: "": "not" must not validate the schema (not)',
    ]);
  });
});
