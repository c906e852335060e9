import { describe, expect, it } from "vitest";
import { devAccount } from "../accounts/account.js";
import type { ChainContext } from "../chain/chainContext.js";
import { QueryClient, SESSION_MAX_QUERIES } from "./queryClient.js";

describe("QueryClient sessions", () => {
  const alice = devAccount("Alice");
  const bob = devAccount("Bob");

  it("keeps one certificate per account for SESSION_MAX_QUERIES queries, then signs a new one", () => {
    const client = new QueryClient({} as ChainContext);
    const first = client.session(alice);
    for (let i = 1; i < SESSION_MAX_QUERIES; i++) expect(client.session(alice)).toBe(first);
    const renewed = client.session(alice);
    expect(renewed).not.toBe(first);
    expect(renewed.certificate.body.ephemeral).not.toEqual(first.certificate.body.ephemeral);
    expect(client.session(alice)).toBe(renewed);
  });

  it("never shares a certificate between accounts", () => {
    const client = new QueryClient({} as ChainContext);
    expect(client.session(alice)).not.toBe(client.session(bob));
  });

  it("replaces a certificate near its expiry", () => {
    const client = new QueryClient({} as ChainContext, { sessionTtlMs: 1_000 });
    const first = client.session(alice);
    expect(client.session(alice)).not.toBe(first);
  });
});
