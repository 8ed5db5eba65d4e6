/**
 * A small JSON Schema checker (the subset our OpenAPI document uses), so tests can hold real
 * responses and examples against the documented schemas. Returns the list of problems.
 */
type Schema = Readonly<Record<string, unknown>>;

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const matchesType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
};

/** Checks `value` against `schema`, resolving `#/…` refs in `root`; an empty list means valid. */
export function checkSchema(root: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], root) as Schema | undefined;
    if (!target) return [`${at}: unresolved ${ref}`];
    return checkSchema(root, target, value, at);
  }
  const problems: string[] = [];
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => matchesType(value, t))) return [`${at}: expected ${types.join('|')}, got ${typeOf(value)}`];
  }
  if ('const' in schema && value !== schema['const']) problems.push(`${at}: expected ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) problems.push(`${at}: below minimum`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) problems.push(`${at}: above maximum`);
  }
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) problems.push(`${at}: too short`);
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) problems.push(`${at}: too long`);
  }
  if (Array.isArray(schema['anyOf'])) {
    const ok = (schema['anyOf'] as Schema[]).some((s) => checkSchema(root, s, value, at).length === 0);
    if (!ok) problems.push(`${at}: matches no anyOf branch`);
  }
  if (Array.isArray(schema['oneOf'])) {
    const hits = (schema['oneOf'] as Schema[]).filter((s) => checkSchema(root, s, value, at).length === 0).length;
    if (hits !== 1) problems.push(`${at}: matches ${hits} oneOf branches, expected 1`);
  }
  if (typeOf(value) === 'object') problems.push(...checkObject(root, schema, value as Record<string, unknown>, at));
  if (Array.isArray(value) && schema['items']) {
    value.forEach((item, i) => problems.push(...checkSchema(root, schema['items'] as Schema, item, `${at}[${i}]`)));
  }
  return problems;
}

function checkObject(root: Schema, schema: Schema, value: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const key of (schema['required'] ?? []) as string[]) {
    if (!(key in value)) problems.push(`${at}: missing required ${key}`);
  }
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (property) problems.push(...checkSchema(root, property, item, `${at}.${key}`));
    else if (schema['additionalProperties'] === false) problems.push(`${at}: unexpected property ${key}`);
    else if (typeof schema['additionalProperties'] === 'object') {
      problems.push(...checkSchema(root, schema['additionalProperties'] as Schema, item, `${at}.${key}`));
    }
  }
  return problems;
}
