// Switches the credentials file back and forth between two logins forever, through the real
// credentials-file target (an esbuild bundle built by the test). The kill test SIGKILLs it at
// random points.
//   node switch-child.mjs <bundle.cjs> <configDir> <credentialsFile> <loginsJsonFile>
import fs from 'node:fs';
import { createRequire } from 'node:module';

const [bundlePath, configDir, credentialsFile, loginsFile] = process.argv.slice(2);
const { createCredentialsFileTarget } = createRequire(import.meta.url)(bundlePath);
const logins = JSON.parse(fs.readFileSync(loginsFile, 'utf8'));
const target = createCredentialsFileTarget({ paths: { configDir, credentialsFile }, lock: { waitMs: 30_000 } });

process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const result = await target.write(logins[i % logins.length]);
  if (!result.ok) {
    process.stderr.write(`write failed: ${result.error.kind}: ${result.error.message}\n`);
    process.exit(3);
  }
}
