export type { Message } from "./message.js";
export { decodeMessage, encodeMessage, MAX_PAYLOAD_BYTES, messageCodec } from "./message.js";
export type { MessageOrigin, MessageOriginType } from "./messageOrigin.js";
export {
  accountOrigin,
  assertValidOrigin,
  clusterOrigin,
  contractOrigin,
  decodeMessageOrigin,
  encodeMessageOrigin,
  gatekeeperOrigin,
  messageOriginCodec,
  palletOrigin,
  workerOrigin,
} from "./messageOrigin.js";
export type { MqErrorCode } from "./mqError.js";
export { MqError } from "./mqError.js";
export type { SignedMessage } from "./signedMessage.js";
export {
  decodeSignedMessage,
  encodeSignedMessage,
  MQ_SIGNATURE_LENGTH,
  MQ_SIGNING_DOMAIN,
  messageSigningPayload,
  sequenceCodec,
  signedMessageCodec,
  signedMessagePayload,
  signMessage,
  verifySignedMessage,
} from "./signedMessage.js";
export type { Topic } from "./topic.js";
export {
  assertValidTopic,
  isOnChainOnlyTopic,
  isValidTopic,
  phalaTopic,
  topicFromString,
  topicToString,
} from "./topic.js";
