import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';
import type { TokenCache } from '../token-cache.js';
import { appDataRepository } from './app-data.js';
import { appsRepository } from './apps.js';
import { auditRepository } from './audit.js';
import { boardMembersRepository } from './board-members.js';
import { boardsRepository } from './boards.js';
import { codesRepository } from './codes.js';
import { connectorsRepository } from './connectors.js';
import { filesRepository } from './files.js';
import { groupsRepository } from './groups.js';
import { installationsRepository } from './installations.js';
import { itemsRepository } from './items.js';
import { janitorRepository } from './janitor.js';
import { layersRepository } from './layers.js';
import { organizationsRepository } from './organizations.js';
import { resourceServersRepository } from './resource-servers.js';
import { sessionsRepository } from './sessions.js';
import { signInFailuresRepository } from './sign-in-failures.js';
import { signingKeysRepository } from './signing-keys.js';
import { tagsRepository } from './tags.js';
import { teamsRepository } from './teams.js';
import { testControlsRepository } from './test-controls.js';
import { tokenStatements, tokensRepository } from './tokens.js';
import { usersRepository } from './users.js';
import { webhooksRepository } from './webhooks.js';

/** `tokenCache`: the database's validated-token cache (`Database.tokenCache`); none without it. */
export function createRepositories(db: Kysely<Tables>, tokenCache?: TokenCache, dialect?: 'sqlite' | 'postgres') {
  const statements = tokenStatements(db, { announceFamilies: tokenCache?.announcesFamilies ?? false });
  return {
    users: usersRepository(db),
    teams: teamsRepository(db),
    apps: appsRepository(db, tokenCache),
    installations: installationsRepository(db),
    codes: codesRepository(db, statements),
    tokens: tokensRepository(db, statements, tokenCache, dialect),
    audit: auditRepository(db),
    sessions: sessionsRepository(db),
    boards: boardsRepository(db),
    boardMembers: boardMembersRepository(db),
    items: itemsRepository(db),
    files: filesRepository(db),
    tags: tagsRepository(db),
    layers: layersRepository(db),
    connectors: connectorsRepository(db),
    groups: groupsRepository(db),
    appData: appDataRepository(db),
    janitor: janitorRepository(db),
    signInFailures: signInFailuresRepository(db),
    webhooks: webhooksRepository(db),
    organizations: organizationsRepository(db),
    testControls: testControlsRepository(db),
    resourceServers: resourceServersRepository(db),
    signingKeys: signingKeysRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
