/** The flow filter every query type shares: networks, ports and protocols. */
import React from 'react';
import { InlineField, InlineFieldRow, MultiSelect, TagsInput } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import type { FieldError, FlowFilter } from '../../query/index.js';
import { fieldState, LABEL_WIDTH } from '../fieldErrors.js';

interface Props {
  filter: FlowFilter;
  errors: readonly FieldError[];
  onChange: (filter: FlowFilter) => void;
  labelWidth?: number;
}

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'ipv6-icmp', 'igmp', 'gre', 'esp', 'sctp'];
const PROTOCOL_OPTIONS: Array<SelectableValue<string>> = PROTOCOLS.map((p) => ({ label: p, value: p }));

/** Tags are text; whole numbers become ports, anything else is kept so validation can name it. */
function toPorts(tags: string[]): number[] {
  return tags.map((t) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : (t as unknown as number)));
}

/** A pasted "a, b" is two entries, as in variables, the CLI and schema-0 queries. */
const splitTags = (tags: string[]): string[] => tags.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');

function set<K extends keyof FlowFilter>(filter: FlowFilter, key: K, value: FlowFilter[K]): FlowFilter {
  const next = { ...filter };
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete next[key];
  else next[key] = value;
  return next;
}

export function FilterEditor({ filter, errors, onChange, labelWidth = LABEL_WIDTH }: Props): React.JSX.Element {
  const protocolOptions = [...PROTOCOL_OPTIONS, ...(filter.protocols ?? []).filter((p) => !PROTOCOLS.includes(p)).map((p) => ({ label: p, value: p }))];
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Source CIDRs" labelWidth={labelWidth} tooltip="Only flows whose source lies in one of these networks (IPv4 or IPv6, or bare addresses; $variables allowed)" {...fieldState(errors, 'filter.srcCidrs')}>
          <TagsInput addOnBlur id="filter-src-cidrs" placeholder="10.0.0.0/8 ⏎" tags={filter.srcCidrs ?? []} width={34} onChange={(tags) => onChange(set(filter, 'srcCidrs', splitTags(tags)))} />
        </InlineField>
        <InlineField label="Destination CIDRs" labelWidth={20} {...fieldState(errors, 'filter.dstCidrs')}>
          <TagsInput addOnBlur id="filter-dst-cidrs" placeholder="192.168.0.0/16 ⏎" tags={filter.dstCidrs ?? []} width={34} onChange={(tags) => onChange(set(filter, 'dstCidrs', splitTags(tags)))} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Ports" labelWidth={labelWidth} tooltip="Either port equals one of these" {...fieldState(errors, 'filter.ports')}>
          <TagsInput addOnBlur id="filter-ports" placeholder="443 ⏎" tags={(filter.ports ?? []).map(String)} width={20} onChange={(tags) => onChange(set(filter, 'ports', toPorts(splitTags(tags))))} />
        </InlineField>
        <InlineField label="Src ports" labelWidth={10} {...fieldState(errors, 'filter.srcPorts')}>
          <TagsInput addOnBlur id="filter-src-ports" placeholder="1024 ⏎" tags={(filter.srcPorts ?? []).map(String)} width={20} onChange={(tags) => onChange(set(filter, 'srcPorts', toPorts(splitTags(tags))))} />
        </InlineField>
        <InlineField label="Dst ports" labelWidth={10} {...fieldState(errors, 'filter.dstPorts')}>
          <TagsInput addOnBlur id="filter-dst-ports" placeholder="53 ⏎" tags={(filter.dstPorts ?? []).map(String)} width={20} onChange={(tags) => onChange(set(filter, 'dstPorts', toPorts(splitTags(tags))))} />
        </InlineField>
        <InlineField label="Protocols" labelWidth={11} {...fieldState(errors, 'filter.protocols')}>
          <MultiSelect
            inputId="filter-protocols"
            aria-label="Protocols"
            options={protocolOptions}
            value={filter.protocols ?? []}
            allowCustomValue
            placeholder="any"
            width={28}
            onChange={(items: Array<SelectableValue<string>>) => onChange(set(filter, 'protocols', items.map((i) => i.value ?? '').filter((v) => v !== '')))}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
