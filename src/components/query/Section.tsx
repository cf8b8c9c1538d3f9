/** A titled group of editor rows, as Grafana's own query editors separate concerns. */
import React from 'react';
import { Stack, Text } from '@grafana/ui';

export function Section({ title, children }: { title: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <Stack direction="column" gap={0.5}>
      <Text element="h6" color="secondary" weight="medium">
        {title}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}
