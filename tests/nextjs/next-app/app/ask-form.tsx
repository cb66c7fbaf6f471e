"use client";
import { useState } from "react";
import { askAction } from "./actions";

export function AskForm() {
  const [answer, setAnswer] = useState("");
  async function ask(form: FormData) {
    setAnswer("");
    const stream = await askAction(String(form.get("question")));
    for await (const text of stream) setAnswer((a) => a + text);
  }
  return (
    <form action={ask}>
      <input name="question" />
      <button type="submit">Ask</button>
      <output>{answer}</output>
    </form>
  );
}
