# syntax=docker/dockerfile:1
# One image for every paymesh service (see mesh/README.md). The Deployment picks the service by
# its working directory (/app/services/<name> or /app/gateway) and runs its TypeScript entry
# point through tsx, as the local tooling does: `node --import tsx src/main.ts`.
#
#   docker build -t paymesh:dev .
#   docker run --rm -w /app/services/currency -e ... paymesh:dev
ARG NODE_IMAGE=node:24-bookworm-slim

# The browser app, built with the full (dev) dependency tree; only web/dist leaves this stage.
FROM ${NODE_IMAGE} AS web
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund \
 && npm run build --workspace @paymesh/web

# Production dependencies only, plus tsx: the services run TypeScript, so the loader is a run-time
# dependency, but it is a dev dependency of the root package (npm ci --omit=dev would drop it).
# It is installed on its own at the version package.json pins and linked into node_modules, where
# `--import tsx` finds it; its esbuild resolves from its real path under /opt/tsx.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
RUN --mount=type=cache,target=/root/.npm \
    tsx_version="$(node -p 'require("./package.json").devDependencies.tsx')" \
 && npm install --prefix /opt/tsx --no-save --no-package-lock --no-audit --no-fund "tsx@${tsx_version}" \
 && ln -s /opt/tsx/node_modules/tsx node_modules/tsx

# What the services read at run time and nothing else: no npm, no compilers, no sources of the web
# app, tests, benchmarks or scripts.
FROM ${NODE_IMAGE} AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /opt/tsx /opt/tsx
COPY --from=deps /app/package.json /app/tsconfig.base.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/proto/gen proto/gen
COPY --from=deps /app/platform platform
COPY --from=deps /app/services services
COPY --from=deps /app/gateway gateway
COPY --from=deps /app/mesh/topology.yaml mesh/topology.yaml
COPY --from=web /src/web/dist web/dist
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
CMD ["node", "--import", "tsx", "src/main.ts"]
