import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";

import type { Project as ProjectData, Task } from "../api/client";
import { outcome, unwrap } from "../api/errors";
import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { useAction } from "../components/useAction";
import { paths, routeId } from "../paths";
import { NotFound } from "./NotFound";

/** /t/:slug/projects/:id: a project (rename it) and its tasks (add, done/undone, delete after confirming). */
export function Project() {
  const id = routeId(useParams().id);
  return id === null ? <NotFound /> : <ProjectPage id={id} />;
}

function ProjectPage({ id }: { id: number }) {
  const tenant = useTenant();
  const project = useQuery({
    queryKey: [...tenant.key, "projects", id],
    queryFn: () => unwrap(tenant.api.GET("/api/v1/projects/{id}/", { params: { ...tenant.params, path: { id } } })),
  });
  usePageTitle(project.data?.name ?? "Project", tenant.name);

  return (
    <section>
      <nav aria-label="Breadcrumb">
        <ul>
          <li>
            <Link to={paths.projects(tenant.slug)}>Projects</Link>
          </li>
          <li>{project.data?.name ?? "Project"}</li>
        </ul>
      </nav>
      {project.isPending && <Loading>Loading the project…</Loading>}
      {project.isError && <ErrorAlert message={project.error.message} />}
      {project.isSuccess && (
        <>
          <h1>{project.data.name}</h1>
          <Rename key={project.data.name} project={project.data} />
          <Tasks project={project.data} />
        </>
      )}
    </section>
  );
}

function Rename({ project }: { project: ProjectData }) {
  const tenant = useTenant();
  const queryClient = useQueryClient();
  const [name, setName] = useState(project.name);
  const rename = useAction(
    () =>
      outcome(
        tenant.api.PATCH("/api/v1/projects/{id}/", { params: { ...tenant.params, path: { id: project.id } }, body: { name } }),
      ),
    () => queryClient.invalidateQueries({ queryKey: [...tenant.key, "projects"] }),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void rename.run();
  }

  return (
    <details>
      <summary>Rename this project</summary>
      <form onSubmit={onSubmit} aria-label="Rename project" className="inline">
        <Field label="New name" name="name" required maxLength={200} value={name}
          onChange={(e) => setName(e.target.value)} failure={rename.failure} />
        <button type="submit" disabled={rename.pending || name === project.name} aria-busy={rename.pending}>
          Rename
        </button>
        <ErrorAlert failure={rename.failure} fields={["name"]} />
      </form>
    </details>
  );
}

function Tasks({ project }: { project: ProjectData }) {
  const tenant = useTenant();
  const queryClient = useQueryClient();
  const key = [...tenant.key, "tasks", project.id];
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const tasks = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(tenant.api.GET("/api/v1/tasks/", { params: { ...tenant.params, query: { project: project.id, limit: 200 } } })),
  });

  const [title, setTitle] = useState("");
  const create = useAction(
    () => outcome(tenant.api.POST("/api/v1/tasks/", { params: tenant.params, body: { project: project.id, title, done: false } })),
    () => {
      setTitle("");
      return refresh();
    },
  );
  const [doomed, setDoomed] = useState<Task | null>(null);
  const remove = useAction(
    (task: Task) => outcome(tenant.api.DELETE("/api/v1/tasks/{id}/", { params: { ...tenant.params, path: { id: task.id } } })),
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
    <>
      <h2>Tasks</h2>
      {tasks.isPending && <Loading>Loading tasks…</Loading>}
      {tasks.isError && <ErrorAlert message={tasks.error.message} />}
      {tasks.isSuccess && (
        <>
          {tasks.data.results.length === 0 ? (
            <p className="muted">No tasks yet.</p>
          ) : (
            <ul aria-label="Task list" className="rows">
              {tasks.data.results.map((task) => (
                <TaskRow key={task.id} task={task} onChanged={refresh} onDelete={() => { remove.clear(); setDoomed(task); }} />
              ))}
            </ul>
          )}
          <form onSubmit={onCreate} aria-label="New task" className="inline">
            <Field label="Task title" name="title" required maxLength={200} value={title}
              onChange={(e) => setTitle(e.target.value)} failure={create.failure} />
            <button type="submit" disabled={create.pending} aria-busy={create.pending}>
              Add task
            </button>
            <ErrorAlert failure={create.failure} fields={["title"]} />
          </form>
        </>
      )}
      {doomed && (
        <ConfirmDialog title="Delete this task?" confirm="Delete task" pending={remove.pending}
          onConfirm={() => void remove.run(doomed)} onCancel={() => setDoomed(null)}>
          <p>“{doomed.title}” will be deleted. This cannot be undone.</p>
          <ErrorAlert failure={remove.failure} />
        </ConfirmDialog>
      )}
    </>
  );
}

type RowProps = { task: Task; onChanged: () => Promise<unknown>; onDelete: () => void };

/** A task: its checkbox marks it done or not (PATCH); it shows the change, disabled, while on its way. */
function TaskRow({ task, onChanged, onDelete }: RowProps) {
  const tenant = useTenant();
  const toggle = useAction(
    () =>
      outcome(
        tenant.api.PATCH("/api/v1/tasks/{id}/", { params: { ...tenant.params, path: { id: task.id } }, body: { done: !task.done } }),
      ),
    onChanged,
  );
  return (
    <li className={task.done ? "done" : undefined}>
      <label>
        <input type="checkbox" checked={toggle.pending ? !task.done : task.done} disabled={toggle.pending}
          aria-busy={toggle.pending}
          onChange={() => void toggle.run()} />
        {task.title}
      </label>
      <ErrorAlert failure={toggle.failure} />
      <button type="button" className="outline secondary" aria-label={`Delete ${task.title}`} onClick={onDelete}>
        Delete
      </button>
    </li>
  );
}
