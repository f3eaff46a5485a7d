/**
 * A user CRD for the semantics suites: namespaced `Widget` (example.com/v1) with a status
 * subresource, printer columns (one wide-only), a short name, a category, a required field,
 * bounds, an enum and a schema default — everything kubectl and the API server treat
 * specially about custom kinds — plus a helper that applies it and waits for Established.
 */
import type { Kubectl } from './kubectl.ts';

export const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    listKind: WidgetList
    shortNames: [wg]
    categories: [gadgets]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Ready
      type: string
      jsonPath: .status.conditions[?(@.type=="Ready")].status
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    - name: Owner
      type: string
      priority: 1
      jsonPath: .spec.owner
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              color: {type: string, enum: [red, green, blue], default: red}
              owner: {type: string}
          status:
            type: object
            properties:
              observedGeneration: {type: integer}
              phase: {type: string}
              conditions:
                type: array
                items:
                  type: object
                  required: [type, status]
                  properties:
                    type: {type: string}
                    status: {type: string}
                    reason: {type: string}
                    message: {type: string}
                    observedGeneration: {type: integer}
                    lastTransitionTime: {type: string, format: date-time}
`;

export function widget(name: string, spec: Record<string, unknown>, extra: { namespace?: string; finalizers?: string[]; status?: object } = {}): string {
  return JSON.stringify({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, ...(extra.namespace ? { namespace: extra.namespace } : {}), ...(extra.finalizers ? { finalizers: extra.finalizers } : {}) },
    spec,
    ...(extra.status ? { status: extra.status } : {}),
  });
}

/** Applies the Widget CRD and waits until the API server serves it. */
export async function installWidgetCrd(kubectl: Kubectl): Promise<void> {
  await kubectl.ok(['apply', '-f', '-'], { stdin: WIDGET_CRD });
  await kubectl.ok(['wait', '--for', 'condition=established', '--timeout=20s', 'crd/widgets.example.com']);
}
