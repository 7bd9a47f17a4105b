# The API and the worker, run from the TypeScript sources with tsx as in development (no build step).
# docker-compose.yml runs this image twice: `api` (default CMD) and `worker`.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# dependencies first, for layer caching; tsx, patch-package, the Temporal SDK (with its native core and the workflow
# bundler) are runtime dependencies, so dev dependencies (jest, typescript…) are left out
COPY package.json package-lock.json ./
# patches/ is applied by the postinstall script (patch-package): the worker's promise-hook patch (docs/performance.md)
COPY patches ./patches
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json ./
COPY domains.ts ./
COPY api ./api
COPY activities ./activities
COPY workflows ./workflows
COPY db ./db
COPY platform ./platform
COPY nanxun ./nanxun
COPY titleReview ./titleReview
COPY runtime ./runtime
# tools/ (bench, binary provisioning, history recorder) and test/ are not part of the image

# run as the image's unprivileged `node` user; DATA_DIR (.data) is only written in development mode
# (generated JWT secret), but give it a writable home anyway
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

EXPOSE 3000
# `node --import tsx` rather than the tsx CLI: one process, which receives docker's SIGTERM itself
CMD ["node", "--import", "tsx", "runtime/api.ts"]
