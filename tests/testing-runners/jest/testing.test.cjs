// @calltree/testing as a user runs it under jest, through the CommonJS build.
const { chain } = require("@calltree/chain");
const { captureTraces } = require("@calltree/testing");

const ask = chain.wrap(async function ask(q) { return `answer to ${q}`; });
const run = chain.wrap(async function run(q) { return ask(q); });

describe("@calltree/testing under jest (CommonJS)", () => {
  let traces;
  beforeEach(() => { traces = captureTraces(); });
  afterEach(() => traces.restore());

  test("captures a trace and matches its shape", async () => {
    await run("why");
    traces.expect([{ kind: "CHAIN", name: "run", children: [{ kind: "CHAIN", name: "ask" }] }]);
    expect(traces.find({ name: "ask" })[0].attributes["output.value"]).toBe("answer to why");
  });

  test("a wrong shape fails with expected and actual trees for the diff", async () => {
    await run("why");
    expect(() => traces.expect([{ kind: "CHAIN", name: "run", children: [{ kind: "TOOL", name: "ask" }] }])).toThrow(
      /--- expected\nCHAIN run\n {2}TOOL ask\n--- actual\nCHAIN run\n {2}CHAIN ask/,
    );
  });
});
