/** A credential kind's small badge, the same in the list, the form and the build panel's selects. */
import type { CredentialKind } from '../../core/common/credentials';

// A Record, so a kind added to CREDENTIAL_KINDS fails to compile here until it has a badge.
const BADGES: Record<CredentialKind, { glyph: string; title: string }> = {
  amazon: { glyph: 'AWS', title: 'Amazon Web Services' },
  azure: { glyph: 'Az', title: 'Microsoft Azure' },
  google: { glyph: 'GC', title: 'Google Cloud' },
  docker: { glyph: 'Reg', title: 'Container registry' },
  ssh: { glyph: 'SSH', title: 'SSH key' },
  secret: { glyph: '***', title: 'Secret value' },
};

export function KindIcon({ kind }: { kind: CredentialKind }) {
  const b = BADGES[kind];
  return (
    <span className={`kind-icon kind-${kind}`} title={b.title} aria-label={`${kind} credential`} role="img">
      {b.glyph}
    </span>
  );
}
