// Public API of @calltree/retriever. Listed by name on purpose: nothing else is public.
export { retriever, RETRIEVER_DEFAULT_MAX_DOCUMENTS, RETRIEVAL_DOCUMENTS_OMITTED } from "./retriever.js";
export type { RetrievedDocumentLike, RetrievedDocument, RetrieverOptions, RetrieverRecord } from "./retriever.js";
