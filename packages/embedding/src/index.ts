// Public API of @calltree/embedding. Listed by name on purpose: nothing else is public.
export {
  embedding,
  DEFAULT_MAX_EMBEDDINGS,
  DEFAULT_MAX_VECTORS,
  EMBEDDINGS_OMITTED,
  VECTORS_OMITTED,
} from "./embedding.js";
export type { EmbeddingOptions, EmbeddingRecord, RecordedEmbedding } from "./embedding.js";
