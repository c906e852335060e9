import { PhalaError } from "../errors/phalaError.js";

export type MqErrorCode = "MQ_INVALID_TOPIC" | "MQ_INVALID_ORIGIN" | "MQ_INVALID_SEQUENCE" | "MQ_INVALID_SIGNATURE";

export class MqError extends PhalaError<MqErrorCode> {
  override readonly name = "MqError";
}
