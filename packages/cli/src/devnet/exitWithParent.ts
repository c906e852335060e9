// Loaded into every devnet child (`node --import`): a child whose supervisor is gone (even by
// SIGKILL, which it cannot catch) stops as if it had been sent SIGTERM. The supervisor's end of the
// IPC channel closes with it; the channel itself never keeps the child alive.
const STOP_GRACE_MS = 10_000;

if (process.channel !== undefined) {
  process.channel.unref();
  process.once("disconnect", () => {
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    process.kill(process.pid, "SIGTERM");
  });
}
