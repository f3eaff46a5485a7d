/**
 * The names OpenShift's service CA reads and writes (openshift/service-ca-operator
 * pkg/controller/api). Each annotation has a beta and an older alpha spelling: both are
 * honoured on input; on output the controller writes what upstream writes.
 */

/** On a Service: the Secret to put its serving certificate in. */
export const SECRET_NAME = 'service.beta.openshift.io/serving-cert-secret-name';
export const ALPHA_SECRET_NAME = 'service.alpha.openshift.io/serving-cert-secret-name';
/** On a Service: the signer's common name, once its certificate is issued. */
export const SIGNED_BY = 'service.beta.openshift.io/serving-cert-signed-by';
export const ALPHA_SIGNED_BY = 'service.alpha.openshift.io/serving-cert-signed-by';
/** On a Service: why the last issuance failed, and how many times in a row it has. */
export const GENERATION_ERROR = 'service.beta.openshift.io/serving-cert-generation-error';
export const ALPHA_GENERATION_ERROR = 'service.alpha.openshift.io/serving-cert-generation-error';
export const GENERATION_ERROR_NUM = 'service.beta.openshift.io/serving-cert-generation-error-num';
export const ALPHA_GENERATION_ERROR_NUM = 'service.alpha.openshift.io/serving-cert-generation-error-num';

/** On a serving Secret: the Service it was made for (name for reverse look-up, UID for identity). */
export const ORIGINATING_SERVICE_NAME = 'service.beta.openshift.io/originating-service-name';
export const ALPHA_ORIGINATING_SERVICE_NAME = 'service.alpha.openshift.io/originating-service-name';
export const ORIGINATING_SERVICE_UID = 'service.beta.openshift.io/originating-service-uid';
export const ALPHA_ORIGINATING_SERVICE_UID = 'service.alpha.openshift.io/originating-service-uid';
/** On a serving Secret: the certificate's notAfter, RFC 3339 to the second. */
export const EXPIRY = 'service.beta.openshift.io/expiry';
export const ALPHA_EXPIRY = 'service.alpha.openshift.io/expiry';

/** On a ConfigMap: "true" asks for the signer's bundle under `service-ca.crt`. */
export const INJECT_CABUNDLE = 'service.beta.openshift.io/inject-cabundle';
export const ALPHA_INJECT_CABUNDLE = 'service.alpha.openshift.io/inject-cabundle';
export const CABUNDLE_KEY = 'service-ca.crt';

/** Ownership annotations OpenShift puts on what its components generate. */
export const OWNING_COMPONENT = 'openshift.io/owning-component';
export const DESCRIPTION = 'openshift.io/description';
export const OWNING_COMPONENT_VALUE = 'service-ca';

/** Where the signer lives (the operator's `signing-key` Secret). */
export const SIGNER_NAMESPACE = 'openshift-service-ca';
export const SIGNER_SECRET = 'signing-key';

/**
 * Consecutive failures after which a Service is left alone until someone clears its error
 * annotations (upstream's maxRetries): a name clash does not hot-loop for ever.
 */
export const MAX_FAILURES = 10;

/** The field manager of every write (the operator's binary name, as managedFields show it on OpenShift). */
export const FIELD_MANAGER = 'service-ca-operator';
