/** Shared fixtures for the editor tests: a fake data source and a stateful editor host. */
import React, { useState } from 'react';
import { act, fireEvent, render, screen, within, type RenderResult } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { dateTime, type CoreApp, type TimeRange } from '@grafana/data';

import type { DataSource } from '../../src/datasource.js';
import type { FlowlensDataQuery } from '../../src/components/types.js';
import { QueryEditor } from '../../src/components/QueryEditor.js';

export const HOSTS = ['147.32.84.165', '147.32.84.191', '10.0.0.7'];

export const RANGE: TimeRange = {
  from: dateTime('2011-08-16T10:00:00Z'),
  to: dateTime('2011-08-16T11:00:00Z'),
  raw: { from: 'now-1h', to: 'now' },
};

export interface FakeDataSource {
  listHosts: jest.Mock;
  trainProfile: jest.Mock;
}

export function fakeDataSource(): FakeDataSource {
  return {
    listHosts: jest.fn().mockResolvedValue(HOSTS),
    trainProfile: jest.fn(),
  };
}

/** Renders the editor the way a panel does: it owns the query and feeds changes back in. */
export function EditorHost(props: {
  initial: FlowlensDataQuery;
  datasource: FakeDataSource;
  onChangeSpy?: (q: FlowlensDataQuery) => void;
  onRunQuery?: () => void;
  app?: CoreApp;
}): React.JSX.Element {
  const [query, setQuery] = useState(props.initial);
  return (
    <QueryEditor
      query={query}
      datasource={props.datasource as unknown as DataSource}
      range={RANGE}
      app={props.app}
      onRunQuery={props.onRunQuery ?? (() => {})}
      onChange={(q) => {
        props.onChangeSpy?.(q);
        setQuery(q);
      }}
    />
  );
}

/** Renders and lets the editor's host list request settle, as it would in Grafana. */
export async function renderEditor(ui: React.ReactElement): Promise<RenderResult> {
  let result: RenderResult | undefined;
  await act(async () => {
    result = render(ui);
  });
  return result!;
}

/** Opens a Grafana (react-select) picker by its input and clicks one option. */
export async function pick(label: string, option: string): Promise<void> {
  const input = screen.getByLabelText(label);
  fireEvent.focus(input);
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  const menu = await screen.findByLabelText('Select options menu');
  await userEvent.click(within(menu).getByText(option));
}
