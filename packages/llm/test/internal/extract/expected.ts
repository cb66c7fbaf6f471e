// Expected attributes of each fixture in fixtures.ts: what the response extractor gives for
// the response, and what the stream aggregator must give for the equivalent stream.

/** Expected attributes of each fixture response (also what its stream must aggregate to). */
export const EXPECTED_CHAT: Record<string, unknown> = {
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.content": "Checking both cities.",
  "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_a",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_weather",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
  "llm.output_messages.0.message.tool_calls.1.tool_call.id": "call_b",
  "llm.output_messages.0.message.tool_calls.1.tool_call.function.name": "get_weather",
  "llm.output_messages.0.message.tool_calls.1.tool_call.function.arguments": '{"city":"Lyon"}',
  "llm.token_count.prompt": 1200,
  "llm.token_count.completion": 40,
  "llm.token_count.total": 1240,
  "llm.token_count.prompt_details.cache_read": 1024,
  "llm.token_count.prompt_details.audio": 0,
  "llm.token_count.completion_details.reasoning": 0,
  "llm.token_count.completion_details.audio": 0,
  "llm.finish_reason": "tool_calls",
  "llm.model_name": "gpt-4o-mini-2024-07-18",
  "llm.provider": "openai",
  "llm.system": "openai",
};

export const EXPECTED_COMPLETION: Record<string, unknown> = {
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.content": "Hi there!",
  "llm.token_count.prompt": 2,
  "llm.token_count.completion": 3,
  "llm.token_count.total": 5,
  "llm.finish_reason": "stop",
  "llm.model_name": "gpt-3.5-turbo-instruct:20230824-v2",
  "llm.provider": "openai",
  "llm.system": "openai",
};

export const EXPECTED_RESPONSES: Record<string, unknown> = {
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
  "llm.output_messages.0.message.contents.0.message_content.text": "The user wants the weather.",
  "llm.output_messages.0.message.contents.0.message_content.id": "rs_1",
  "llm.output_messages.0.message.contents.1.message_content.type": "text",
  "llm.output_messages.0.message.contents.1.message_content.text": "18°C in Paris.",
  "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_9",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_weather",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Lyon"}',
  "llm.token_count.prompt": 300,
  "llm.token_count.completion": 90,
  "llm.token_count.total": 390,
  "llm.token_count.prompt_details.cache_read": 128,
  "llm.token_count.prompt_details.cache_write": 0,
  "llm.token_count.completion_details.reasoning": 64,
  "llm.finish_reason": "completed",
  "llm.model_name": "gpt-5-mini-2025-08-07",
  "llm.provider": "openai",
  "llm.system": "openai",
};

export const EXPECTED_ANTHROPIC: Record<string, unknown> = {
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
  "llm.output_messages.0.message.contents.0.message_content.text": "A tiny PNG.",
  "llm.output_messages.0.message.contents.0.message_content.signature": "EqQBCgIYAhIM",
  "llm.output_messages.0.message.contents.1.message_content.type": "text",
  "llm.output_messages.0.message.contents.1.message_content.text": "A pixel.",
  "llm.output_messages.0.message.tool_calls.0.tool_call.id": "toolu_2",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "lookup",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"q":"pixel"}',
  // input_tokens 50 + cache reads 1000 + cache writes 200: Anthropic's input count excludes both.
  "llm.token_count.prompt": 1250,
  "llm.token_count.completion": 80,
  "llm.token_count.total": 1330,
  "llm.token_count.prompt_details.cache_read": 1000,
  "llm.token_count.prompt_details.cache_write": 200,
  "llm.token_count.completion_details.reasoning": 30,
  "llm.finish_reason": "tool_use",
  "llm.model_name": "claude-sonnet-5-20260301",
  "llm.provider": "anthropic",
  "llm.system": "anthropic",
};

export const EXPECTED_AI_SDK: Record<string, unknown> = {
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
  "llm.output_messages.0.message.contents.0.message_content.text": "Two cities.",
  "llm.output_messages.0.message.contents.1.message_content.type": "text",
  "llm.output_messages.0.message.contents.1.message_content.text": "Looking up.",
  "llm.output_messages.0.message.tool_calls.0.tool_call.id": "tc_2",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "weather",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Lyon"}',
  "llm.token_count.prompt": 400,
  "llm.token_count.completion": 30,
  "llm.token_count.total": 430,
  "llm.token_count.prompt_details.cache_read": 300,
  "llm.token_count.completion_details.reasoning": 20,
  "llm.finish_reason": "tool_calls",
  "llm.model_name": "gpt-4o-mini-2024-07-18",
  "llm.provider": "openai",
  "llm.system": "openai",
};

