export * from "./extrinsic/index.js";
export * from "./metadata/index.js";
export * from "./rpc/server/index.js";
export * from "./txpool/index.js";
