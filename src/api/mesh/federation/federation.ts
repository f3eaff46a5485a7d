/**
 * The federation kinds (federation.maistra.io/v1): ServiceMeshPeer, ExportedServiceSet and
 * ImportedServiceSet. Their rules are all in the CRD schemas (enums for rule types, required
 * fields); none declares printer columns, so tables show the default Age column. Peers
 * carry the `maistra-io` category, the service sets none.
 */
import type { KindDefinition } from '../../kind.ts';
import { crdKind } from '../crd-kind.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';

const GROUP = 'federation.maistra.io';

export function serviceMeshPeerKind(): KindDefinition {
  return crdKind({
    group: GROUP, kind: 'ServiceMeshPeer', plural: 'servicemeshpeers', categories: ['maistra-io'],
    versions: [{ name: 'v1', storage: true, schema: MESH_SCHEMAS.serviceMeshPeer.v1 }],
  });
}

export function exportedServiceSetKind(): KindDefinition {
  return crdKind({
    group: GROUP, kind: 'ExportedServiceSet', plural: 'exportedservicesets',
    versions: [{ name: 'v1', storage: true, schema: MESH_SCHEMAS.exportedServiceSet.v1 }],
  });
}

export function importedServiceSetKind(): KindDefinition {
  return crdKind({
    group: GROUP, kind: 'ImportedServiceSet', plural: 'importedservicesets',
    versions: [{ name: 'v1', storage: true, schema: MESH_SCHEMAS.importedServiceSet.v1 }],
  });
}
