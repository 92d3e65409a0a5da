/**
 * Exact-path routing: the API has a handful of fixed paths, so a table of
 * method + path is all that is needed, and a path with the wrong method
 * answers 405 with Allow (RFC 9110 §15.5.6) rather than 404.
 */
export type RouteMatch<H> =
  | { readonly found: true; readonly handler: H }
  | { readonly found: false; readonly status: 404 }
  | { readonly found: false; readonly status: 405; readonly allow: readonly string[] };

export class Router<H> {
  private readonly routes = new Map<string, Map<string, H>>();

  add(method: string, path: string, handler: H): this {
    let byMethod = this.routes.get(path);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.routes.set(path, byMethod);
    }
    if (byMethod.has(method)) throw new Error(`route ${method} ${path} is defined twice`);
    byMethod.set(method, handler);
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    const byMethod = this.routes.get(path);
    if (byMethod === undefined) return { found: false, status: 404 };
    const handler = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
    if (handler !== undefined) return { found: true, handler };
    const allow = [...byMethod.keys()];
    if (allow.includes('GET')) allow.push('HEAD');
    return { found: false, status: 405, allow };
  }
}
