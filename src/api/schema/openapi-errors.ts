/**
 * kube-openapi's validation errors (pkg/validation/errors/schema.go) converted to field
 * errors the way apiextensions-apiserver does (validation.go kubeOpenAPIResultToFieldErrors).
 * The message texts keep kube-openapi's wording (`<name> in body must be of type boolean:
 * "string"`), the field paths and error types are apimachinery's.
 *
 * `name` is kube-openapi's path: `spec.ports[0].port`, or `.key` for an additional property
 * of the root. The field path drops a leading dot; the message keeps the name as it is.
 */
import type { FieldError } from '../field-error.ts';
import { goNumber, goQuote } from './go-format.ts';

const IN = 'body';

export class OpenApiErrors {
  readonly errors: FieldError[] = [];
  private readonly keys: string[] = [];
  private readonly seen = new Set<string>();

  /** @param prefix the field path the validated value lives at (e.g. `status`), or '' for the whole object. */
  constructor(private readonly prefix: string) {}

  /** A fresh collector for trying one alternative (anyOf/oneOf/allOf/not). */
  fork(): OpenApiErrors {
    return new OpenApiErrors(this.prefix);
  }

  merge(other: OpenApiErrors): void {
    other.errors.forEach((e, i) => this.add(other.keys[i]!, e));
  }

  get count(): number {
    return this.errors.length;
  }

  private field(name: string): string {
    const trimmed = name.startsWith('.') ? name.slice(1) : name;
    if (name === '' || name === '.') return this.prefix === '' ? '<nil>' : this.prefix;
    return this.prefix === '' ? trimmed : `${this.prefix}.${trimmed}`;
  }

  /** kube-openapi's Result.AddErrors drops an error whose message was already reported. */
  private add(key: string, e: FieldError): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.keys.push(key);
    this.errors.push(e);
  }

  invalidType(name: string, typeName: string, observed: string): void {
    const message = `${name} in ${IN} must be of type ${typeName}: ${goQuote(observed)}`;
    this.add(message, { type: 'FieldValueTypeInvalid', field: this.field(name), value: observed, detail: message });
  }

  required(name: string): void {
    this.add(`${name} in ${IN} is required`, { type: 'FieldValueRequired', field: this.field(name) });
  }

  tooLong(name: string, max: number): void {
    this.add(`${name} in ${IN} should be at most ${max} chars long`, { type: 'FieldValueTooLong', field: this.field(name), detail: `may not be more than ${max} bytes` });
  }

  enumFail(name: string, value: unknown, allowed: readonly unknown[]): void {
    const supported = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    this.add(`${name} in ${IN} should be one of ${JSON.stringify(allowed)}`, { type: 'FieldValueNotSupported', field: this.field(name), value, supported });
  }

  tooManyItems(name: string, max: number, size: number): void {
    this.add(`${name} in ${IN} should have at most ${max} items`, { type: 'FieldValueTooMany', field: this.field(name), value: size, detail: `must have at most ${max} items` });
  }

  tooManyProperties(name: string, max: number, size: number): void {
    this.add(`${name} in ${IN} should have at most ${max} properties`, { type: 'FieldValueTooMany', field: this.field(name), value: size, detail: `must have at most ${max} items` });
  }

  /** Every other kube-openapi validation error becomes `Invalid value: <value>: <message>`. */
  invalid(name: string, value: unknown, message: string): void {
    this.add(message, { type: 'FieldValueInvalid', field: this.field(name), value, detail: message });
  }

  tooShort(name: string, min: number, value: string): void {
    this.invalid(name, value, `${name} in ${IN} should be at least ${min} chars long`);
  }

  failedPattern(name: string, pattern: string, value: string): void {
    this.invalid(name, value, `${name} in ${IN} should match '${pattern}'`);
  }

  tooFewItems(name: string, min: number, size: number): void {
    this.invalid(name, size, `${name} in ${IN} should have at least ${min} items`);
  }

  duplicateItems(name: string): void {
    this.invalid(name, '', `${name} in ${IN} shouldn't contain duplicates`);
  }

  tooFewProperties(name: string, min: number, size: number): void {
    this.invalid(name, size, `${name} in ${IN} should have at least ${min} properties`);
  }

  propertyNotAllowed(name: string, key: string): void {
    this.invalid(name, key, `${name}.${key} in ${IN} is a forbidden property`);
  }

  /** `bound` is already rendered (int64 bounds print as integers, float64 bounds with %v). */
  exceedsMaximum(name: string, bound: string, exclusive: boolean, value: number): void {
    this.invalid(name, value, `${name} in ${IN} should be less than ${exclusive ? '' : 'or equal to '}${bound}`);
  }

  exceedsMinimum(name: string, bound: string, exclusive: boolean, value: number): void {
    this.invalid(name, value, `${name} in ${IN} should be greater than ${exclusive ? '' : 'or equal to '}${bound}`);
  }

  notMultipleOf(name: string, factor: string, value: number): void {
    this.invalid(name, value, `${name} in ${IN} should be a multiple of ${factor}`);
  }

  multipleOfMustBePositive(name: string, factor: number): void {
    this.invalid(name, factor, `factor MultipleOf declared for ${name} must be positive: ${goNumber(factor)}`);
  }

  /**
   * Errors that are not kube-openapi Validation values (anyOf/oneOf/allOf/not) carry no
   * field: apiextensions reports them at the validator's own path, which for a whole
   * object is the nil path Go prints as `<nil>`.
   */
  composite(message: string): void {
    this.add(message, { type: 'FieldValueInvalid', field: this.prefix === '' ? '<nil>' : this.prefix, value: '', detail: message });
  }
}
