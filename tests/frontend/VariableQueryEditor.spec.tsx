import React from 'react';
import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';

import { VariableQueryEditor } from '../../src/components/VariableQueryEditor.js';
import type { DataSource } from '../../src/datasource.js';
import type { FlowlensDataQuery } from '../../src/components/types.js';

const ds = {} as DataSource;

describe('VariableQueryEditor', () => {
  it('turns an empty variable query into a hosts query', () => {
    const onChange = jest.fn();
    render(<VariableQueryEditor query={{ refId: 'v' } as FlowlensDataQuery} datasource={ds} onChange={onChange} onRunQuery={() => {}} />);
    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ refId: 'v', queryType: 'hosts', role: 'src', limit: 1000 }));
  });

  it('lets the user pick destinations and shows limit errors', async () => {
    const onChange = jest.fn();
    const query = { refId: 'v', queryType: 'hosts', schemaVersion: 1, role: 'src', limit: 0, filter: {} } as FlowlensDataQuery;
    render(<VariableQueryEditor query={query} datasource={ds} onChange={onChange} onRunQuery={() => {}} />);
    expect(screen.getByText(/The row limit must be a whole number from 1/)).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Destinations'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'hosts', role: 'dst', refId: 'v' }));
  });
});
