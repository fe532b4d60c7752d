// Completes package-lock.json with entries for platform-specific optional packages that npm left
// out. The npm registry reachable from our machines mirrors only some platforms' builds (e.g.
// @rollup/rollup-darwin-arm64 and @biomejs/cli-win32-x64 are missing at our versions), so
// `npm install` drops them from the lockfile and `npm ci` then refuses the lockfile
// ("Missing: @rollup/rollup-android-arm64@ from lock file"). npm never installs these on Linux x64;
// the entries only have to exist, with the os/cpu that keep them off other hosts.
// Run after every dependency change: `npm run lock`. docs/decisions/0003-lockfile-platform-entries.md
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'win32',
  'netbsd',
  'sunos',
  'aix',
];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];
let added = 0;
for (const entry of Object.values(pkgs)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (pkgs[key]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu =
      parts.find((p) => CPU.includes(p)) ??
      (parts.includes('eabihf') || parts.includes('gnueabihf') ? 'arm' : undefined);
    const libc =
      parts.includes('musl') || parts.includes('musleabihf')
        ? 'musl'
        : parts.includes('gnu') || parts.includes('gnueabihf')
          ? 'glibc'
          : undefined;
    if (!os || !cpu) {
      console.log('cannot infer', name);
      continue;
    }
    pkgs[key] = {
      version: spec,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
