/** A board's permissions and sharing policy, in Miro's wire vocabulary. */
export interface BoardPolicy {
  permissionsPolicy: {
    collaborationToolsStartAccess: 'all_editors' | 'board_owners_and_coowners';
    copyAccess: 'anyone' | 'team_members' | 'team_editors' | 'board_owner';
    sharingAccess: 'team_members_with_editing_rights' | 'owner_and_coowners';
  };
  sharingPolicy: {
    access: 'private' | 'view' | 'edit' | 'comment';
    inviteToAccountAndBoardLinkAccess: 'viewer' | 'commenter' | 'editor' | 'no_access';
    organizationAccess: 'private' | 'view' | 'comment' | 'edit';
    teamAccess: 'private' | 'view' | 'comment' | 'edit';
  };
}

/** Part of a policy, as a create or update request carries it. */
export interface BoardPolicyChanges {
  permissionsPolicy?: Partial<BoardPolicy['permissionsPolicy']>;
  sharingPolicy?: Partial<BoardPolicy['sharingPolicy']>;
}

/**
 * New boards are private to their members: team members see a board once it is shared with them or
 * its team access is opened. Least privilege; Miro's own defaults vary by plan.
 */
export const DEFAULT_POLICY: BoardPolicy = {
  permissionsPolicy: {
    collaborationToolsStartAccess: 'all_editors',
    copyAccess: 'anyone',
    sharingAccess: 'team_members_with_editing_rights',
  },
  sharingPolicy: {
    access: 'private',
    inviteToAccountAndBoardLinkAccess: 'no_access',
    organizationAccess: 'private',
    teamAccess: 'private',
  },
};

/** The policy with the changes applied, field by field. */
export function applyPolicy(base: BoardPolicy, changes: BoardPolicyChanges | undefined): BoardPolicy {
  return {
    permissionsPolicy: { ...base.permissionsPolicy, ...changes?.permissionsPolicy },
    sharingPolicy: { ...base.sharingPolicy, ...changes?.sharingPolicy },
  };
}

export function parsePolicy(json: string): BoardPolicy {
  return applyPolicy(DEFAULT_POLICY, JSON.parse(json) as BoardPolicyChanges);
}
