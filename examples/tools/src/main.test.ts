import { test } from "node:test";
import assert from "node:assert/strict";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { onlySpan, runExample, runExampleExporting } from "@calltree-examples/example-runner";

const main = new URL("./main.js", import.meta.url);
const ANSWER = 'Tool weather returned: {"city":"Paris","sky":"clear","celsius":24}';
const WEATHER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string", description: "The city's name, e.g. Paris" } },
  required: ["city"],
};

test("tools: model call, tool call, model call, all under the agent in one printed tree", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `answer: ${ANSWER}\n`);
  assert.deepEqual(run.outline, [
    "AGENT TravelAgent.run",
    "  LLM TravelAgent.chat",
    "  TOOL TravelAgent.weather",
    "  LLM TravelAgent.chat",
  ]);
  assert.match(run.stderr, /LLM TravelAgent\.chat .*gpt-4o-mini.*18 tok(ens)? \(8 in, 10 out\)/);
  assert.match(run.stderr, /LLM TravelAgent\.chat .*gpt-4o-mini.*68 tok(ens)? \(41 in, 27 out\)/);
  assert.deepEqual(run.diagnostics, []);
});

test("tools: exported, the model is offered both zod tools and the tool span carries the model's call id and arguments", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 1);
  const chats = run.spans.filter((s) => s.name === "TravelAgent.chat");
  assert.equal(chats.length, 2);
  const [first, second] = chats.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));

  const offered = (i: number) =>
    JSON.parse(String(first!.attributes[`${SemanticConventions.LLM_TOOLS}.${i}.${SemanticConventions.TOOL_JSON_SCHEMA}`])) as unknown;
  assert.deepEqual(offered(0), {
    type: "function",
    function: { name: "weather", description: "Current weather in a city", parameters: WEATHER_SCHEMA },
  });
  assert.deepEqual(offered(1), {
    type: "function",
    function: {
      name: "to_fahrenheit",
      description: "Convert a temperature from degrees Celsius to Fahrenheit",
      parameters: { type: "object", properties: { celsius: { type: "number" } }, required: ["celsius"] },
    },
  });
  const toolCall = `${SemanticConventions.LLM_OUTPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_TOOL_CALLS}.0`;
  const callId = first!.attributes[`${toolCall}.${SemanticConventions.TOOL_CALL_ID}`];
  assert.match(String(callId), /^call_standin_\d+$/);
  assert.equal(first!.attributes[`${toolCall}.${SemanticConventions.TOOL_CALL_FUNCTION_NAME}`], "weather");

  const weather = onlySpan(run.spans, "TravelAgent.weather");
  assert.equal(weather.attributes[SemanticConventions.TOOL_NAME], "weather");
  assert.equal(weather.attributes[SemanticConventions.TOOL_DESCRIPTION], "Current weather in a city");
  assert.deepEqual(JSON.parse(String(weather.attributes[SemanticConventions.TOOL_PARAMETERS])), WEATHER_SCHEMA);
  assert.equal(weather.attributes[SemanticConventions.TOOL_ID], callId);
  assert.equal(weather.attributes[SemanticConventions.INPUT_VALUE], '{"city":"Paris"}');
  assert.equal(weather.attributes[SemanticConventions.OUTPUT_VALUE], '{"city":"Paris","sky":"clear","celsius":24}');

  const toolMessage = `${SemanticConventions.LLM_INPUT_MESSAGES}.2`;
  assert.equal(second!.attributes[`${toolMessage}.${SemanticConventions.MESSAGE_ROLE}`], "tool");
  assert.equal(second!.attributes[`${toolMessage}.${SemanticConventions.MESSAGE_TOOL_CALL_ID}`], callId);
  assert.equal(second!.attributes[`${SemanticConventions.LLM_OUTPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_CONTENT}`], ANSWER);
  assert.equal(onlySpan(run.spans, "TravelAgent.run").attributes[SemanticConventions.OUTPUT_VALUE], ANSWER);
});
