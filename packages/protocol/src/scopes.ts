/**
 * The permission scopes Grantboard recognises: Miro's full scope list. An app may only be registered
 * with scopes from this list; tokens carry a subset of the app's scopes.
 */
export const SCOPES = {
  'boards:read': 'Read boards, board members and items',
  'boards:write': 'Create, update and delete boards, board members and items',
  'identity:read': 'Read your profile, including your email address',
  'identity:write': 'Update your profile',
  'team:read': 'Read information about the current team',
  'team:write': 'Update the team: title, invitations and roles',
  'microphone:listen': 'Record audio inside the app',
  'screen:record': 'Record your screen inside the app',
  'webcam:record': 'Record from your camera inside the app',
  'auditlogs:read': "Read the audit logs of the team's organization",
  'organizations:read': 'Read organization information: name, plan, licenses, settings, members',
  'organizations:teams:read': "Read the organization's teams, their settings and members",
  'organizations:teams:write': "Create, update and delete the organization's teams and their members",
  'organizations:groups:read': 'Read user groups and their members',
  'organizations:groups:write': 'Change user groups and their members',
  'projects:read': 'Read projects (spaces): list, settings, members',
  'projects:write': 'Create, update and delete projects (spaces), their settings and members',
  'contentlogs:export': 'Export activity on all boards of the organization',
  'boards:export': 'Export boards, with comments and talktracks',
  'sessions:delete': "Reset all of a user's sessions",
  'organizations:cases:management': "Manage the organization's eDiscovery cases and legal holds",
  // Miro's documentation spells this permission in the plural, its API specification in the singular; both are accepted.
  'organization:cases:management':
    "Manage the organization's eDiscovery cases and legal holds (the same permission, in the singular spelling of Miro's API specification)",
  'aiinteractionlogs:read': 'Read AI interaction logs',
} as const satisfies Record<string, string>;

export type Scope = keyof typeof SCOPES;

export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Parses a space-delimited scope string into distinct scope tokens, in order of first appearance.
 * Returns `undefined` when the string is not a well-formed RFC 6749 §3.3 scope list.
 */
export function parseScopeList(value: string): string[] | undefined {
  if (value === '') return [];
  const parts = value.split(' ');
  if (!parts.every((part) => SCOPE_TOKEN.test(part))) return undefined;
  return [...new Set(parts)];
}

/** Whether a scope is one the user reads, as opposed to one that lets the app change something. */
export function isReadScope(scope: string): boolean {
  return /:(read|listen)$/.test(scope);
}
