import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { unwrap } from "../api/errors";
import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";

const PAGE = 50;

/** /t/:slug/audit: who did what in the tenant, newest first, a page at a time (admins and owners). */
export function Audit() {
  const tenant = useTenant();
  usePageTitle("Audit trail", tenant.name);
  const [offset, setOffset] = useState(0);
  const entries = useQuery({
    queryKey: [...tenant.key, "audit", offset],
    queryFn: () =>
      unwrap(tenant.api.GET("/api/v1/audit/", { params: { ...tenant.params, query: { limit: PAGE, offset } } })),
    placeholderData: keepPreviousData,
  });

  return (
    <section>
      <hgroup>
        <h1>Audit trail</h1>
        <p>{tenant.name}</p>
      </hgroup>
      {entries.isPending && <Loading>Loading the audit trail…</Loading>}
      {entries.isError && <ErrorAlert message={entries.error.message} />}
      {entries.isSuccess && (
        <>
          {entries.data.results.length === 0 ? (
            <p className="muted">Nothing recorded yet.</p>
          ) : (
            // Scrolls sideways on a narrow screen: focusable, so a keyboard can scroll it too.
            <div className="overflow-auto" tabIndex={0} role="region" aria-label="Audit entries, scrollable">
              <table aria-label="Audit entries" className="striped">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.data.results.map((entry, index) => (
                    <tr key={`${offset + index}`}>
                      <td>
                        <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                      </td>
                      <td>{entry.actor}</td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td>{entry.target}</td>
                      <td>
                        <small className="muted">{entry.request_id}</small>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav aria-label="Audit pages">
            <ul>
              <li>
                <button type="button" className="secondary" disabled={offset === 0 || entries.isFetching}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  Newer
                </button>
              </li>
              <li className="muted">
                {entries.data.count === 0 ? "" : `${offset + 1}–${offset + entries.data.results.length} of ${entries.data.count}`}
              </li>
              <li>
                <button type="button" className="secondary" disabled={!entries.data.next || entries.isFetching}
                  onClick={() => setOffset(offset + PAGE)}>
                  Older
                </button>
              </li>
            </ul>
          </nav>
        </>
      )}
    </section>
  );
}
