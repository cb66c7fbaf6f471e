export { startCollector } from "./collector.js";
export type { Collector, CollectorOptions, CollectorStats, TraceInfo } from "./collector.js";
