export type { LookupEntry } from "./portableRegistry.js";
export { PortableRegistry } from "./portableRegistry.js";
export { buildMetadata, METADATA_MAGIC_NUMBER, runtimeMetadataV14 } from "./runtimeMetadata.js";
