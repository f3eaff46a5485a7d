/**
 * Test fixture: a representative slice of the ServiceMeshControlPlane v2 CRD schema
 * (maistra.io; field names and types as upstream), extended with the structural features
 * the engine must handle: int-or-string ports, enums, patterns, bounds, list-type map and
 * set lists, nullable fields, defaults, an embedded resource and preserve-unknown-fields.
 */
import type { JSONSchemaProps } from '../../schema-types.ts';

export const smcpSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        version: { type: 'string', pattern: '^v[0-9]+\\.[0-9]+$' },
        mode: { type: 'string', enum: ['ClusterWide', 'MultiTenant'] },
        profiles: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        security: {
          type: 'object',
          properties: {
            dataPlane: {
              type: 'object',
              properties: {
                mtls: { type: 'boolean', description: 'Enable mTLS for all data plane traffic.' },
                automtls: { type: 'boolean', nullable: true },
              },
            },
            trust: {
              type: 'object',
              properties: {
                domain: { type: 'string', maxLength: 20 },
                additionalDomains: { type: 'array', items: { type: 'string', format: 'hostname' }, maxItems: 2 },
              },
            },
          },
        },
        techPreview: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        proxy: {
          type: 'object',
          properties: {
            concurrency: { type: 'integer', minimum: 1, maximum: 64 },
            accessLogging: { type: 'object', properties: { file: { type: 'object', properties: { name: { type: 'string', default: '/dev/stdout' }, encoding: { type: 'string', default: 'TEXT' } } } } },
            networking: {
              type: 'object',
              properties: {
                trafficControl: {
                  type: 'object',
                  properties: {
                    inbound: {
                      type: 'object',
                      properties: {
                        excludedPorts: { type: 'array', items: { type: 'integer' } },
                        interceptionMode: { type: 'string', enum: ['REDIRECT', 'TPROXY'], default: 'REDIRECT' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        gateways: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: true },
            ingress: {
              type: 'object',
              properties: {
                service: {
                  type: 'object',
                  properties: {
                    type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
                    ports: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                      items: {
                        type: 'object',
                        required: ['port'],
                        properties: {
                          name: { type: 'string' },
                          port: { type: 'integer', format: 'int32' },
                          targetPort: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                          protocol: { type: 'string', default: 'TCP' },
                        },
                      },
                    },
                    metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } },
                  },
                },
              },
            },
            additionalIngress: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: {
                  enabled: { type: 'boolean', default: true },
                  routerMode: { type: 'string', enum: ['sni-dnat', 'standard'] },
                },
              },
            },
          },
        },
        addons: {
          type: 'object',
          properties: {
            template: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              'x-kubernetes-preserve-unknown-fields': true,
            },
          },
        },
      },
    },
    status: {
      type: 'object',
      required: ['readiness'],
      properties: {
        readiness: { type: 'object', properties: { components: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: { type: 'string' },
              status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
              lastTransitionTime: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
};

/** The seed document's ServiceMeshControlPlane (002, section 1.3), as JSON. */
export function seedSmcp(): Record<string, unknown> {
  return {
    apiVersion: 'maistra.io/v2',
    kind: 'ServiceMeshControlPlane',
    metadata: { name: 'basic', namespace: 'istio-system' },
    spec: {
      profiles: ['default'],
      security: { dataPlane: { mtls: true } },
      techPreview: { meshConfig: { defaultConfig: { terminationDrainDuration: '35s' } } },
      gateways: { ingress: { service: { metadata: { labels: { knative: 'ingressgateway' } } } } },
      proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8444, 8022] } } } },
    },
  };
}
