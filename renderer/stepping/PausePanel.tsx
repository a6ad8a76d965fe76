/**
 * What the build panel shows while the engine waits: a banner at a pause (a breakpoint, Step, a breakpoint provisioner,
 * -debug) with Continue / Step / Abort, or the on-error dialog (Retry the step, Clean up, Abort). Either offers a terminal
 * into the build's machine when it has one. Neither is modal: the terminal below must stay usable.
 */
import type { PromptAnswer } from '../../core/common/prompt';
import { runAction } from '../app/actions';
import { useApp, type Prompt } from '../app/store';

// A Record, so an answer added to PROMPT_ANSWERS fails to compile here until it has a label.
const LABELS: Record<PromptAnswer, string> = {
  continue: 'Continue',
  step: 'Step',
  abort: 'Abort',
  retry: 'Retry the step',
  cleanup: 'Clean up',
};

const HINTS: Record<PromptAnswer, string> = {
  continue: 'Run on to the next breakpoint',
  step: 'Run this step and pause before the next provisioner or post-processor',
  abort: 'Stop this build; what it made is cleaned up',
  retry: 'Run the failed step again (fix what made it fail first)',
  cleanup: 'Give up on the build and remove what it made',
};

/** on-error asks for these in Packer's order; the dialog leads with Retry, what the user came to do. */
const ON_ERROR_ORDER: PromptAnswer[] = ['retry', 'cleanup', 'abort'];

export function PausePanel() {
  const prompt = useApp((s) => s.prompt);
  const terminalOpen = useApp((s) => s.terminal !== undefined);
  if (!prompt) return null;
  return prompt.reason === 'on-error' ? <ErrorDialog prompt={prompt} terminalOpen={terminalOpen} /> : <PauseBanner prompt={prompt} terminalOpen={terminalOpen} />;
}

function where(p: Prompt): string {
  if (!p.at) return p.build;
  const name = p.at.name ? `${p.at.name} (${p.at.type})` : p.at.type;
  return `${p.build}, before ${p.at.kind} ${name}`;
}

function PauseBanner({ prompt, terminalOpen }: { prompt: Prompt; terminalOpen: boolean }) {
  const title = prompt.reason === 'step' ? `Paused: ${where(prompt)}` : prompt.reason === 'breakpoint' ? `Breakpoint: ${prompt.build}` : `Paused: ${prompt.build}`;
  return (
    <div className="pause-banner" role="region" aria-label="Paused build" data-testid="pause-banner">
      <strong>{title}</strong>
      <div className="buttons">
        {prompt.choices.map((c, i) => (
          <button key={c} autoFocus={i === 0} className={i === 0 ? 'primary' : c === 'abort' ? 'danger' : ''} title={HINTS[c]} onClick={() => runAction('answerPrompt', c)}>
            {c === 'continue' ? '▶ ' : c === 'step' ? '⤼ ' : ''}
            {LABELS[c]}
          </button>
        ))}
        <TerminalButton prompt={prompt} terminalOpen={terminalOpen} />
      </div>
    </div>
  );
}

function ErrorDialog({ prompt, terminalOpen }: { prompt: Prompt; terminalOpen: boolean }) {
  const choices = ON_ERROR_ORDER.filter((c) => prompt.choices.includes(c));
  return (
    <div role="alertdialog" aria-labelledby="on-error-title" aria-describedby="on-error-text" className="on-error-dialog" data-testid="on-error-dialog">
      <h2 id="on-error-title">The build failed: {prompt.build}</h2>
      <p id="on-error-text" className="muted">
        Its machine is kept as it is until you choose. Open a terminal to look inside or fix it, then retry the step.
      </p>
      <div className="buttons">
        {choices.map((c, i) => (
          <button key={c} autoFocus={i === 0} className={i === 0 ? 'primary' : c === 'abort' ? 'danger' : ''} title={HINTS[c]} onClick={() => runAction('answerPrompt', c)}>
            {LABELS[c]}
          </button>
        ))}
        <TerminalButton prompt={prompt} terminalOpen={terminalOpen} />
      </div>
    </div>
  );
}

function TerminalButton({ prompt, terminalOpen }: { prompt: Prompt; terminalOpen: boolean }) {
  if (!prompt.terminal) return null;
  return (
    <button disabled={terminalOpen} onClick={() => runAction('openTerminal')} title="A shell on the build's machine: docker exec for Docker builds, SSH otherwise">
      ⌨ Open a terminal
    </button>
  );
}
