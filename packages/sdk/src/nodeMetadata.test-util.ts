import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { ChainMetadata } from "./chain/chainMetadata.js";

/** The node's own runtime (tests only: the SDK itself never imports the node). */
export const runtime = createPhalaRuntime();

/** What the node answers to `state_getMetadata`, as the SDK reads it. */
export const nodeMetadata = ChainMetadata.decode(buildMetadata(runtime));
