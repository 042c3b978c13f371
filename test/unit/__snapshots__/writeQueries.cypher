// merge Account
UNWIND $rows AS row
MERGE (x:Account {accountId: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge IamUser
UNWIND $rows AS row
MERGE (x:IamUser {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge IamRole
UNWIND $rows AS row
MERGE (x:IamRole {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge RoleSession
UNWIND $rows AS row
MERGE (x:RoleSession {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge FederatedUser
UNWIND $rows AS row
MERGE (x:FederatedUser {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge RootUser
UNWIND $rows AS row
MERGE (x:RootUser {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge AwsService
UNWIND $rows AS row
MERGE (x:AwsService {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge AwsAccountPrincipal
UNWIND $rows AS row
MERGE (x:AwsAccountPrincipal {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge UnknownPrincipal
UNWIND $rows AS row
MERGE (x:UnknownPrincipal {principalKey: row.key})
SET x += row.props, x:Principal,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge AccessKey
UNWIND $rows AS row
MERGE (x:AccessKey {accessKeyId: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge IpAddress
UNWIND $rows AS row
MERGE (x:IpAddress {ip: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge UserAgent
UNWIND $rows AS row
MERGE (x:UserAgent {value: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge S3Bucket
UNWIND $rows AS row
MERGE (x:S3Bucket {name: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge Ec2Instance
UNWIND $rows AS row
MERGE (x:Ec2Instance {instanceId: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// merge AwsResource
UNWIND $rows AS row
MERGE (x:AwsResource {arn: row.key})
SET x += row.props,
    x.firstSeen = CASE WHEN x.firstSeen IS NULL OR row.firstSeen < x.firstSeen THEN row.firstSeen ELSE x.firstSeen END,
    x.lastSeen = CASE WHEN x.lastSeen IS NULL OR row.lastSeen > x.lastSeen THEN row.lastSeen ELSE x.lastSeen END

// existing Event
UNWIND $keys AS key
MATCH (e:Event {eventId: key})
RETURN key

// create Event
UNWIND $rows AS row
CREATE (e:Event)
SET e = row

// KEY_OF AccessKey->Principal
UNWIND $rows AS row
MATCH (a:AccessKey {accessKeyId: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:KEY_OF]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// SESSION_OF Principal->Principal
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:SESSION_OF]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// ASSUMED Principal->Principal
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:ASSUMED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// CALLED_FROM Principal->IpAddress
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:IpAddress {ip: row.to})
MERGE (a)-[r:CALLED_FROM]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// CALLED_FROM Principal->Principal
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:CALLED_FROM]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// USED_AGENT Principal->UserAgent
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:UserAgent {value: row.to})
MERGE (a)-[r:USED_AGENT]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// ACCESSED Principal->S3Bucket
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:S3Bucket {name: row.to})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count,
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row.lists.apis, []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->Ec2Instance
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Ec2Instance {instanceId: row.to})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count,
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row.lists.apis, []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->AwsResource
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:AwsResource {arn: row.to})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count,
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row.lists.apis, []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->Principal
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Principal {principalKey: row.to})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count,
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row.lists.apis, []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ACCESSED Principal->AccessKey
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:AccessKey {accessKeyId: row.to})
MERGE (a)-[r:ACCESSED]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count,
    r.apis = (coalesce(r.apis, []) + [v IN coalesce(row.lists.apis, []) WHERE NOT v IN coalesce(r.apis, [])])[..50]

// ON_INSTANCE Principal->Ec2Instance
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Ec2Instance {instanceId: row.to})
MERGE (a)-[r:ON_INSTANCE]->(b)
SET r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen THEN row.firstSeen ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen THEN row.lastSeen ELSE r.lastSeen END,
    r.count = coalesce(r.count, 0) + row.count

// IN_ACCOUNT Principal->Account
UNWIND $rows AS row
MATCH (a:Principal {principalKey: row.from})
MATCH (b:Account {accountId: row.to})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT AccessKey->Account
UNWIND $rows AS row
MATCH (a:AccessKey {accessKeyId: row.from})
MATCH (b:Account {accountId: row.to})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT S3Bucket->Account
UNWIND $rows AS row
MATCH (a:S3Bucket {name: row.from})
MATCH (b:Account {accountId: row.to})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT Ec2Instance->Account
UNWIND $rows AS row
MATCH (a:Ec2Instance {instanceId: row.from})
MATCH (b:Account {accountId: row.to})
MERGE (a)-[:IN_ACCOUNT]->(b)

// IN_ACCOUNT AwsResource->Account
UNWIND $rows AS row
MATCH (a:AwsResource {arn: row.from})
MATCH (b:Account {accountId: row.to})
MERGE (a)-[:IN_ACCOUNT]->(b)

// TOUCHED Event->S3Bucket
UNWIND $rows AS row
MATCH (a:Event {eventId: row.from})
MATCH (b:S3Bucket {name: row.to})
CREATE (a)-[:TOUCHED]->(b)

// TOUCHED Event->Ec2Instance
UNWIND $rows AS row
MATCH (a:Event {eventId: row.from})
MATCH (b:Ec2Instance {instanceId: row.to})
CREATE (a)-[:TOUCHED]->(b)

// TOUCHED Event->AwsResource
UNWIND $rows AS row
MATCH (a:Event {eventId: row.from})
MATCH (b:AwsResource {arn: row.to})
CREATE (a)-[:TOUCHED]->(b)

// TOUCHED Event->Principal
UNWIND $rows AS row
MATCH (a:Event {eventId: row.from})
MATCH (b:Principal {principalKey: row.to})
CREATE (a)-[:TOUCHED]->(b)

// TOUCHED Event->AccessKey
UNWIND $rows AS row
MATCH (a:Event {eventId: row.from})
MATCH (b:AccessKey {accessKeyId: row.to})
CREATE (a)-[:TOUCHED]->(b)
