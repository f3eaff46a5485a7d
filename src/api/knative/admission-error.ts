/**
 * How a Knative webhook's rejection reaches the client. Knative's validating webhooks answer
 * `BadRequest` with `validation failed: <FieldError text>`; kube-apiserver prefixes the name of
 * the webhook that denied the request and returns HTTP 400, reason BadRequest, so kubectl prints
 *
 *   Error from server (BadRequest): error when creating "svc.yaml": admission webhook
 *   "validation.webhook.serving.knative.dev" denied the request: validation failed:
 *   Traffic targets sum to 90, want 100: spec.traffic
 *
 * KnativeValidationError carries exactly that message as a SkiffError (code
 * SKF_KNATIVE_ADMISSION_DENIED, 400 BadRequest), so the API server's ordinary SkiffError →
 * Status path renders it unchanged.
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import type { KnFieldError } from './field-error.ts';

/** The ValidatingWebhookConfiguration names Knative 1.15 installs. */
export const WEBHOOKS = {
  serving: 'validation.webhook.serving.knative.dev',
  eventing: 'validation.webhook.eventing.knative.dev',
  inMemoryChannel: 'validation.inmemorychannel.eventing.knative.dev',
  kafka: 'validation.webhook.kafka.eventing.knative.dev',
} as const;

export type WebhookName = (typeof WEBHOOKS)[keyof typeof WEBHOOKS];

/** The Status message kube-apiserver returns when a webhook denies a request. */
export function deniedMessage(webhook: string, error: KnFieldError): string {
  return `admission webhook ${JSON.stringify(webhook)} denied the request: validation failed: ${error.toString()}`;
}

export class KnativeValidationError extends SkiffError {
  readonly webhook: string;
  readonly fieldError: KnFieldError;

  constructor(webhook: string, fieldError: KnFieldError) {
    super('SKF_KNATIVE_ADMISSION_DENIED', deniedMessage(webhook, fieldError), { details: { webhook } });
    this.name = 'KnativeValidationError';
    this.webhook = webhook;
    this.fieldError = fieldError;
  }
}
