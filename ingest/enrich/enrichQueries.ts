import { escapeName as n } from '../../graph/cypher/escape';
import { Label } from '../../graph/vocabulary';

/** Public addresses not yet looked up in the offline database. */
export const ADDRESSES_TO_ENRICH = `
MATCH (ip:${n(Label.IpAddress)})
WHERE ip.isPrivate = false AND ip.geoSource IS NULL AND ip.version = 4
RETURN ip.ip AS ip LIMIT $limit`;

export const OFFLINE_SOURCE = 'offline-db';

/** Sets the location, and geoSource even when nothing was found, so the address is not asked again. */
export const SET_ADDRESS_LOCATION = `
UNWIND $rows AS row
MATCH (ip:${n(Label.IpAddress)} {ip: row.ip})
WHERE ip.geoSource IS NULL
SET ip.country = row.country, ip.asn = row.asn, ip.asnOrg = row.asnOrg, ip.geoSource = $source`;
