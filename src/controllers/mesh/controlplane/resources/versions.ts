/**
 * Versions as the Maistra operator 2.5.1 reports them: its own version (`status.operatorVersion`),
 * the chart version each supported mesh version installs (`status.chartVersion`, the
 * VERSION column, read from the charts' `maistra-version` label), and the reconciled
 * version string `<operatorVersion>-<generation>` members compare against.
 */
export const OPERATOR_VERSION = '2.5.1';

const CHART_VERSIONS: Record<string, string> = { 'v2.3': '2.3.11', 'v2.4': '2.4.7', 'v2.5': '2.5.1' };

export function chartVersionOf(version: string): string {
  return CHART_VERSIONS[version] ?? CHART_VERSIONS['v2.5']!;
}

export function meshGenerationOf(generation: number, operatorVersion = OPERATOR_VERSION): string {
  return `${operatorVersion}-${generation}`;
}

/** Meshes before v2.4 keep injection off in their own namespace (maistra.io/ignore-namespace). */
export function ignoresOwnNamespace(version: string): boolean {
  return version === 'v2.3' || version < 'v2.3';
}
