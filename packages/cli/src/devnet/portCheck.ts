import { createServer } from "node:net";
import { DevnetError } from "./devnetError.js";

/** Whether something already listens on `host:port` (port 0 is never in use). */
export async function portInUse(port: number, host: string): Promise<boolean> {
  if (port === 0) return false;
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(true);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

export interface WantedPort {
  readonly port: number;
  /** Whose port it is, for the message: "the node's RPC". */
  readonly owner: string;
  /** The flag that changes it. */
  readonly flag: string;
}

/** Throws `DEVNET_PORT_IN_USE` naming the first port taken, its owner and the flag that moves it. */
export async function assertPortsFree(wanted: readonly WantedPort[], host: string): Promise<void> {
  for (const { port, owner, flag } of wanted) {
    if (await portInUse(port, host)) {
      throw new DevnetError(
        "DEVNET_PORT_IN_USE",
        `port ${port} (${owner}) is already in use: stop what listens there, or choose another with ${flag} (0 lets the system pick)`,
        { port, owner, flag },
      );
    }
  }
}
