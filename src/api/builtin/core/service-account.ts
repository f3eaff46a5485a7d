/**
 * core/v1 ServiceAccount: names are DNS-1123 subdomains; the SECRETS column counts the
 * legacy `secrets` references.
 */
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { arr } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';

export function serviceAccountKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', scope: 'Namespaced',
    shortNames: ['sa'],
    subresources: { others: ['token'] },
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    table: {
      columns: [nameColumn(), fieldColumn('Secrets', 'string', 'io.k8s.api.core.v1.ServiceAccount', 'secrets'), ageColumn()],
      row: (sa, now) => [sa.metadata.name ?? '', arr(sa.secrets).length, age(sa, now)],
    },
  });
}
