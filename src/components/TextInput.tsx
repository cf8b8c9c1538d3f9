/**
 * A text field that follows the query (a query replaced from history shows its own value) and
 * commits on blur or Enter only when the text changed: tabbing through a form does not re-run a
 * query that may train a profile.
 */
import React, { useEffect, useState } from 'react';
import { Input } from '@grafana/ui';

interface Props {
  id?: string;
  value: string | undefined;
  width?: number;
  placeholder?: string;
  'aria-label'?: string;
  onCommit: (text: string) => void;
}

export function TextInput({ value, onCommit, ...rest }: Props): React.JSX.Element {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const commit = (): void => {
    if (text !== (value ?? '')) onCommit(text);
  };
  return (
    <Input
      {...rest}
      type="text"
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}
