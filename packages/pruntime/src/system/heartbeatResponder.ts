import {
  answersChallenge,
  decodeExact,
  equalBytes,
  HEARTBEAT_TOPIC,
  heartbeatChallengeCodec,
  heartbeatCodec,
  type Message,
  utf8,
  workerOrigin,
} from "@phala-ts/core";
import { isWorkerRegistered } from "../chain/chainStorage.js";
import type { BlockContext, MessageHandler } from "../dispatch/messageRouter.js";

const CHALLENGER = utf8("PhalaComputation");

/**
 * Answers the chain's heartbeat challenges for this worker: when it is registered (in the
 * verified state of the challenge's block) and its key wins the draw, it queues a signed
 * heartbeat for pherry to relay. Stateless: replaying the same blocks gives the same answers, so
 * a pRuntime resumed from an older checkpoint re-creates exactly the messages it had queued.
 */
export class HeartbeatResponder implements MessageHandler {
  constructor(readonly identityPublicKey: Uint8Array) {}

  handle(message: Message, block: BlockContext): void {
    if (message.sender.type !== "Pallet" || !equalBytes(message.sender.value, CHALLENGER)) return;
    const challenge = decodeExact(heartbeatChallengeCodec.dec, message.payload, "HeartbeatChallenge");
    if (!isWorkerRegistered(block.state, this.identityPublicKey)) return;
    if (!answersChallenge(this.identityPublicKey, challenge)) return;
    block.egress.push(
      workerOrigin(this.identityPublicKey),
      HEARTBEAT_TOPIC,
      heartbeatCodec.enc({ challengeBlock: challenge.blockNumber }),
    );
  }
}
