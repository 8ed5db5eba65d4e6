/** Where a switch writes on this platform: the macOS keychain item, or the credentials file. */
import type { Logger } from '../../ports.js';
import type { ClaudePaths } from '../claude-paths.js';
import type { CredentialTarget, IdentityTarget } from './credential-target.js';
import { createCredentialsFileTarget } from './credentials-file-target.js';
import { createMacosKeychainTarget } from './macos-keychain-target.js';
import { createOAuthAccountTarget } from './oauth-account-target.js';

export function defaultCredentialTarget(platform: NodeJS.Platform, paths: ClaudePaths, logger: Logger): CredentialTarget {
  return platform === 'darwin' ? createMacosKeychainTarget({ paths, logger }) : createCredentialsFileTarget({ paths, logger });
}

export function defaultIdentityTarget(paths: ClaudePaths, logger: Logger): IdentityTarget {
  return createOAuthAccountTarget({ paths, logger });
}
