/**
 * Renders the OpenAPI document as one self-contained HTML page for `/docs`: no scripts, no external
 * resources; the only inline style is allowed by its hash in {@link DOCS_CSP}.
 */
import { createHash } from 'node:crypto';
import { AUTH_TEXT } from './openapi.js';

const CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2329;background:#fafbfc}
main{max-width:980px;margin:0 auto;padding:24px}
h1 small{font-weight:normal;color:#6a737d;font-size:60%}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
pre{background:#f0f2f4;padding:10px;border-radius:6px;overflow:auto;max-height:420px}
article{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:4px 16px 12px;margin:16px 0}
.method{display:inline-block;min-width:64px;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:1px 6px;margin-right:6px}
.get{background:#2e7d32}.post{background:#1565c0}.patch{background:#ef6c00}.delete{background:#c62828}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e1e4e8;text-align:left;padding:4px 8px;vertical-align:top}
nav li{margin:2px 0}
a{color:#0b57d0}
@media (prefers-color-scheme: dark){
body{color:#e7e8ea;background:#131417}
h1 small{color:#a3a8b0}
pre{background:#23262b}
article{background:#1b1d21;border-color:#363a41}
td,th{border-color:#363a41}
a{color:#8ab4ff}
}
`;

/** How errors look, in the docs page's Authentication section. */
const ERRORS_HTML =
  '<p>Errors always look like <code>{"error":{"code":"…","message":"…"}}</code>; the message says what to do. ' +
  'On the dashboard WebSocket (<a href="#get-api-ws">/api/ws</a>) every command of the dashboard runs as a <code>call</code> message, ' +
  'and a failed one answers <code>{"ok":false,"error":{"code":"…","message":"…"}}</code> without closing the socket.</p>';

/** The tab icon, inline (img-src allows data:), so the browser asks for no /favicon.ico. */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E" +
  "%3Crect width='16' height='16' rx='3' fill='%231f4fc4'/%3E" +
  "%3Cpath d='M4 11V5h2l2 3 2-3h2v6h-2V8l-2 3-2-3v3z' fill='white'/%3E%3C/svg%3E";

/** CSP for `/docs`: nothing but our one inline style block. */
export const DOCS_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Obj = Readonly<Record<string, unknown>>;

const METHODS = ['get', 'post', 'patch', 'delete'] as const;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const asObj = (value: unknown): Obj => (typeof value === 'object' && value !== null ? (value as Obj) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function resolveRef(doc: Obj, value: unknown): Obj {
  const target = str(asObj(value)['$ref']);
  if (!target.startsWith('#/')) return asObj(value);
  return asObj(
    target
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => asObj(node)[key], doc),
  );
}

const anchor = (method: string, path: string): string => `${method}-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`;
const jsonBlock = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function schemaName(schema: unknown): string {
  const ref = str(asObj(schema)['$ref']);
  return ref ? (ref.split('/').pop() ?? '') : str(asObj(schema)['type']);
}

function renderParameters(parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters.map((p) => {
    const param = asObj(p);
    const cells = [
      `<code>${escapeHtml(str(param['name']))}</code>`,
      escapeHtml(str(param['in'])),
      param['required'] === true ? 'yes' : 'no',
      escapeHtml(schemaName(param['schema'])),
      escapeHtml(str(param['description'])),
    ];
    return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  return `<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr>${rows.join('')}</table>`;
}

function renderBody(doc: Obj, requestBody: unknown): string {
  if (requestBody === undefined) return '';
  const body = resolveRef(doc, requestBody);
  const media = asObj(asObj(body['content'])['application/json']);
  const name = schemaName(media['schema']);
  const schema = resolveRef(doc, media['schema']);
  const required = body['required'] === true ? ', required' : ', optional';
  return (
    `<h4>Request body (application/json${required}): ${escapeHtml(name)}</h4>` +
    `${jsonBlock(schema)}<p>Example:</p>${jsonBlock(media['example'])}`
  );
}

function renderResponses(doc: Obj, responses: unknown): string {
  const items = Object.entries(asObj(responses)).map(([status, value]) => {
    const response = resolveRef(doc, value);
    const media = asObj(asObj(response['content'])['application/json']);
    const example = media['example'] === undefined ? '' : jsonBlock(media['example']);
    return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(str(response['description']))}${example}</li>`;
  });
  return `<h4>Responses</h4><ul>${items.join('')}</ul>`;
}

/** The `x-commands` table of an operation (the socket's commands), if it has one. */
function renderCommands(commands: unknown): string {
  if (!Array.isArray(commands) || commands.length === 0) return '';
  const rows = commands.map((c) => {
    const command = asObj(c);
    const cell = (key: string, code: boolean): string =>
      code ? `<td><code>${escapeHtml(str(command[key]))}</code></td>` : `<td>${escapeHtml(str(command[key]))}</td>`;
    return `<tr>${cell('name', true)}${cell('args', true)}${cell('value', true)}${cell('does', false)}</tr>`;
  });
  return `<h4>Commands</h4><table><tr><th>name</th><th>args</th><th>value</th><th>What it does</th></tr>${rows.join('')}</table>`;
}

/** The `x-messages` examples of an operation (client → server and server → client), if it has them. */
function renderMessages(messages: unknown): string {
  const groups = asObj(messages);
  const section = (key: string, title: string): string => {
    const examples = Object.entries(asObj(groups[key]));
    if (examples.length === 0) return '';
    return `<h4>${title}</h4>${examples.map(([name, example]) => `<p>${escapeHtml(name)}:</p>${jsonBlock(example)}`).join('')}`;
  };
  return section('client', 'Messages the client sends') + section('server', 'Messages the server sends');
}

/** The `/docs` page for an OpenAPI document: every endpoint, its parameters, bodies and examples. */
export function renderDocsPage(document: Obj, origin = 'http://127.0.0.1:47821'): string {
  const info = asObj(document['info']);
  const paths = Object.entries(asObj(document['paths']));
  const operations = paths.flatMap(([path, item]) =>
    METHODS.filter((m) => asObj(item)[m] !== undefined).map((method) => ({ path, method, op: asObj(asObj(item)[method]) })),
  );
  const nav = operations
    .map(
      ({ path, method, op }) =>
        `<li><a href="#${anchor(method, path)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> ${escapeHtml(str(op['summary']))}</li>`,
    )
    .join('');
  const articles = operations
    .map(({ path, method, op }) =>
      [
        `<article id="${anchor(method, path)}">`,
        `<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(path)}</code></h3>`,
        `<p><strong>${escapeHtml(str(op['summary']))}</strong></p>`,
        op['description'] ? `<p>${escapeHtml(str(op['description']))}</p>` : '',
        renderParameters(op['parameters']),
        renderCommands(op['x-commands']),
        renderMessages(op['x-messages']),
        renderBody(document, op['requestBody']),
        renderResponses(document, op['responses']),
        '</article>',
      ].join(''),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(str(info['title']))}</title>
<meta name="color-scheme" content="light dark">
<link rel="icon" href="${FAVICON}">
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(str(info['title']))} <small>${escapeHtml(str(info['version']))}</small></h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>. The dashboard is at <a href="/">/</a>.</p>
<section id="auth">
<h2>Authentication</h2>
<p>${escapeHtml(AUTH_TEXT)}</p>
<pre>curl -H "Authorization: Bearer $CCMAX_TOKEN" ${escapeHtml(origin)}/api/state</pre>
${ERRORS_HTML}
</section>
<section>
<h2>Endpoints</h2>
<ul>${nav}</ul>
${articles}
</section>
</main>
</body>
</html>
`;
}
