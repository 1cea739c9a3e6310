import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { useToken } from "../auth/session";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { useAction } from "../components/useAction";
import { paths } from "../paths";
import { slugFrom } from "../slug";

/** /tenants/new: POST /api/v1/tenants/ makes a tenant the user owns; then /auth/me/ again, and it opens. */
export function NewTenant() {
  usePageTitle("Create a tenant");
  const token = useToken();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTyped, setSlugTyped] = useState(false);
  const create = useAction(
    () => outcome(apiClient(token).POST("/api/v1/tenants/", { body: { slug, name } })),
    async (made) => {
      // The switcher and the tenant's pages read its name and the user's role from /auth/me/.
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      navigate(paths.projects(made.slug));
    },
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }

  return (
    <article className="narrow">
      <h1>Create a tenant</h1>
      <p>A workspace of its own for your team: you are its owner, and invite the others.</p>
      <form onSubmit={onSubmit} aria-label="Create a tenant">
        <Field label="Name" name="name" required maxLength={200} value={name} failure={create.failure}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugTyped) setSlug(slugFrom(e.target.value));
          }} />
        <Field label="Address (slug)" name="slug" required minLength={2} maxLength={40} pattern="[a-z][a-z0-9\-]*"
          title="Lowercase letters, digits and hyphens, starting with a letter" value={slug} failure={create.failure}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugTyped(true);
          }} />
        <ErrorAlert failure={create.failure} fields={["name", "slug"]} />
        <button type="submit" disabled={create.pending} aria-busy={create.pending}>
          Create tenant
        </button>
      </form>
    </article>
  );
}
