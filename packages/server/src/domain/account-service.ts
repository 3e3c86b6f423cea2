import { numericId } from '../lib/ids.js';
import { dummyPasswordHash, hashPassword, PasswordChecksBusyError, passwordChecks } from '../lib/passwords.js';
import type { UserRow } from '../storage/repositories/users.js';
import type { TeamRole } from '../storage/schema.js';
import { BusyError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import type { ServiceContext } from './service-context.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const PASSWORD_HASH = /^scrypt\$\d{1,10}\$\d{1,3}\$\d{1,3}\$[A-Za-z0-9_-]{16,100}\$[A-Za-z0-9_-]{16,200}$/;

/** Users, organizations, teams and memberships. */
export function accountService({ config, repos, clock }: ServiceContext) {
  const checks = passwordChecks({
    concurrent: config.signInConcurrentPasswordChecks,
    queued: config.signInQueuedPasswordChecks,
  });
  return {
    /**
     * A new user with a password, or (for fixtures exported from another Grantboard) with a
     * password hash as Grantboard stores it, so the same password signs in; with neither, an
     * account that signs in only through an upstream provider.
     */
    async createUser(input: {
      email: string;
      password?: string | undefined;
      passwordHash?: string | undefined;
      name: string;
    }): Promise<UserRow> {
      const email = input.email.trim().toLowerCase();
      if (!EMAIL.test(email)) throw new ValidationError(`'${input.email}' is not an email address.`, 'email');
      // Neither: an account that signs in only through an upstream provider (docs/federation.md).
      if (input.password !== undefined && input.passwordHash !== undefined)
        throw new ValidationError('Give a password or a password hash, not both.', 'password');
      if (input.passwordHash !== undefined && !PASSWORD_HASH.test(input.passwordHash))
        throw new ValidationError(
          "The password hash is not one Grantboard writes ('scrypt$N$r$p$salt$hash').",
          'passwordHash',
        );
      if (input.password !== undefined && input.password.length < 8)
        throw new ValidationError('The password must be at least 8 characters.', 'password');
      if (input.password !== undefined && input.password.length > 1024)
        throw new ValidationError('The password must be at most 1024 characters.', 'password');
      const name = input.name.trim();
      if (name.length < 1 || name.length > 100)
        throw new ValidationError('The name must be 1 to 100 characters.', 'name');
      if (await repos.users.findByEmail(email))
        throw new ValidationError(`A user with email ${email} already exists.`, 'email');
      const user: UserRow = {
        id: numericId(),
        email,
        name,
        password_hash: input.passwordHash ?? (input.password === undefined ? null : await hashPassword(input.password)),
        created_at: clock.now(),
      };
      await repos.users.create(user);
      return user;
    },

    /**
     * The user with this email and password; the same cost whether or not the email exists.
     * `BusyError` when too many password checks are already under way in this process.
     */
    async authenticate(email: string, password: string): Promise<UserRow | undefined> {
      const user = await repos.users.findByEmail(email.trim().toLowerCase());
      try {
        const ok = await checks.verify(password, user?.password_hash ?? (await dummyPasswordHash()));
        return ok ? user : undefined;
      } catch (error) {
        if (error instanceof PasswordChecksBusyError) throw new BusyError(error.message);
        throw error;
      }
    },

    async createOrganization(name: string) {
      const org = { id: numericId(), name: name.trim(), created_at: clock.now() };
      if (org.name.length < 1 || org.name.length > 100)
        throw new ValidationError('The organization name must be 1 to 100 characters.');
      await repos.teams.createOrganization(org);
      return org;
    },

    /** Creates a team in an organization; without one, in a new organization of the same name. */
    async createTeam(input: { name: string; organizationId?: string | undefined }) {
      const name = input.name.trim();
      if (name.length < 1 || name.length > 100)
        throw new ValidationError('The team name must be 1 to 100 characters.', 'name');
      let organizationId = input.organizationId;
      if (organizationId === undefined) organizationId = (await this.createOrganization(name)).id;
      else if (!(await repos.teams.findOrganization(organizationId))) {
        throw new NotFoundError(`There is no organization with id ${organizationId}.`);
      }
      const team = {
        id: numericId(),
        organization_id: organizationId,
        name,
        installs_admin_only: 0,
        created_at: clock.now(),
      };
      await repos.teams.create(team);
      return team;
    },

    /** Whether only team admins may install apps in the team; only an admin may change it. */
    async setInstallPolicy(teamId: string, actorId: string, adminOnly: boolean): Promise<void> {
      const team = await repos.teams.findById(teamId);
      if (!team) throw new NotFoundError(`There is no team with id ${teamId}.`);
      if ((await repos.teams.role(teamId, actorId)) !== 'admin') {
        throw new ForbiddenError('Only team admins can change who may install apps.');
      }
      if ((team.installs_admin_only === 1) === adminOnly) return;
      await repos.teams.setInstallsAdminOnly(teamId, adminOnly);
      await repos.audit.record({
        type: 'team_settings_changed',
        at: clock.now(),
        actorId,
        teamId,
        detail: { installsAdminOnly: adminOnly },
      });
    },

    /** Every organization, oldest first (fixtures export). */
    listOrganizations() {
      return repos.teams.listOrganizations();
    },

    /** A team's members with their roles (fixtures export). */
    members(teamId: string) {
      return repos.teams.members(teamId);
    },

    /** Every user with the password hash as stored: only for `grantboard fixtures export`, never a surface. */
    async usersWithPasswordHashes(): Promise<UserRow[]> {
      return repos.users.list();
    },

    /** Every team, oldest first (the operator's command line). */
    listTeams() {
      return repos.teams.list();
    },

    /** Every user, oldest first, without password hashes (the operator's command line). */
    async listUsers(): Promise<Omit<UserRow, 'password_hash'>[]> {
      return (await repos.users.list()).map(({ password_hash: _, ...user }) => user);
    },

    async addMember(teamId: string, userId: string, role: TeamRole): Promise<void> {
      if (role !== 'member' && role !== 'admin')
        throw new ValidationError(`Role must be 'member' or 'admin', not '${role}'.`);
      if (!(await repos.teams.findById(teamId))) throw new NotFoundError(`There is no team with id ${teamId}.`);
      if (!(await repos.users.findById(userId))) throw new NotFoundError(`There is no user with id ${userId}.`);
      await repos.teams.setMember(teamId, userId, role, clock.now());
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
