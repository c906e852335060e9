export * from "./bytes/index.js";
export * from "./errors/index.js";
export * from "./hashing/index.js";
export * from "./keys/index.js";
export * from "./scale/index.js";
export * from "./trie/index.js";
export * from "./storage/index.js";
