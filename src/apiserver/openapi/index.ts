/** OpenAPI v3 for kubectl (validation, explain, client-side apply): documents, cache, HTTP exchange. */
export { buildGroupVersionDoc, buildOpenApiIndex, contentHash, type OpenApiDocument, type OpenApiIndex } from './document.ts';
export { openApiV3Response, type OpenApiRequest, type OpenApiResponse } from './http-response.ts';
export { definitionName, groupVersionPath } from './names.ts';
export { OpenApiV3Service, type KindSource, type ServedDocument } from './service.ts';
