import { useRef, useState } from 'preact/hooks';
import type { ActionResult, RolloutSummary } from '../api-schema';
import { postJson } from './api';
import { useSession } from './session';

type Action = 'promote' | 'rollback';

const EFFECT: Record<Action, (r: RolloutSummary) => string> = {
  promote: (r) =>
    `Promote ${r.model}:${r.toVersion} now: all traffic goes to it at once and it becomes stable; ${r.model}:${r.fromVersion} and the baseline drain and stop. The remaining analysis is skipped and the rollout is recorded as decided by a person (not known good).`,
  rollback: (r) =>
    `Roll back now: all traffic goes to ${r.model}:${r.fromVersion} (stable) at once; the canary ${r.model}:${r.toVersion} and the baseline drain and stop. Recorded as decided by a person.`,
};

/** Promote / roll back the running rollout, each after a confirmation that says what will happen. */
export function Actions(props: { rollout: RolloutSummary }) {
  const { session } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState<Action | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = (action: Action) => {
    setPending(action);
    setMessage(null);
    dialog.current?.showModal();
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    const answer = await postJson<ActionResult>(`api/actions/${pending}`, { rolloutId: props.rollout.id, reason: `${pending === 'promote' ? 'promoted' : 'rolled back'} from the console` });
    setBusy(false);
    dialog.current?.close();
    setMessage(
      answer.kind === 'ok'
        ? { kind: 'ok', text: `Done: ${answer.data.outcome} (decided by ${answer.data.decidedBy}).` }
        : { kind: 'error', text: answer.kind === 'error' ? `Refused (${answer.status}): ${answer.message}` : '' },
    );
  };
  // Kept mounted after the rollout ends, so the answer to the person's action stays on the page.
  if (!props.rollout.running && !message) return null;
  return (
    <section aria-labelledby="actions-h" class="card actions">
      <h2 id="actions-h">Actions</h2>
      {props.rollout.running && session && !session.loggedIn && (
        <p class="hint">
          Read-only: to promote or roll back, {session.login}.
        </p>
      )}
      <div class="buttons" hidden={!props.rollout.running}>
        <button type="button" class="primary" onClick={() => ask('promote')}>
          Promote…
        </button>
        <button type="button" class="danger" onClick={() => ask('rollback')}>
          Roll back…
        </button>
      </div>
      <p class="hint" hidden={!props.rollout.running}>Pause and resume: the platform has no such control; a rollout holds its weights by itself while the judge lacks evidence.</p>
      {message && (
        <p class={message.kind === 'ok' ? 'notice good' : 'notice bad'} role="alert">
          {message.text}
        </p>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-h" onClose={() => setPending(null)}>
        <h2 id="confirm-h">{pending === 'promote' ? 'Promote the canary?' : 'Roll back?'}</h2>
        <p>{pending ? EFFECT[pending](props.rollout) : ''}</p>
        <div class="buttons">
          <button type="button" class={pending === 'rollback' ? 'danger' : 'primary'} disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : pending === 'promote' ? 'Yes, promote now' : 'Yes, roll back now'}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}
