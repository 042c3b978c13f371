/**
 * CloudTrail's own userIdentity.type values. They are CloudTrail's words, kept verbatim
 * (one, "FederatedUser", happens to match a graph label), and RoleSession.sessionType reuses
 * them so investigators see the type CloudTrail gave the session.
 */
export const IdentityType = {
  IAMUser: 'IAMUser',
  AssumedRole: 'AssumedRole',
  FederatedUser: 'FederatedUser',
  Root: 'Root',
  AWSService: 'AWSService',
  AWSAccount: 'AWSAccount',
  SAMLUser: 'SAMLUser',
  WebIdentityUser: 'WebIdentityUser',
  IdentityCenterUser: 'IdentityCenterUser',
} as const;
