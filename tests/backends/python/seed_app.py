"""The seed's own Python program (the Phoenix + litellm blog post), extended to call a calltree-instrumented
TypeScript HTTP service with W3C trace context.

litellm.completion goes to the local stand-in (STAND_IN_OPENAI_URL); spans go to Phoenix through
arize-phoenix-otel's register(project_name="hinbox", batch=True, auto_instrument=True), which reads
PHOENIX_COLLECTOR_ENDPOINT. The TypeScript service is at TS_SERVICE_URL. Prints one JSON line: the answer and the
trace id.
"""

import json
import os
import urllib.request

import litellm
from opentelemetry import trace
from opentelemetry.propagate import inject
from phoenix.otel import register

tracer_provider = register(
    project_name="hinbox",
    batch=True,
    auto_instrument=True,
    set_global_tracer_provider=True,
)
tracer = tracer_provider.get_tracer(__name__)
TRACE_IDS: list = []


@tracer.llm
def query_llm(prompt: str) -> str:
    completion_response = litellm.completion(
        model="openai/gpt-4o-mini",
        api_base=os.environ["STAND_IN_OPENAI_URL"],
        api_key="sk-test",
        messages=[{"content": prompt, "role": "user"}],
    )
    return completion_response.choices[0].message.content


@tracer.agent
def summarize_remotely(capitals: list) -> str:
    # W3C trace context: the TypeScript service's spans join this trace.
    headers = {"content-type": "application/json"}
    inject(headers)
    request = urllib.request.Request(
        os.environ["TS_SERVICE_URL"],
        data=json.dumps({"capitals": capitals}).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["summary"]


@tracer.chain
def my_llm_application() -> str:
    TRACE_IDS.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))
    query1 = query_llm("What's the capital of China? Just give me the name.")
    query2 = query_llm("What's the capital of Japan? Just give me the name.")
    return summarize_remotely([query1, query2])


if __name__ == "__main__":
    answer = my_llm_application()
    tracer_provider.force_flush()
    tracer_provider.shutdown()
    print(json.dumps({"answer": answer, "traceIds": TRACE_IDS}))
