# syntax=docker/dockerfile:1
# better-sqlite3 12 has no prebuilt binary reachable for every platform: node-gyp compiles SQLite
# from source (about a minute), so the stages that run `npm ci` need python3, make and g++.
# Build stage: dev dependencies, TypeScript compile.
FROM node:22-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json --rootDir . --outDir dist && rm -rf dist/test dist/bench

# Production dependencies, compiled with the toolchain, copied into a runtime without it.
FROM node:22-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/netwatch
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime stage: production dependencies only, non-root.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/netwatch
COPY package.json package-lock.json ./
COPY --from=deps /opt/netwatch/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN ln -s /opt/netwatch/dist/src/cli.js /usr/local/bin/netwatch && chmod 755 dist/src/cli.js \
 && mkdir -p /etc/netwatch /var/lib/netwatch && chown node:node /var/lib/netwatch
USER node
# HTTP (/metrics, /api), SNMP traps, syslog. Set traps/syslog listen to 0.0.0.0:162 / :514 in
# devices.yaml and run with --cap-add NET_BIND_SERVICE (or map high ports).
EXPOSE 9877 162/udp 514/udp
VOLUME ["/var/lib/netwatch"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:9877/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["netwatch", "run", "-c", "/etc/netwatch/devices.yaml"]
