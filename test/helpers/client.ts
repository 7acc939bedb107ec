import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

let ipCounter = 1;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Res<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

/**
 * A browser-like client over app.inject: keeps cookies, fetches and sends the CSRF token the way
 * the web app does, and comes from its own IP so per-IP limits do not bleed between tests.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  apiKey: string | null = null;
  workspaceId: string | null = null;
  readonly ip: string;

  constructor(readonly app: FastifyInstance, opts: { ip?: string } = {}) {
    const n = ipCounter++;
    this.ip = opts.ip ?? `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private storeCookies(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async ensureCsrf() {
    if (this.csrf) return this.csrf;
    const res = await this.request('GET', '/api/v1/auth/csrf', { csrf: false });
    this.csrf = res.body.token;
    return this.csrf!;
  }

  async request<T = any>(method: string, url: string, opts: { body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    else if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (this.workspaceId) headers['x-workspace-id'] = this.workspaceId;
    if (MUTATING.has(method) && opts.csrf !== false && !this.apiKey) {
      headers['x-csrf-token'] = await this.ensureCsrf();
      headers.cookie = this.cookieHeader();
    }
    let payload: string | Buffer | undefined;
    if (opts.rawBody !== undefined) payload = opts.rawBody;
    else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const raw = await this.app.inject({ method: method as 'GET', url, headers, payload, remoteAddress: this.ip });
    this.storeCookies(raw);
    const type = String(raw.headers['content-type'] ?? '');
    const body = type.includes('json') && raw.body ? JSON.parse(raw.body) : raw.body;
    return { status: raw.statusCode, body, headers: raw.headers, raw };
  }

  /** Sends one file as multipart/form-data in the field "file", the way a browser form does. */
  async upload<T = any>(url: string, filename: string, content: string | Buffer, contentType = 'text/csv'): Promise<Res<T>> {
    const boundary = '----mstest' + Math.random().toString(16).slice(2);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
      Buffer.isBuffer(content) ? content : Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.request<T>('POST', url, { rawBody: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  }

  get = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>('GET', url, { headers });
  post = <T = any>(url: string, body?: unknown) => this.request<T>('POST', url, { body });
  patch = <T = any>(url: string, body?: unknown) => this.request<T>('PATCH', url, { body });
  delete = <T = any>(url: string) => this.request<T>('DELETE', url);

  async signup(input: { email?: string; password?: string; name?: string } = {}) {
    const email = input.email ?? `user${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.com`;
    const res = await this.post('/api/v1/auth/signup', { email, password: input.password ?? 'correct horse battery staple', name: input.name ?? 'Test User' });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { email, password: input.password ?? 'correct horse battery staple', user: res.body.user, workspace: res.body.workspace };
  }
}
