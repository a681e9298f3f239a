import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Contact } from '../../../shared/schemas/contact.js';
import type { ContactErasure } from '../../../shared/schemas/personal-data.js';

/**
 * A person's rights over their data (GDPR art. 15 and 17), shown under the contact being edited: download
 * everything held about them as a file, or erase it for good after a dialog that says exactly what happens.
 */
export function ContactPersonalData({ contact, onErased }: { contact: Contact; onErased: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section class="personal-data" aria-label={`Personal data of ${contact.name}`}>
      <h4>Personal data</h4>
      <p class="muted small">For a request from {contact.name}: a copy of everything Keypulse holds about them, or its erasure.</p>
      <div class="actions">
        <a class="button secondary" href={`/api/contacts/${contact.id}/export`} download>
          Export personal data
        </a>
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Erase personal data
        </button>
      </div>
      {confirming && <EraseDialog contact={contact} onClose={() => setConfirming(false)} onErased={onErased} />}
    </section>
  );
}

function EraseDialog({ contact, onClose, onErased }: { contact: Contact; onClose: () => void; onErased: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const erase = async () => {
    setBusy(true);
    setError('');
    const res = await api.post<ContactErasure>(`/api/contacts/${contact.id}/erase`);
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    ref.current?.close();
    onErased();
  };

  return (
    <dialog ref={ref} class="stage-dialog" aria-labelledby="erase-dialog-title" aria-describedby="erase-dialog-what" onClose={onClose}>
      <h2 id="erase-dialog-title">Erase the personal data of {contact.name}?</h2>
      <div id="erase-dialog-what">
        <p>This cannot be undone. Keypulse removes for good:</p>
        <ul>
          <li>their name, email address and job title;</li>
          <li>every word they wrote in their survey answers — their scores and choices stay as anonymous numbers, so NPS and trends do not change;</li>
          <li>the content and address of every email sent to them;</li>
          <li>their name and words where Keypulse copied them: follow-up tasks, comments and emails to the team.</li>
        </ul>
        <p>
          The contact leaves the people map and <strong>{contact.email}</strong> is never surveyed again, even if someone adds it back. The erasure
          is recorded in the audit log without the personal data.
        </p>
        <p class="muted small">Notes your team wrote elsewhere (account plan, service notes) are not changed: check them. If the person asked for a copy, export it first.</p>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="danger" onClick={erase} disabled={busy}>
          {busy ? 'Erasing…' : 'Erase for good'}
        </button>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
