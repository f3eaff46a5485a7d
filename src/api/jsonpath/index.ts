/** Kubernetes JSONPath (client-go util/jsonpath dialect) and CRD printer-column cells. */
export type { JsonPathNode, JsonPathTemplate } from './ast.ts';
export { parseJsonPath } from './parser.ts';
export { evaluateJsonPath, findJsonPathResults, formatJsonPath, formatJsonPathValue, type JsonPathOptions } from './evaluate.ts';
export { printerColumnCell } from './printer-column.ts';
