// Public API of @calltree/reranker. Listed by name on purpose: nothing else is public.
export {
  reranker,
  RERANKER_DEFAULT_MAX_DOCUMENTS,
  RERANKER_INPUT_DOCUMENTS_OMITTED,
  RERANKER_OUTPUT_DOCUMENTS_OMITTED,
} from "./reranker.js";
export type {
  RerankResultItem,
  RerankDocument,
  RerankDocumentLike,
  RerankerOptions,
  RerankerRecord,
} from "./reranker.js";
