import { describe, expect, it } from 'vitest';
import { GeoDatabase, geoDatabaseInfo } from '../../ingest/enrich/geoDatabase';

describe('the offline geo database', () => {
  it('locates public addresses: country and network owner', async () => {
    const geo = await GeoDatabase.load();
    expect(geo.lookup('8.8.8.8')).toMatchObject({ countryCode: 'US', country: 'United States', asn: 15169 });
    expect(geo.lookup('8.8.8.8')?.asnOrg).toMatch(/google/i);
    expect(geo.lookup('1.1.1.1')).toMatchObject({ asn: 13335 });
    expect(geo.lookup('2001:db8::1')).toBeNull();
  });

  it('says which data it holds and how old it is', () => {
    const info = geoDatabaseInfo();
    expect(info.countryDate).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(info.asnDate).toMatch(/^20\d\d-\d\d-\d\d$/);
  });
});
