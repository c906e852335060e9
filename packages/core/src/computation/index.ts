export type { Heartbeat, HeartbeatChallenge } from "./heartbeat.js";
export {
  answersChallenge,
  HEARTBEAT_CHALLENGE_TOPIC,
  HEARTBEAT_TOPIC,
  heartbeatChallengeCodec,
  heartbeatCodec,
} from "./heartbeat.js";
