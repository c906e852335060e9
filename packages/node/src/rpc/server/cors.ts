/** `"*"`: any origin; a list: only those origins (also checked on WebSocket upgrades); `false`: no CORS headers. */
export type CorsOrigins = "*" | readonly string[] | false;

/** The `Access-Control-Allow-Origin` value for a request from `origin`, if any. */
export function allowOriginHeader(cors: CorsOrigins, origin: string | undefined): string | undefined {
  if (cors === false) return undefined;
  if (cors === "*") return "*";
  return origin !== undefined && cors.includes(origin) ? origin : undefined;
}

/** Requests without an Origin header come from non-browser clients, which CORS does not concern. */
export function originAllowed(cors: CorsOrigins, origin: string | undefined): boolean {
  if (cors === false || cors === "*" || origin === undefined) return true;
  return cors.includes(origin);
}
