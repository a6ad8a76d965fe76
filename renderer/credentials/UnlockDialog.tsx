/**
 * Asks for the vault's passphrase where no OS keyring keeps its key: to unlock it, or (twice, so a typo cannot lock the
 * user out) to protect a new one. The passphrase goes to the host and is not kept here once sent.
 */
import { useState } from 'react';
import { runAction } from '../app/actions';
import { useApp } from '../app/store';

export function UnlockDialog() {
  const request = useApp((s) => s.unlock);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  if (!request) return null;
  const mismatch = request.create && again !== '' && again !== passphrase;
  const title = request.create ? 'Protect the credential vault' : 'Unlock the credential vault';
  return (
    <div className="dialog-backdrop">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="unlock-title"
        className="dialog unlock-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!passphrase || (request.create && passphrase !== again)) return;
          setBusy(true);
          const given = passphrase;
          setPassphrase('');
          setAgain('');
          // Deriving the key takes about half a second (scrypt): the button says so meanwhile.
          void Promise.resolve(runAction('unlockVault', given)).finally(() => setTimeout(() => setBusy(false), 600));
        }}
      >
        <h2 id="unlock-title">{title}</h2>
        <p>{request.message}</p>
        <label className="var">
          {request.create ? 'New passphrase' : 'Passphrase'}
          <input type="password" autoFocus autoComplete="off" aria-label={request.create ? 'New passphrase' : 'Passphrase'} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        {request.create ? (
          <label className="var">
            The same passphrase again
            <input type="password" autoComplete="off" aria-label="The same passphrase again" value={again} onChange={(e) => setAgain(e.target.value)} />
          </label>
        ) : null}
        {mismatch ? <div className="field-problems">The two passphrases differ.</div> : null}
        {request.error ? (
          <div className="field-problems" role="alert">
            {request.error}
          </div>
        ) : null}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy || !passphrase || (request.create && passphrase !== again)}>
            {busy ? 'Unlocking…' : request.create ? 'Protect' : 'Unlock'}
          </button>
          <button type="button" onClick={() => runAction('cancelUnlock')}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
