import { useEffect, useState, type FormEvent } from "react";

import { apiClient, type Project, type Task } from "../api/client";
import { outcome } from "../api/errors";
import { tenantBaseUrl, tenantParams } from "../api/tenant";

type Props = { token: string; tenant: string; project: Project; onBack: () => void };

/** A project's tasks (GET /api/v1/tasks/?project=<id>), and a new one. */
export function Tasks({ token, tenant, project, onBack }: Props) {
  const api = apiClient(token, tenantBaseUrl(tenant));
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function load() {
    const answer = await outcome(
      api.GET("/api/v1/tasks/", { params: { ...tenantParams(tenant), query: { project: project.id, limit: 200 } } }),
    );
    if (answer.ok) setTasks(answer.data.results);
    else setError(answer.message);
  }

  // Loads once: the component is keyed by its tenant (and project), so a new one mounts for another.
  useEffect(() => void load(), []);

  async function create(event: FormEvent) {
    event.preventDefault();
    const body = { project: project.id, title, done: false };
    const answer = await outcome(api.POST("/api/v1/tasks/", { params: tenantParams(tenant), body }));
    if (!answer.ok) return setError(answer.message);
    setError(null);
    setTitle("");
    setTasks((current) => [...(current ?? []), answer.data]);
  }

  return (
    <section aria-label="Tasks">
      <button type="button" onClick={onBack}>
        ← Projects
      </button>
      <h2>Tasks of {project.name}</h2>
      {error && <p role="alert">{error}</p>}
      {tasks !== null && (
        <>
          <ul aria-label="Task list">
            {tasks.map((task) => (
              <li key={task.id}>
                <span>{task.title}</span>
                <span className="muted">{task.done ? "done" : "open"}</span>
              </li>
            ))}
          </ul>
          {tasks.length === 0 && <p className="muted">No tasks yet.</p>}
          <form onSubmit={create} aria-label="New task">
            <input aria-label="Task title" placeholder="New task" value={title} onChange={(e) => setTitle(e.target.value)} required />
            <button type="submit">Add task</button>
          </form>
        </>
      )}
    </section>
  );
}
