import { describe, expect, it } from 'vitest';
import { flowsBehind } from '../../web/src/graph/drillDown';
import { endpoint, formatCount, nextOffset, pageRange, previousOffset, protocolName, recordContext, recordCount, shortTime, spanText } from '../../web/src/graph/flowRecords';
import { EMPTY_STATE, investigate, parseState, serializeState, type ViewState } from '../../web/src/state/urlState';

describe('what the flow-records panel shows of a record', () => {
  it('names tcp, udp and icmp as the graph does, and any other protocol by its number', () => {
    expect([1, 6, 17, 58].map(protocolName)).toEqual(['icmp', 'tcp', 'udp', 'icmpv6']);
    expect(protocolName(47)).toBe('47');
    expect(protocolName(0)).toBe('0');
  });

  it('writes counts exactly, with separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(2345)).toBe('2,345');
    expect(formatCount(9_007_199_254_740_991)).toBe('9,007,199,254,740,991');
    expect(recordCount(1)).toBe('1 record');
    expect(recordCount(0)).toBe('0 records');
    expect(recordCount(2345)).toBe('2,345 records');
  });

  it('writes endpoints with their ports, IPv6 in brackets, ICMP without ports', () => {
    expect(endpoint('10.0.1.25', 45021, 6)).toBe('10.0.1.25:45021');
    expect(endpoint('2001:db8::1', 443, 6)).toBe('[2001:db8::1]:443');
    expect(endpoint('10.0.1.25', 0, 1)).toBe('10.0.1.25');
    expect(endpoint('2001:db8::1', 0, 58)).toBe('2001:db8::1');
    expect(endpoint('10.0.1.25', 0, 47)).toBe('10.0.1.25:0');
  });

  it('writes times to the second, spans to the minute', () => {
    expect(shortTime('2024-08-01T11:00:05.000Z')).toBe('2024-08-01 11:00:05');
    expect(spanText('2024-08-01T11:00:00.000Z', '2024-08-01T19:21:00.000Z')).toBe('2024-08-01 11:00 → 2024-08-01 19:21');
    expect(spanText(undefined, undefined)).toBe('all time');
    expect(spanText('2024-08-01T11:00:00.000Z', undefined)).toBe('2024-08-01 11:00 → …');
  });

  it('says where a record was logged, from its text fields', () => {
    expect(recordContext({ instanceId: 'i-1', vpcId: null, subnetId: null, accountId: '444455556666', region: 'us-east-1', via: ['10.0.0.5'] })).toBe('i-1 · 444455556666 · us-east-1 · via 10.0.0.5');
    expect(recordContext({ instanceId: null, vpcId: null, subnetId: null, accountId: null, region: null, via: null })).toBe('');
  });
});

describe('paging through the records, 100 at a time', () => {
  it('says which rows a page shows', () => {
    expect(pageRange(0, 100, 2345)).toBe('1-100 of 2,345');
    expect(pageRange(2300, 45, 2345)).toBe('2,301-2,345 of 2,345');
    expect(pageRange(0, 3, 3)).toBe('1-3 of 3');
    expect(pageRange(0, 0, 0)).toBe('0 of 0');
    expect(pageRange(5000, 0, 2345)).toBe('0 of 2,345');
  });

  it('goes forward until the last page, back until the first', () => {
    expect(nextOffset(0, 2345)).toBe(100);
    expect(nextOffset(2200, 2345)).toBe(2300);
    expect(nextOffset(2300, 2345)).toBeNull();
    expect(nextOffset(0, 100)).toBeNull();
    expect(nextOffset(0, 101)).toBe(100);
    expect(nextOffset(0, 0)).toBeNull();
    expect(previousOffset(0, 2345)).toBeNull();
    expect(previousOffset(100, 2345)).toBe(0);
    expect(previousOffset(2300, 2345)).toBe(2200);
    // A page that does not start on a multiple of 100 (a hand-written link) still reaches the first.
    expect(previousOffset(50, 2345)).toBe(0);
    // Past the end (a link from before records were removed): back to the last page there is.
    expect(previousOffset(5000, 2345)).toBe(2300);
    expect(previousOffset(5000, 200)).toBe(100);
    expect(previousOffset(300, 0)).toBe(0);
  });
});

describe('drill-down from a FLOW edge to its records', () => {
  const span = { firstSeen: '2024-08-01T11:00:00.000Z', lastSeen: '2024-08-01T19:21:00.000Z' };
  it("opens the records from its source to its target, over the edge's own span", () => {
    expect(flowsBehind({ kind: 'FLOW', source: 'IpAddress:10.0.1.25', target: 'IpAddress:203.0.113.66', ...span })).toEqual({ src: '10.0.1.25', dst: '203.0.113.66', from: span.firstSeen, to: span.lastSeen });
    expect(flowsBehind({ kind: 'FLOW', source: 'IpAddress:2001:db8::1', target: 'IpAddress:2001:db8::2' })).toEqual({ src: '2001:db8::1', dst: '2001:db8::2' });
  });

  it('has none behind other edges, or an edge to a group of addresses', () => {
    expect(flowsBehind({ kind: 'CALLED_FROM', source: 'IamUser:carol', target: 'IpAddress:10.0.0.1', ...span })).toBeNull();
    expect(flowsBehind({ kind: 'HAS_IP', source: 'NetworkInterface:eni-1', target: 'IpAddress:10.0.0.1' })).toBeNull();
    expect(flowsBehind({ kind: 'FLOW', source: 'IpAddress:10.0.0.1', target: 'aggregate:IpAddress:10.0.0.1:FLOW:out:IpAddress', ...span })).toBeNull();
  });
});

describe('the open flow records in the URL', () => {
  it('round-trip, page included, beside the rest of the view', () => {
    const state: ViewState = {
      ...EMPTY_STATE,
      root: 'IpAddress:203.0.113.66',
      flows: { src: '2001:db8::1', dst: '203.0.113.66', from: '2024-08-01T11:00:00.000Z', to: '2024-08-01T19:21:00.000Z', offset: 200 },
    };
    const search = serializeState(state);
    expect(new URLSearchParams(search).get('flsrc')).toBe('2001:db8::1');
    expect(parseState(search)).toEqual(state);
    // The first page writes no page.
    const first = { ...state, flows: { src: '10.0.1.25', dst: '203.0.113.66' } };
    expect(serializeState(first)).toBe('?root=IpAddress%3A203.0.113.66&flsrc=10.0.1.25&fldst=203.0.113.66');
    expect(parseState(serializeState(first))).toEqual(first);
  });

  it('need both addresses; a page that is not a count of records is the first', () => {
    expect(parseState('?root=IpAddress%3A1.2.3.4&flsrc=1.2.3.4').flows).toBeUndefined();
    expect(parseState('?flsrc=1.2.3.4&fldst=5.6.7.8&floff=-100').flows).toEqual({ src: '1.2.3.4', dst: '5.6.7.8' });
    expect(parseState('?flsrc=1.2.3.4&fldst=5.6.7.8&floff=abc').flows).toEqual({ src: '1.2.3.4', dst: '5.6.7.8' });
    expect(parseState('?flsrc=1.2.3.4&fldst=5.6.7.8&floff=1.5').flows).toEqual({ src: '1.2.3.4', dst: '5.6.7.8' });
  });

  it('close with a new investigation, and leave a view without them as it was', () => {
    const open = parseState('?root=IpAddress%3A1.2.3.4&flsrc=1.2.3.4&fldst=5.6.7.8&floff=100');
    expect(investigate(open, 'IpAddress:5.6.7.8').flows).toBeUndefined();
    expect(serializeState({ ...open, flows: undefined })).toBe('?root=IpAddress%3A1.2.3.4');
    expect(parseState('?root=IpAddress%3A1.2.3.4')).not.toHaveProperty('flows');
  });
});
