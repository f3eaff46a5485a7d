import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlay } from './seeds-walk.ts';
import { instanceOf } from './seeds-federation.ts';

test('an excerpt laid over its object: maps merge, scalar lists gain the excerpt\'s items, other values are replaced', () => {
  assert.deepEqual(
    overlay(
      { metadata: { name: 'a', namespace: 'n' }, spec: { excludedPorts: [8444, 8022], ports: [{ port: 1 }], config: { istio: { x: '1' } } } },
      { metadata: { name: 'a' }, spec: { excludedPorts: [8444, 9000], ports: [{ port: 2 }], config: { observability: { y: '2' } } } },
    ),
    { metadata: { name: 'a', namespace: 'n' }, spec: { excludedPorts: [8444, 8022, 9000], ports: [{ port: 2 }], config: { istio: { x: '1' }, observability: { y: '2' } } } },
  );
});

test('a generic command and its filled-in example', () => {
  assert.deepEqual(instanceOf('oc create -n <ControlPlaneNamespace> -f <ExportedServiceSet.yaml>', 'oc create -n red-mesh-system -f export-to-green-mesh.yaml'), {
    '<ControlPlaneNamespace>': 'red-mesh-system',
    '<ExportedServiceSet.yaml>': 'export-to-green-mesh.yaml',
  });
  assert.equal(instanceOf('oc get exportedserviceset <PeerMeshExportedTo> -o yaml', 'oc -n red-mesh-system get exportedserviceset green-mesh -o yaml'), undefined);
  assert.equal(instanceOf('oc project red-mesh-system', 'oc project red-mesh-system'), undefined, 'a command without placeholders is not generic');
});
