// The OTLP trace messages (opentelemetry-proto v1: collector/trace/v1, trace/v1, common/v1, resource/v1) as a
// protobufjs reflection root, built with protobufjs' public `light` entry.
//
// Why written here: no package exposes OTLP request *decoding* through a public entry. @opentelemetry/otlp-transformer
// 0.223 encodes with a hand-written writer and decodes responses only; the pbjs-generated root older releases
// shipped (build/src/generated/root.js) was never a public path. Field names are the lowerCamelCase of OTLP/JSON;
// numbers and types are those of the .proto files. otlp-proto.test.ts proves the schema against the official
// serializers: what ProtobufTraceSerializer encodes decodes to what JsonTraceSerializer writes, field by field,
// and the response it writes is read back by ProtobufTraceSerializer.deserializeResponse.
import protobuf from "protobufjs/light.js";

const keyValues = (id: number) => ({ rule: "repeated", type: "KeyValue", id });

const OTLP_TRACE = {
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: "repeated", type: "ResourceSpans", id: 1 } } },
    ExportTraceServiceResponse: { fields: { partialSuccess: { type: "ExportTracePartialSuccess", id: 1 } } },
    ExportTracePartialSuccess: { fields: { rejectedSpans: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } } },
    ResourceSpans: {
      fields: {
        resource: { type: "Resource", id: 1 },
        scopeSpans: { rule: "repeated", type: "ScopeSpans", id: 2 },
        schemaUrl: { type: "string", id: 3 },
      },
    },
    Resource: {
      fields: {
        attributes: keyValues(1),
        droppedAttributesCount: { type: "uint32", id: 2 },
        entityRefs: { rule: "repeated", type: "EntityRef", id: 3 },
      },
    },
    EntityRef: {
      fields: {
        schemaUrl: { type: "string", id: 1 },
        type: { type: "string", id: 2 },
        idKeys: { rule: "repeated", type: "string", id: 3 },
        descriptionKeys: { rule: "repeated", type: "string", id: 4 },
      },
    },
    ScopeSpans: {
      fields: {
        scope: { type: "InstrumentationScope", id: 1 },
        spans: { rule: "repeated", type: "Span", id: 2 },
        schemaUrl: { type: "string", id: 3 },
      },
    },
    InstrumentationScope: {
      fields: {
        name: { type: "string", id: 1 },
        version: { type: "string", id: 2 },
        attributes: keyValues(3),
        droppedAttributesCount: { type: "uint32", id: 4 },
      },
    },
    Span: {
      fields: {
        traceId: { type: "bytes", id: 1 },
        spanId: { type: "bytes", id: 2 },
        traceState: { type: "string", id: 3 },
        parentSpanId: { type: "bytes", id: 4 },
        flags: { type: "fixed32", id: 16 },
        name: { type: "string", id: 5 },
        kind: { type: "int32", id: 6 },
        startTimeUnixNano: { type: "fixed64", id: 7 },
        endTimeUnixNano: { type: "fixed64", id: 8 },
        attributes: keyValues(9),
        droppedAttributesCount: { type: "uint32", id: 10 },
        events: { rule: "repeated", type: "Event", id: 11 },
        droppedEventsCount: { type: "uint32", id: 12 },
        links: { rule: "repeated", type: "Link", id: 13 },
        droppedLinksCount: { type: "uint32", id: 14 },
        status: { type: "Status", id: 15 },
      },
    },
    Event: {
      fields: {
        timeUnixNano: { type: "fixed64", id: 1 },
        name: { type: "string", id: 2 },
        attributes: keyValues(3),
        droppedAttributesCount: { type: "uint32", id: 4 },
      },
    },
    Link: {
      fields: {
        traceId: { type: "bytes", id: 1 },
        spanId: { type: "bytes", id: 2 },
        traceState: { type: "string", id: 3 },
        attributes: keyValues(4),
        droppedAttributesCount: { type: "uint32", id: 5 },
        flags: { type: "fixed32", id: 6 },
      },
    },
    // Field 1 is reserved (the deprecated code); enums are carried as int32, the JSON mapping's numbers.
    Status: { fields: { message: { type: "string", id: 2 }, code: { type: "int32", id: 3 } } },
    AnyValue: {
      oneofs: { value: { oneof: ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"] } },
      fields: {
        stringValue: { type: "string", id: 1 },
        boolValue: { type: "bool", id: 2 },
        intValue: { type: "int64", id: 3 },
        doubleValue: { type: "double", id: 4 },
        arrayValue: { type: "ArrayValue", id: 5 },
        kvlistValue: { type: "KeyValueList", id: 6 },
        bytesValue: { type: "bytes", id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: "repeated", type: "AnyValue", id: 1 } } },
    KeyValueList: { fields: { values: keyValues(1) } },
    KeyValue: { fields: { key: { type: "string", id: 1 }, value: { type: "AnyValue", id: 2 } } },
  },
};

/** The part of protobufjs' `Type` the codec uses. */
export interface MessageType {
  decode(reader: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): object;
  encode(message: object): { finish(): Uint8Array };
}

const root = protobuf.Root.fromJSON(OTLP_TRACE);

/** `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`. */
export const ExportTraceServiceRequest: MessageType = root.lookupType("ExportTraceServiceRequest");
/** `opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse`. */
export const ExportTraceServiceResponse: MessageType = root.lookupType("ExportTraceServiceResponse");
