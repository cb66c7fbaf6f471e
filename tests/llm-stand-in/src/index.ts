// The stand-in's public API. Everything under ./internal is private to this package.
export { startStandIn } from "./stand-in.js";
export type {
  ChatApi,
  RecordedRequest,
  ReplyContext,
  StandIn,
  StandInAnswer,
  StandInFault,
  StandInOptions,
  StandInUsage,
  StreamEnd,
} from "./types.js";
