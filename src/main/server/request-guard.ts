/**
 * Who may talk to the loopback API. A web page the user visits can make the browser send requests
 * to 127.0.0.1; two checks stop it:
 * - DNS rebinding: a page on evil.com rebinds its name to 127.0.0.1, so its requests arrive with
 *   `Host: evil.com:PORT`. Only the loopback names with our port are accepted (as Ollama's fix
 *   for CVE-2024-28224 does).
 * - Cross-site requests: a foreign page's fetch or form post carries its own Origin, which is
 *   refused; same-origin pages (the UI served at /) and non-browser clients (no Origin) pass.
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** The Host values that name this server: 127.0.0.1:PORT, localhost:PORT, [::1]:PORT. */
export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((name) => `${name}:${port}`));
}

/** The origins of pages this server serves itself. */
export function allowedOrigins(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((name) => `http://${name}:${port}`));
}

/** Host names are case-insensitive; anything else (missing, empty, other name or port) is refused. */
export function isAllowedHost(host: string | undefined, allowed: Set<string>): boolean {
  return typeof host === 'string' && allowed.has(host.toLowerCase());
}

/** No Origin (curl, scripts, same-origin GET navigations) is fine; any other origin, "null" included, is not. */
export function isAllowedOrigin(origin: string | string[] | undefined, allowed: Set<string>): boolean {
  if (origin === undefined) return true;
  return typeof origin === 'string' && allowed.has(origin.toLowerCase());
}
