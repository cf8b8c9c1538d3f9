/**
 * A number field that keeps what the user typed until blur, then commits it. Text that is not a
 * number is committed as NaN so the shared validation reports it next to the field.
 */
import React, { useEffect, useState } from 'react';
import { Input } from '@grafana/ui';

interface BaseProps {
  id?: string;
  value: number | undefined;
  width?: number;
  placeholder?: string;
  invalid?: boolean;
  'aria-label'?: string;
  min?: number;
  step?: number | 'any';
}

/** Required numbers commit NaN when emptied; optional ones commit undefined (= use the default). */
type Props = BaseProps & ({ optional?: false; onCommit: (value: number) => void } | { optional: true; onCommit: (value: number | undefined) => void });

/** A saved NaN comes back from JSON as null: both show as an empty field, never as "null". */
const unset = (v: number | null | undefined): boolean => v === undefined || v === null || Number.isNaN(v);
const show = (v: number | null | undefined): string => (unset(v) ? '' : String(v));

export function NumberInput(props: Props): React.JSX.Element {
  const { value, onCommit, optional, ...rest } = props;
  const [text, setText] = useState(show(value));
  // Text that is not a number stays in the field next to its error (committed as NaN), so the
  // user can correct "1m" rather than type it again; any other value replaces the text.
  useEffect(() => setText((t) => (value !== undefined && value !== null && Number.isNaN(value) && t.trim() !== '' ? t : show(value))), [value]);
  const commit = (): void => {
    const t = text.trim();
    if (t === '' && optional) {
      if (value !== undefined) (onCommit as (v: number | undefined) => void)(undefined);
      return;
    }
    const next = t === '' ? NaN : Number(t);
    if (!Object.is(next, value)) onCommit(next);
  };
  return (
    <Input
      {...rest}
      type="text"
      inputMode="decimal"
      // Grafana's Input only styles an invalid field; screen readers learn it from aria-invalid
      aria-invalid={rest.invalid ? true : undefined}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}
