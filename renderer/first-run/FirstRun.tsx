/** What a new user sees: open the built-in example in one click, or a template by path. */
import { useEffect, useState } from 'react';
import { runAction } from '../app/actions';
import { getServices } from '../app/services';

export function FirstRun() {
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  useEffect(() => {
    void getServices()
      .api.workspace.recentFiles({})
      .then((r) => r.ok && setRecent(r.value.slice(0, 5)));
  }, []);
  return (
    <main className="first-run" aria-label="Welcome">
      <h1>Bakehouse</h1>
      <p className="muted">Bake machine images from Packer templates: edit the text or the pipeline, run builds, read their logs.</p>
      <button className="primary big" autoFocus onClick={() => runAction('openExample')}>
        Open the example: Debian with Docker
      </button>
      <form
        className="open-path"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) runAction('open', path.trim());
        }}
      >
        <input aria-label="Template path" placeholder="/path/to/template.pkr.hcl or folder" value={path} onChange={(e) => setPath(e.target.value)} />
        <button type="submit">Open</button>
      </form>
      <button className="link" onClick={() => runAction('openCredentials')}>
        Credentials: cloud keys and secrets for your builds
      </button>
      <button className="link" onClick={() => runAction('openHistory')}>
        History: every build run so far, with its timeline and log
      </button>
      {recent.length > 0 ? (
        <nav aria-label="Recent templates">
          <h2>Recent</h2>
          {recent.map((r) => (
            <button key={r} className="link" onClick={() => runAction('open', r)}>
              {r}
            </button>
          ))}
        </nav>
      ) : null}
    </main>
  );
}
