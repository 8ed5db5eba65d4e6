/**
 * Builders shared by the parts of the OpenAPI document: `$ref`s, JSON bodies, error responses and
 * the response sets every operation declares.
 */
import type { JsonSchema } from './openapi-schemas.js';

/** An OpenAPI operation object. */
export type Operation = Readonly<Record<string, unknown>>;

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

/** A JSON response with a named schema and one example. */
export const jsonBody = (schemaName: string, example: unknown, description: string): JsonSchema => ({
  description,
  content: { 'application/json': { schema: schemaRef(schemaName), example } },
});

/** An error response (the `Error` schema) with its example code and message. */
export const errorResponse = (description: string, code: string, message: string): JsonSchema => ({
  description,
  content: { 'application/json': { schema: schemaRef('Error'), example: { error: { code, message } } } },
});

/** A JSON request body with a named schema and one example. */
export const requestBody = (schemaName: string, example: unknown, required: boolean): JsonSchema => ({
  required,
  content: { 'application/json': { schema: schemaRef(schemaName), example } },
});

/** Refusals every operation can answer: no token, foreign origin, our failure. */
export const common = { '401': responseRef('Unauthorized'), '403': responseRef('Forbidden'), '500': responseRef('Internal') };

/** {@link common} plus the refusals of an operation that reads a body. */
export const withBody = {
  ...common,
  '400': responseRef('BadRequest'),
  '413': responseRef('PayloadTooLarge'),
  '415': responseRef('UnsupportedMediaType'),
};
