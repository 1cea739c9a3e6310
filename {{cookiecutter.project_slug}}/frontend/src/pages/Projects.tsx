import { useEffect, useState, type FormEvent } from "react";

import { apiClient, type Project } from "../api/client";
import { outcome } from "../api/errors";
import { tenantBaseUrl, tenantParams } from "../api/tenant";

type Props = { token: string; tenant: string; onOpen: (project: Project) => void };

/** The tenant's projects: list, create, delete; a project opens its tasks. */
export function Projects({ token, tenant, onOpen }: Props) {
  const api = apiClient(token, tenantBaseUrl(tenant));
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function load() {
    const answer = await outcome(
      api.GET("/api/v1/projects/", { params: { ...tenantParams(tenant), query: { limit: 200 } } }),
    );
    if (answer.ok) setProjects(answer.data.results);
    else setError(answer.message);
  }

  // Loads once: the component is keyed by its tenant (and project), so a new one mounts for another.
  useEffect(() => void load(), []);

  async function create(event: FormEvent) {
    event.preventDefault();
    const answer = await outcome(api.POST("/api/v1/projects/", { params: tenantParams(tenant), body: { name } }));
    if (!answer.ok) return setError(answer.message);
    setError(null);
    setName("");
    setProjects((current) => [...(current ?? []), answer.data]);
  }

  async function remove(project: Project) {
    const answer = await outcome(
      api.DELETE("/api/v1/projects/{id}/", { params: { ...tenantParams(tenant), path: { id: project.id } } }),
    );
    if (!answer.ok) return setError(answer.message);
    setProjects((current) => (current ?? []).filter((each) => each.id !== project.id));
  }

  return (
    <section aria-label="Projects">
      <h2>Projects</h2>
      {error && <p role="alert">{error}</p>}
      {projects === null && !error && <p className="muted">Loading…</p>}
      {projects !== null && (
        <>
          <ul aria-label="Project list">
            {projects.map((project) => (
              <li key={project.id}>
                <button type="button" className="link" onClick={() => onOpen(project)}>
                  {project.name}
                </button>
                <button type="button" aria-label={`Delete ${project.name}`} onClick={() => remove(project)}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
          {projects.length === 0 && <p className="muted">No projects yet.</p>}
          <form onSubmit={create} aria-label="New project">
            <input aria-label="Project name" placeholder="New project" value={name} onChange={(e) => setName(e.target.value)} required />
            <button type="submit">Create project</button>
          </form>
        </>
      )}
    </section>
  );
}
