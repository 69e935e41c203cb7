# syntax=docker/dockerfile:1
#
# One image per service, all from one build:
#
#   docker build --target api            -t hrm/api .
#   docker build --target realtime       -t hrm/realtime .
#   docker build --target ingest         -t hrm/ingest .
#   docker build --target spotify-worker -t hrm/spotify-worker .
#   docker build --target migrate        -t hrm/migrate .   # prisma migrate deploy, then exits
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
# in prisma.config.ts; pointing it at an existing file stops `npm ci` (and the
# postinstall `prisma generate`) from downloading binaries nobody uses. The same
# build then works offline and online.
ENV PRISMA_QUERY_ENGINE_LIBRARY=/app/prisma/schema.prisma \
    PRISMA_SCHEMA_ENGINE_BINARY=/app/prisma/schema.prisma \
    CHECKPOINT_DISABLE=1
# Dependencies first, so source edits do not re-run `npm ci`. The postinstall
# `prisma generate` needs the schema and the CLI config.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
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
# Applies prisma/migrations to DATABASE_URL and exits. prisma.config.ts runs the
# CLI on its bundled WebAssembly schema engine through @prisma/adapter-pg-cli:
# no engine binary is needed at run time either.
FROM runtime AS migrate
USER root
# Prisma reads the OpenSSL version to describe the platform; without it every
# run starts with a warning.
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
USER node
CMD ["node", "node_modules/prisma/build/index.js", "migrate", "deploy"]
