import { useEffect, useId, useRef, type ReactNode } from "react";

type Props = {
  title: string;
  children: ReactNode;
  confirm: string;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * "Are you sure?" before an action that cannot be undone: a modal <dialog> (the browser keeps
 * focus inside it and Escape cancels), opened while mounted. Cancel has the focus first.
 */
export function ConfirmDialog({ title, children, confirm, pending = false, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  return (
    <dialog ref={dialog} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onCancel={onCancel}>
      <article>
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-body`}>{children}</div>
        <footer>
          <button type="button" className="secondary" autoFocus onClick={onCancel} disabled={pending}>
            Cancel
          </button>{" "}
          <button type="button" onClick={onConfirm} disabled={pending} aria-busy={pending}>
            {confirm}
          </button>
        </footer>
      </article>
    </dialog>
  );
}
