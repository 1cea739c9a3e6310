import type { Failure } from "../api/errors";

type Props = { message?: string | null; failure?: Failure | null; fields?: string[] };

/**
 * The server's ``detail``, announced. With ``fields`` (the inputs a form shows), a 400 whose
 * messages are already shown next to those inputs says nothing more here.
 */
export function ErrorAlert({ message, failure, fields = [] }: Props) {
  const text = message ?? failure?.message;
  if (!text) return null;
  if (failure && fields.some((name) => failure.fields[name]?.length)) return null;
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}
