/**
 * The startup script as packer-plugin-googlecompute v1.2.7 handles it (builder/googlecompute/startup.go,
 * step_create_instance.go, step_wait_startup_script.go): the template's script moves to the
 * `packer-wrapped-startup-script` metadata key, `startup-script` becomes a Linux wrapper that runs it and records how it
 * ended in the instance's own `startup-script-status` metadata (`done`, or `error` on a non-zero exit; `notdone` until
 * then), and StepWaitStartupScript, after provisioning, polls that key. The wrapper needs what Google's Linux images
 * ship: curl for the metadata server and gcloud with an instance service account allowed to set metadata.
 */
import { CANCELLED } from '../../common/result';
import { sleep } from '../../engine/retry';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { describeGoogleError } from './driver';
import type { GooglecomputeState, GooglecomputeStepDeps } from './state';

export const STARTUP_SCRIPT_KEY = 'startup-script';
export const WRAPPED_SCRIPT_KEY = 'packer-wrapped-startup-script';
export const STATUS_KEY = 'startup-script-status';
/** The values of `startup-script-status`, as the plugin writes and reads them. */
export const STARTUP_STATUSES = ['notdone', 'done', 'error'] as const;
export type StartupStatus = (typeof STARTUP_STATUSES)[number];

/**
 * Runs on the instance as its startup script: reads the template's script from the metadata server, runs it, and sets
 * startup-script-status through gcloud. Its echo lines are the plugin's, since users look for them in the serial log.
 */
export const STARTUP_WRAPPER = `#!/usr/bin/env bash
# Put in place by Bakehouse's googlecompute builder, as Packer's plugin does: runs the template's startup script (metadata
# key ${WRAPPED_SCRIPT_KEY}) and records how it ended in the instance metadata key ${STATUS_KEY}.
echo "Packer startup script starting."
from_metadata_server() {
  curl -sf -H 'Metadata-Flavor: Google' "http://metadata.google.internal/computeMetadata/v1/instance/$1" 2>/dev/null
}
instance_zone=$(from_metadata_server zone)
instance_zone=\${instance_zone##*/}
instance_name=$(from_metadata_server name)
record_status() {
  gcloud compute instances add-metadata "$instance_name" --metadata "${STATUS_KEY}=$1" --zone "$instance_zone"
}
user_script=$(from_metadata_server attributes/${WRAPPED_SCRIPT_KEY})
log_destination=$(from_metadata_server attributes/startup-script-log-dest)
status=0
if [ -n "$user_script" ]; then
  echo "Executing user-provided startup script..."
  script_file=$(mktemp /tmp/packer-wrapped-startup-script.XXXXXX)
  printf '%s\\n' "$user_script" >"$script_file"
  chmod 755 "$script_file"
  "$script_file"
  status=$?
  rm -f "$script_file"
  if [ -n "$log_destination" ]; then
    echo "Uploading user-provided startup script log to $log_destination..."
    for log in /var/log/startupscript.log /var/log/daemon.log; do
      if [ -f "$log" ]; then gsutil -h "Content-Type:text/plain" cp "$log" "$log_destination"; break; fi
    done
  fi
fi
if [ "$status" -eq 0 ]; then
  echo "Packer startup script done."
  record_status done
else
  echo "Packer startup script exited with exit code: $status"
  record_status error
fi
exit "$status"
`;

/**
 * The instance's metadata with the startup script wrapped (createInstanceMetadata): the script under its own key, the
 * wrapper as `startup-script`, and the status `notdone` until the wrapper says otherwise.
 */
export function wrapStartupScript(metadata: Record<string, string>): Record<string, string> {
  const script = metadata[STARTUP_SCRIPT_KEY] ?? '';
  if (script === '') return metadata;
  return { ...metadata, [STARTUP_SCRIPT_KEY]: STARTUP_WRAPPER, [WRAPPED_SCRIPT_KEY]: script, [STATUS_KEY]: 'notdone' satisfies StartupStatus };
}

/** The plugin's retry delays between polls: 10 s, doubling, at most a minute. */
const POLL = { firstMs: 10_000, maxMs: 60_000 };

/**
 * StepWaitStartupScript: polls the instance's startup-script-status until `done`, failing at `error`. The plugin waits
 * with no bound but the build's cancel (its issue #215); Bakehouse also stops at state_timeout, saying so.
 */
export function waitStartupScriptStep({ cfg }: GooglecomputeStepDeps): Step<GooglecomputeState> {
  return {
    name: 'StepWaitStartupScript',
    async run(state, ctx) {
      const gce = state.gce;
      if (!gce || !state.instance) return halt('No instance.');
      const name = state.instance.name;
      const fail = (why: string) => halt(`Error waiting for startup script to finish: ${why}`);
      ctx.ui.say('Waiting for any running startup script to finish...');
      const deadline = Date.now() + cfg.stateTimeoutMs;
      let delay = POLL.firstMs;
      let last = '';
      for (;;) {
        try {
          const [instance] = await gce.call(ctx.signal, () => gce.instances.get({ project: cfg.projectId, zone: cfg.zone, instance: name }));
          const item = (instance.metadata?.items ?? []).find((i) => i.key === STATUS_KEY);
          if (!item) {
            ctx.ui.message(`Metadata ${STATUS_KEY} on instance ${name} not available. Waiting...`);
            last = `Error getting startup script status: Instance metadata key, ${STATUS_KEY}, not found.`;
          } else if (item.value === 'error') {
            ctx.ui.message('Startup script in error. Exiting...');
            return fail('Startup script exited with error.');
          } else if (item.value === 'done') {
            ctx.ui.message('Startup script successfully finished.');
            break;
          } else {
            ctx.ui.message('Startup script not finished yet. Waiting...');
            last = 'Startup script not done.';
          }
        } catch (e) {
          if (ctx.signal.aborted) return halt(CANCELLED);
          ctx.ui.message(`Metadata ${STATUS_KEY} on instance ${name} not available. Waiting...`);
          last = `Error getting startup script status: ${describeGoogleError(e)}`;
        }
        const left = deadline - Date.now();
        if (left <= 0) return fail(`${last} (still so after state_timeout, ${Math.round(cfg.stateTimeoutMs / 1000)}s)`);
        if (!(await sleep(Math.min(delay, left), ctx.signal))) return halt(CANCELLED);
        delay = Math.min(POLL.maxMs, delay * 2);
      }
      ctx.ui.say('Startup script, if any, has finished running.');
      return CONTINUE;
    },
  };
}
