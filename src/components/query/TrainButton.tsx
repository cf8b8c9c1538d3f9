/** "Train now": trains the profile on the backend and shows what came out of it. */
import React, { useEffect, useState } from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';
import type { TimeRange } from '@grafana/data';

import type { ProfileSpec } from '../../query/index.js';
import type { ProfileSummary, TrainResponse } from '../types.js';
import { messageOf } from './useHosts.js';

export interface ProfileTrainer {
  trainProfile(spec: ProfileSpec, range?: TimeRange): Promise<TrainResponse>;
}

interface Props {
  spec: ProfileSpec;
  range?: TimeRange;
  trainer: ProfileTrainer;
  disabled?: boolean;
  /** Writes a training range into the spec (offered when the spec has none of its own). */
  onPinRange?: (from: string, to: string) => void;
}

/** The range a spec without its own trains on: the panel's, as ISO text, taken when training starts. */
type Window = { from: string; to: string } | undefined;

type State =
  | { kind: 'idle' }
  | { kind: 'training' }
  | { kind: 'done'; id: string | undefined; profile: ProfileSummary; window: Window }
  | { kind: 'failed'; message: string };

const num = (v: unknown, digits: number): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : undefined);

/** The facts worth reading after training, in the order an analyst checks them. */
export function summaryLines(id: string | undefined, p: ProfileSummary): Array<[string, string]> {
  const t = p.training ?? {};
  const history = Array.isArray(t.logLikelihood) ? t.logLikelihood : [];
  const lines: Array<[string, string | undefined]> = [
    ['Profile id', id ?? p.id],
    ['Reference hosts', Array.isArray(p.spec?.hosts) ? p.spec.hosts.join(', ') : undefined],
    ['States', num(p.hmm?.nStates ?? p.spec?.states, 0)],
    ['Iterations', history.length ? String(history.length) : undefined],
    ['Converged', typeof t.converged === 'boolean' ? (t.converged ? 'yes' : 'no — stopped at the iteration limit') : undefined],
    ['Log-likelihood', num(history[history.length - 1], 3)],
    ['Training windows', num(t.windows, 0)],
    ['Reference flows', num(t.flows, 0)],
    ['Reference score (mean)', num(t.referenceScores?.mean, 3)],
  ];
  return lines.filter((l): l is [string, string] => l[1] !== undefined);
}

export function TrainButton({ spec, range, trainer, disabled, onPinRange }: Props): React.JSX.Element {
  const [state, setState] = useState<State>({ kind: 'idle' });
  // a result describes the spec it was trained on: another spec clears it
  const specKey = JSON.stringify(spec);
  useEffect(() => setState({ kind: 'idle' }), [specKey]);
  const train = (): void => {
    setState({ kind: 'training' });
    const own = (spec.from ?? '') !== '' || (spec.to ?? '') !== '';
    const window: Window = range && !own ? { from: range.from.toISOString(), to: range.to.toISOString() } : undefined;
    trainer.trainProfile(spec, range).then(
      (res) => setState({ kind: 'done', id: res?.id, profile: res?.profile ?? {}, window }),
      (err: unknown) => setState({ kind: 'failed', message: messageOf(err) }),
    );
  };
  return (
    <Stack direction="column" gap={1}>
      <div>
        <Button icon="play" variant="secondary" disabled={disabled || state.kind === 'training'} onClick={train}>
          {state.kind === 'training' ? 'Training…' : 'Train now'}
        </Button>
      </div>
      {state.kind === 'done' && (
        <Alert severity="success" title="Profile trained" aria-label="Training result">
          <dl style={{ display: 'grid', gridTemplateColumns: 'max-content auto', columnGap: 16, rowGap: 2, margin: 0 }}>
            {summaryLines(state.id, state.profile).map(([k, v]) => (
              <React.Fragment key={k}>
                <dt>
                  <Text color="secondary">{k}</Text>
                </dt>
                <dd style={{ margin: 0 }}>{v}</dd>
              </React.Fragment>
            ))}
          </dl>
          {state.window && onPinRange && (
            // A spec without its own range trains again on every new panel range; pinned, the
            // panel scores with this very profile (same spec and range: same id) and keeps it
            // across restarts, since the training is deterministic.
            <div style={{ marginTop: 8 }}>
              <Button size="sm" variant="secondary" icon="lock" onClick={() => state.window && onPinRange(state.window.from, state.window.to)}>
                Keep this training range ({state.window.from} – {state.window.to})
              </Button>
            </div>
          )}
        </Alert>
      )}
      {state.kind === 'failed' && (
        <Alert severity="error" title="Training failed" aria-label="Training error">
          {state.message}
        </Alert>
      )}
    </Stack>
  );
}
