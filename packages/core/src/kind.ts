// @calltree/core/kind: everything a kind package needs, and nothing else. Every calltree kind is written with this
// entry alone, so a third party can write a new kind the same way (tests/kit proves it from a packed tarball).
export { defineKind } from "./define-kind.js";
export { AttributeList } from "./attribute-list.js";
export type { DualMethodDecorator, Kind, KindDefinition } from "./define-kind.js";
export type { CommonOptions } from "./common-options.js";
export type { AnyFunction, CallInfo, CallStart, DecoratedMethod } from "./types.js";
export type { ChildSpan } from "./span-processor.js";
export type { DataKeys } from "./capture/scope.js";
export { hasRedactedJsonKey, hasRedactedKey, safeJson, truncateText, REDACTED, TRUNCATION_MARKER } from "./capture/serialize.js";
export { isRecord, read, readFirst } from "./read.js";
export { DOCUMENT_CONTENT_KEYS, documentKey, isScoredPair, toDocument, writeDocument, writeDocuments } from "./documents.js";
export type { DocumentLike, FlatDocument } from "./documents.js";
export { copyFunctionShape } from "./function-shape.js";
export { CalltreeError, isCalltreeError } from "./errors.js";
export { FIRST_TOKEN_EVENT } from "./conventions.js";
