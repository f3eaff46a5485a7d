/**
 * Compiled-in kinds as kube-apiserver publishes them in OpenAPI v3: every Go type is a
 * component of its own (`io.k8s.api.core.v1.PodSpec`) and a field refers to it with
 * `allOf: [{$ref}]` next to the field's own description. `kubectl explain` names the types
 * from those references (`containers <[]Container>`, `targetPort <IntOrString>`,
 * `limits <map[string]Quantity>`, `template <PodTemplateSpec>`); an inlined tree would read
 * `<Object>` everywhere.
 *
 * The kind's resolved schema stays the one source: the schema loader remembers which
 * definition each subtree was resolved from (builtinDefinitionOf). IntOrString and Quantity
 * were folded into their fields when definitions.json was generated; they are recognised by
 * shape (`x-kubernetes-int-or-string`, `oneOf: [string, number]`).
 */
import { builtinDefinition, builtinDefinitionOf } from '../../api/builtin/index.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import { refTo, type OpenApiSchema } from './meta-components.ts';

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The v3 components of the two scalar unions, as Kubernetes 1.32 serves them. */
const SCALAR_UNIONS: Readonly<Record<string, OpenApiSchema>> = {
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [QUANTITY]: {
    description: [
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.',
      'The serialization format is:',
      '``` <quantity>        ::= <signedNumber><suffix>',
      '\t(Note that <suffix> may be empty, from the "" case in <decimalSI>.)',
      '<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei',
      '\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)',
      '<decimalSI>       ::= m | "" | k | M | G | T | P | E',
      "\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)",
      '<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber> ```',
      'No matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.',
      'When a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.',
      'Before serializing, Quantity will be put in "canonical form". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:',
      '- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.',
      'The sign will be omitted unless the number is negative.',
      'Examples:',
      '- 1.5 will be serialized as "1500m" - 1.5Gi will be serialized as "1536Mi"',
      'Note that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.',
      "Non-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)",
      'This format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation.',
    ].join('\n\n'),
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
};

function isQuantity(s: JSONSchemaProps): boolean {
  const types = s.oneOf?.map((o) => o.type);
  return types?.length === 2 && types[0] === 'string' && types[1] === 'number' && !s.type;
}

/** The keywords of `node` that its definition does not have (the field's own description). */
function fieldKeywords(node: JSONSchemaProps, definition: JSONSchemaProps): OpenApiSchema {
  const own: OpenApiSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if ((definition as Record<string, unknown>)[key] !== value) own[key] = value;
  }
  return own;
}

function without(node: JSONSchemaProps, keys: readonly string[]): OpenApiSchema {
  return Object.fromEntries(Object.entries(node).filter(([k]) => !keys.includes(k)));
}

/**
 * Collects the components one group-version document needs for its compiled-in kinds.
 * `alreadyPublished` names the components the document gets elsewhere (ObjectMeta, Time …).
 */
export class BuiltinComponents {
  private readonly components = new Map<string, OpenApiSchema>();

  constructor(private readonly alreadyPublished: ReadonlySet<string>) {}

  /** A kind's whole-object schema with its named subtrees turned into references. */
  root(schema: JSONSchemaProps): OpenApiSchema {
    return this.children(schema);
  }

  /** Every component the roots converted so far refer to. */
  entries(): Array<[string, OpenApiSchema]> {
    return [...this.components];
  }

  private node(s: JSONSchemaProps): OpenApiSchema {
    const origin = builtinDefinitionOf(s);
    if (origin) {
      this.publish(origin, () => this.children(builtinDefinition(origin)));
      return refTo(origin, fieldKeywords(s, builtinDefinition(origin)));
    }
    if (s['x-kubernetes-int-or-string']) {
      this.publish(INT_OR_STRING, () => SCALAR_UNIONS[INT_OR_STRING]!);
      return refTo(INT_OR_STRING, without(s, ['x-kubernetes-int-or-string', 'format']));
    }
    if (isQuantity(s)) {
      this.publish(QUANTITY, () => SCALAR_UNIONS[QUANTITY]!);
      return refTo(QUANTITY, without(s, ['oneOf']));
    }
    return this.children(s);
  }

  private children(s: JSONSchemaProps): OpenApiSchema {
    const out: OpenApiSchema = { ...s };
    if (s.properties) out['properties'] = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, this.node(v)]));
    if (s.items) out['items'] = this.node(s.items);
    if (typeof s.additionalProperties === 'object') out['additionalProperties'] = this.node(s.additionalProperties);
    return out;
  }

  private publish(name: string, build: () => OpenApiSchema): void {
    if (this.alreadyPublished.has(name) || this.components.has(name)) return;
    this.components.set(name, {}); // claimed first: a definition reached again while building is not rebuilt
    this.components.set(name, build());
  }
}
