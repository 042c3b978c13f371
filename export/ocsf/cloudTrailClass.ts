import { OcsfClasses, type OcsfClass } from './vocabulary';

/**
 * Which OCSF class a CloudTrail event is, as Amazon Security Lake decides it (the OCSF project's
 * CloudTrail mapping, ocsf/examples mappings/bloblang/AWS/CloudTrail/v1.1.0/cloudtrail.yml): sign-ins
 * and role assumptions are Authentication, changes to IAM identities and their policies are
 * Account Change, every other call is API Activity. A query written for Security Lake's tables
 * (e.g. "Account Change where activity is Attach Policy") then finds Trailhound's lines too.
 */
const AUTHENTICATION = new Set([
  'ConsoleLogin', 'ExternalIdPDirectoryLogin', 'CheckMfa', 'CredentialChallenge', 'CredentialVerification', 'UserAuthentication',
  'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity',
]);

const ACCOUNT_CHANGE = new Set([
  'UpdateRole', 'AttachUserPolicy', 'PutRolePermissionsBoundary', 'DeletePolicy', 'RemoveUserFromGroup', 'ChangePassword', 'CreateAccessKey',
  'AttachGroupPolicy', 'ResyncMFADevice', 'DeleteRolePolicy', 'PutUserPermissionsBoundary', 'CreateUser', 'CreateServiceLinkedRole', 'PutRolePolicy',
  'DetachGroupPolicy', 'UpdateAccessKey', 'CreateInstanceProfile', 'CreateRole', 'DeleteUserPermissionsBoundary', 'DeleteAccountAlias', 'PutGroupPolicy',
  'CreateLoginProfile', 'DeleteGroupPolicy', 'DeleteLoginProfile', 'DeleteUserPolicy', 'DeactivateMFADevice', 'RemoveRoleFromInstanceProfile', 'UpdateUser',
  'EnableMFADevice', 'DeleteUser', 'AddRoleToInstanceProfile', 'UpdateAccountEmailAddress', 'UpdateRoleDescription', 'DetachUserPolicy',
  'UpdateAssumeRolePolicy', 'DeleteGroup', 'DeleteServiceLinkedRole', 'DeleteAccessKey', 'AddUserToGroup', 'DeleteVirtualMFADevice',
  'FinalizeSmsMfaRegistration', 'DeleteRolePermissionsBoundary', 'DetachRolePolicy', 'DeleteInstanceProfile', 'UpdateGroup', 'UpdateLoginProfile',
  'RequestSmsMfaRegistration', 'DeleteRole', 'PutUserPolicy', 'CreateVirtualMFADevice', 'AttachRolePolicy', 'EmailUpdated', 'AccountNameUpdated',
  'PasswordUpdated', 'DeleteAccountPasswordPolicy', 'UpdateAccountPasswordPolicy', 'UpdateAccountName', 'TagInstanceProfile', 'TagRole', 'TagUser',
  'UntagInstanceProfile', 'UntagRole', 'UntagUser', 'CreateAccountAlias',
]);

export interface CloudTrailClass {
  readonly cls: OcsfClass;
  readonly activityId: number;
  readonly activityName: string;
}

export function cloudTrailClass(eventName: string | null, readOnly: boolean | null, requestParameters: Record<string, unknown> | undefined): CloudTrailClass {
  const name = eventName ?? '';
  if (AUTHENTICATION.has(name)) {
    // Authentication 1.1.0: 1 Logon, 99 Other (an MFA check or a challenge is a step, not a logon).
    const logon = name === 'ConsoleLogin' || name === 'ExternalIdPDirectoryLogin' || name === 'UserAuthentication' || name.startsWith('AssumeRole');
    return { cls: OcsfClasses.authentication, activityId: logon ? 1 : 99, activityName: logon ? 'Logon' : 'Other' };
  }
  if (ACCOUNT_CHANGE.has(name)) {
    const [activityId, activityName] = accountChangeActivity(name, requestParameters);
    return { cls: OcsfClasses.accountChange, activityId, activityName };
  }
  const [activityId, activityName] = apiActivity(name, readOnly);
  return { cls: OcsfClasses.apiActivity, activityId, activityName };
}

/**
 * Account Change 1.1.0 activities: 1 Create, 2 Enable, 3 Password Change, 4 Password Reset,
 * 5 Disable, 6 Delete, 7 Attach Policy, 8 Detach Policy, 10 MFA Factor Enable, 11 MFA Factor
 * Disable, 99 Other.
 */
function accountChangeActivity(name: string, request: Record<string, unknown> | undefined): [number, string] {
  if (name === 'EnableMFADevice' || name === 'ResyncMFADevice' || name === 'CreateVirtualMFADevice' || name === 'FinalizeSmsMfaRegistration') return [10, 'MFA Factor Enable'];
  if (name === 'DeactivateMFADevice' || name === 'DeleteVirtualMFADevice') return [11, 'MFA Factor Disable'];
  if (name === 'ChangePassword' || name === 'PasswordUpdated') return [3, 'Password Change'];
  if (name === 'UpdateLoginProfile') return [4, 'Password Reset'];
  if (name === 'UpdateAccessKey') return request?.status === 'Inactive' ? [5, 'Disable'] : request?.status === 'Active' ? [2, 'Enable'] : [99, 'Other'];
  if (/^(Attach|Put)|^AddUserToGroup$/.test(name)) return [7, 'Attach Policy'];
  // An inline policy deleted from an identity is detached from it; a managed policy deleted is a Delete.
  if (/^(Detach|Remove)|^Delete(User|Role|Group)Policy$|^Delete\w*PermissionsBoundary$/.test(name)) return [8, 'Detach Policy'];
  if (name.startsWith('Create')) return [1, 'Create'];
  if (name.startsWith('Delete')) return [6, 'Delete'];
  return [99, 'Other'];
}

/** CloudTrail verbs to API Activity 1.1.0: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. */
function apiActivity(name: string, readOnly: boolean | null): [number, string] {
  if (/^(Create|Put|Run|Start|Add|Attach|Register|Import|Allocate|Issue)/.test(name)) return [1, 'Create'];
  if (/^(Delete|Remove|Detach|Terminate|Deregister|Revoke|Disable|Stop)/.test(name)) return [4, 'Delete'];
  if (readOnly === true || /^(Get|List|Describe|Head|Lookup|Search|Select|Scan|Query)/.test(name)) return [2, 'Read'];
  if (/^(Update|Modify|Set|Change|Enable|Reset|Associate|Tag|Untag|Replace)/.test(name)) return [3, 'Update'];
  return [99, 'Other'];
}
