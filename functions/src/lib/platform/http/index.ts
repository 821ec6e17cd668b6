// The request layer's public surface.
export { defineEndpoint } from './endpoint.js';
export type { EndpointContext, EndpointDeps, EndpointHandler, EndpointSpec, RateLimitSpec } from './endpoint.js';
export { HttpError, errorBody, isHttpError } from './errors.js';
export type { ErrorBody, HttpErrorOptions } from './errors.js';
export type { EndpointResponse } from './responses.js';
export type { HttpMethod } from './request-checks.js';
export type { IdTokenVerifier } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES } from './request-checks.js';
