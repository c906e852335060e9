export type {
  CommandEnvelopeErrorCode,
  CommandRefusalCode,
  CommandReplyBody,
  CommandReplyEvent,
  SealedCommand,
} from "./commandEnvelope.js";
export { CommandEnvelopeError, openCommandReply, sealContractCommand } from "./commandEnvelope.js";
export type { CommandReplies, CommandReply, ContractCommand, StateRootReport } from "./contractMessages.js";
export {
  COMMAND_REPLIES_TOPIC,
  CONTRACT_COMMAND_PURPOSE,
  CONTRACT_INIT_PURPOSE,
  CONTRACT_REPLY_PURPOSE,
  commandRepliesCodec,
  commandReplyCodec,
  contractCommandCodec,
  contractCommandTopic,
  MAX_REPLIES_PER_MESSAGE,
  MAX_REPLY_BYTES,
  packCommandReplies,
  STATE_ROOT_TOPIC,
  stateRootReportCodec,
} from "./contractMessages.js";
export type {
  CertificateBody,
  QueryAnswer,
  QueryCertificate,
  QueryErrorCode,
  QueryRequest,
  ReceivedQuery,
  SignedQuery,
} from "./contractQuery.js";
export {
  decodeReceivedQuery,
  decodeSignedQuery,
  QUERY_CERTIFICATE_DOMAIN,
  QUERY_MAX_AGE_MS,
  QUERY_NONCE_LENGTH,
  QUERY_REQUEST_PURPOSE,
  QUERY_RESPONSE_PURPOSE,
  QUERY_SIGNING_DOMAIN,
  QueryError,
  queryAnswerCodec,
  queryCertificateCodec,
  queryRequestCodec,
  querySigningPrefix,
  signedQueryCodec,
  signQuery,
  signQueryCertificate,
  verifyQueryCertificate,
  verifyQuerySignature,
} from "./contractQuery.js";
export type { PreparedQuery, QueryResult } from "./querySession.js";
export { QUERY_RESPONSE_DOMAIN, QuerySession, queryResponseSigningPayload } from "./querySession.js";
