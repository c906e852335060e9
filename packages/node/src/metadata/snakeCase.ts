/** `dispatchInfo` → `dispatch_info`, `transferKeepAlive` → `transfer_keep_alive`, as Rust spells them. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
