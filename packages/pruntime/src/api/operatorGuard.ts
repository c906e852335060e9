import { timingSafeEqual } from "node:crypto";
import { ApiError } from "./apiError.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Who may call operator endpoints: with a token configured, whoever presents it (`Authorization:
 * Bearer <token>`), wherever they are; without one, only callers on the loopback interface.
 */
export function checkOperator(token: string | undefined, remoteAddress: string | undefined, authorization?: string) {
  if (token === undefined) {
    if (remoteAddress !== undefined && LOOPBACK.has(remoteAddress)) return;
    throw new ApiError("API_FORBIDDEN", "operator endpoints answer only on loopback unless a token is configured");
  }
  const presented = Buffer.from(authorization?.startsWith("Bearer ") ? authorization.slice(7) : "");
  const expected = Buffer.from(token);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw new ApiError("API_FORBIDDEN", "a valid operator token is required");
  }
}
