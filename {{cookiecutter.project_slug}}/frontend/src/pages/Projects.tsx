import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import type { Project } from "../api/client";
import { outcome, unwrap } from "../api/errors";
import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { useAction } from "../components/useAction";
import { paths } from "../paths";

/** /t/:slug/projects: the tenant's projects; create one, delete one (after confirming), open one. */
export function Projects() {
  const tenant = useTenant();
  usePageTitle("Projects", tenant.name);
  const queryClient = useQueryClient();
  const key = [...tenant.key, "projects"];
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const projects = useQuery({
    queryKey: key,
    queryFn: () => unwrap(tenant.api.GET("/api/v1/projects/", { params: { ...tenant.params, query: { limit: 200 } } })),
  });

  const [name, setName] = useState("");
  const create = useAction(
    () => outcome(tenant.api.POST("/api/v1/projects/", { params: tenant.params, body: { name } })),
    () => {
      setName("");
      return refresh();
    },
  );
  const [doomed, setDoomed] = useState<Project | null>(null);
  const remove = useAction(
    (project: Project) =>
      outcome(tenant.api.DELETE("/api/v1/projects/{id}/", { params: { ...tenant.params, path: { id: project.id } } })),
    () => {
      setDoomed(null);
      return refresh();
    },
  );

  function onCreate(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }

  return (
    <section>
      <hgroup>
        <h1>Projects</h1>
        <p>{tenant.name}</p>
      </hgroup>
      {projects.isPending && <Loading>Loading projects…</Loading>}
      {projects.isError && <ErrorAlert message={projects.error.message} />}
      {projects.isSuccess && (
        <>
          {projects.data.results.length === 0 ? (
            <p className="muted">No projects yet.</p>
          ) : (
            <ul aria-label="Project list" className="rows">
              {projects.data.results.map((project) => (
                <li key={project.id}>
                  <Link to={paths.project(tenant.slug, project.id)}>{project.name}</Link>
                  <button type="button" className="outline secondary" aria-label={`Delete ${project.name}`}
                    onClick={() => { remove.clear(); setDoomed(project); }}>
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )}
          {projects.data.count > projects.data.results.length && (
            <p className="muted">The first {projects.data.results.length} of {projects.data.count}.</p>
          )}
          <form onSubmit={onCreate} aria-label="New project" className="inline">
            <Field label="Project name" name="name" required maxLength={200} value={name}
              onChange={(e) => setName(e.target.value)} failure={create.failure} />
            <button type="submit" disabled={create.pending} aria-busy={create.pending}>
              Create project
            </button>
            <ErrorAlert failure={create.failure} fields={["name"]} />
          </form>
        </>
      )}
      {doomed && (
        <ConfirmDialog title="Delete this project?" confirm="Delete project" pending={remove.pending}
          onConfirm={() => void remove.run(doomed)} onCancel={() => setDoomed(null)}>
          <p>
            “{doomed.name}” and its tasks will be deleted. This cannot be undone.
          </p>
          <ErrorAlert failure={remove.failure} />
        </ConfirmDialog>
      )}
    </section>
  );
}
