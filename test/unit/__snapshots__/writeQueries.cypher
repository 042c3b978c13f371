// merge Account
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:Account {accountId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge IamUser
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:IamUser {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge IamRole
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:IamRole {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge RoleSession
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:RoleSession {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.creationDate = CASE WHEN row[3].creationDate IS NULL THEN x.creationDate ELSE toInteger(row[3].creationDate) END,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge FederatedUser
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:FederatedUser {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge RootUser
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:RootUser {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge AwsService
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:AwsService {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge AwsAccountPrincipal
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:AwsAccountPrincipal {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge UnknownPrincipal
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:UnknownPrincipal {principalKey: row[0]})
SET x += row[3], x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge AccessKey
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:AccessKey {accessKeyId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge IpAddress
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:IpAddress {ip: row[0]})
SET x += row[3],
    x.version = CASE WHEN row[3].version IS NULL THEN x.version ELSE toInteger(row[3].version) END,
    x.asn = CASE WHEN row[3].asn IS NULL THEN x.asn ELSE toInteger(row[3].asn) END,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge NetworkInterface
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:NetworkInterface {interfaceId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge Subnet
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:Subnet {subnetId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge Vpc
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:Vpc {vpcId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge Domain
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:Domain {name: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge UserAgent
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:UserAgent {value: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge S3Bucket
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:S3Bucket {name: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge Ec2Instance
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:Ec2Instance {instanceId: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// merge AwsResource
UNWIND $rows AS row
// row: [key, firstSeen, lastSeen, props]
MERGE (x:AwsResource {arn: row[0]})
SET x += row[3],
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row[1] < x.firstSeen THEN toInteger(row[1]) ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row[2] > x.lastSeen THEN toInteger(row[2]) ELSE x.lastSeen END

// current Finding
UNWIND $keys AS k
MATCH (e:Finding {findingId: k.key})
WHERE e.updatedAt >= k.version
RETURN k.key AS key

// merge Finding
UNWIND $rows AS row
MERGE (x:Finding {findingId: row.key})
WITH x, row, x.updatedAt IS NULL OR row.props.updatedAt > x.updatedAt AS applied,
     (x.updatedAt IS NULL OR row.props.updatedAt >= x.updatedAt) AS newer
SET x += CASE WHEN newer THEN row.props ELSE {} END,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END
RETURN count(CASE WHEN applied THEN 1 END) AS applied

// existing IngestedObject
UNWIND $keys AS key
MATCH (e:IngestedObject {contentHash: key})
RETURN key

// create IngestedObject
UNWIND $rows AS row
CREATE (e:IngestedObject)
SET e = row

// KEY_OF AccessKey->Principal
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:AccessKey {accessKeyId: row[0]})
MATCH (b:Principal {principalKey: row[1]})
MERGE (a)-[r:KEY_OF]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// SESSION_OF Principal->Principal
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Principal {principalKey: row[1]})
MERGE (a)-[r:SESSION_OF]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// ASSUMED Principal->Principal
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Principal {principalKey: row[1]})
MERGE (a)-[r:ASSUMED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// CALLED_FROM Principal->IpAddress
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:IpAddress {ip: row[1]})
MERGE (a)-[r:CALLED_FROM]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// CALLED_FROM Principal->Principal
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Principal {principalKey: row[1]})
MERGE (a)-[r:CALLED_FROM]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// USED_AGENT Principal->UserAgent
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:UserAgent {value: row[1]})
MERGE (a)-[r:USED_AGENT]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// ACCESSED Principal->S3Bucket
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, lists.apis]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:S3Bucket {name: row[1]})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->Ec2Instance
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, lists.apis]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Ec2Instance {instanceId: row[1]})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->AwsResource
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, lists.apis]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:AwsResource {arn: row[1]})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->Principal
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, lists.apis]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Principal {principalKey: row[1]})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->AccessKey
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, lists.apis]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:AccessKey {accessKeyId: row[1]})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ON_INSTANCE Principal->Ec2Instance
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Ec2Instance {instanceId: row[1]})
MERGE (a)-[r:ON_INSTANCE]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// IN_ACCOUNT Principal->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:Principal {principalKey: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT AccessKey->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:AccessKey {accessKeyId: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT S3Bucket->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:S3Bucket {name: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT Ec2Instance->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:Ec2Instance {instanceId: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT AwsResource->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:AwsResource {arn: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT NetworkInterface->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:NetworkInterface {interfaceId: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT Subnet->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:Subnet {subnetId: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT Vpc->Account
UNWIND $rows AS row
// row: [from, to]
MATCH (a:Vpc {vpcId: row[0]})
MATCH (b:Account {accountId: row[1]})
MERGE (a)-[:IN_ACCOUNT]->(b)

// FLOW IpAddress->IpAddress
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count, sums.bytes, sums.packets, lists.ports, lists.via, lists.interfaces, lists.srcPorts]
MATCH (a:IpAddress {ip: row[0]})
MATCH (b:IpAddress {ip: row[1]})
MERGE (a)-[r:FLOW]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4]),
    r.bytes = coalesce(r.bytes, 0) + toInteger(row[5]),
    r.packets = coalesce(r.packets, 0) + toInteger(row[6]),
    r.ports = (coalesce(r.ports, []) + [v IN coalesce(row[7], []) WHERE NOT v IN coalesce(r.ports, [])])[..50],
    r.via = (coalesce(r.via, []) + [v IN coalesce(row[8], []) WHERE NOT v IN coalesce(r.via, [])])[..10],
    r.interfaces = (coalesce(r.interfaces, []) + [v IN coalesce(row[9], []) WHERE NOT v IN coalesce(r.interfaces, [])])[..20],
    r.srcPorts = (coalesce(r.srcPorts, []) + [v IN coalesce(row[10], []) WHERE NOT v IN coalesce(r.srcPorts, [])])[..20]

// HAS_IP NetworkInterface->IpAddress
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:NetworkInterface {interfaceId: row[0]})
MATCH (b:IpAddress {ip: row[1]})
MERGE (a)-[r:HAS_IP]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// HAS_INTERFACE Ec2Instance->NetworkInterface
UNWIND $rows AS row
// row: [from, to, firstSeen, lastSeen, count]
MATCH (a:Ec2Instance {instanceId: row[0]})
MATCH (b:NetworkInterface {interfaceId: row[1]})
MERGE (a)-[r:HAS_INTERFACE]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row[2] < r.firstSeen THEN toInteger(row[2]) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row[3] > r.lastSeen THEN toInteger(row[3]) ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + toInteger(row[4])

// IN_SUBNET NetworkInterface->Subnet
UNWIND $rows AS row
// row: [from, to]
MATCH (a:NetworkInterface {interfaceId: row[0]})
MATCH (b:Subnet {subnetId: row[1]})
MERGE (a)-[:IN_SUBNET]->(b)

// IN_VPC Subnet->Vpc
UNWIND $rows AS row
// row: [from, to]
MATCH (a:Subnet {subnetId: row[0]})
MATCH (b:Vpc {vpcId: row[1]})
MERGE (a)-[:IN_VPC]->(b)

// IN_VPC NetworkInterface->Vpc
UNWIND $rows AS row
// row: [from, to]
MATCH (a:NetworkInterface {interfaceId: row[0]})
MATCH (b:Vpc {vpcId: row[1]})
MERGE (a)-[:IN_VPC]->(b)

// AFFECTS Finding->Principal
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// AFFECTS Finding->AccessKey
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:AccessKey {accessKeyId: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// AFFECTS Finding->S3Bucket
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:S3Bucket {name: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// AFFECTS Finding->Ec2Instance
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:Ec2Instance {instanceId: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// AFFECTS Finding->AwsResource
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:AwsResource {arn: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// AFFECTS Finding->NetworkInterface
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:NetworkInterface {interfaceId: row.to})
MERGE (a)-[r:AFFECTS]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// INVOLVES Finding->IpAddress
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:IpAddress {ip: row.to})
MERGE (a)-[r:INVOLVES]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END

// INVOLVES Finding->Domain
UNWIND $rows AS row
MATCH (a:Finding {findingId: row.from})
MATCH (b:Domain {name: row.to})
MERGE (a)-[r:INVOLVES]->(b)
SET r += coalesce(row.props, {}),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END
