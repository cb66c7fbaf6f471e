import { AskForm } from "./ask-form";

export default function Page() {
  return (
    <main>
      <AskForm />
    </main>
  );
}
