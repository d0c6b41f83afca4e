# syntax=docker/dockerfile:1
# The Airlock gateway: build with the dev toolchain, run on a slim image as a
# non-root user with only the runtime packages (plus pg, ioredis and zod,
# which the PostgreSQL store, Redis limits and config loading need).

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && npm install --no-save --ignore-scripts pg@8 ioredis@5 zod@4 \
 && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY assets ./assets
COPY catalog ./catalog
# The image's `node` user (uid 1000): nothing in the image is writable by it.
USER node
EXPOSE 8420
# Liveness only: /health answers while the process runs; /ready also checks PostgreSQL and Redis.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8420/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/bin.js"]
CMD ["serve", "--config", "/etc/airlock/airlock.config.yaml"]
