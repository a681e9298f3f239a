# syntax=docker/dockerfile:1
# Keypulse: one image for the web process (the default command) and the queue worker (`node dist/server/worker.js`).
# Build: docker build -t keypulse .      Several machines: see compose.yaml and the README, "Running on several machines".

# --- build: every dependency, then the production build (dist/: the server bundle, the browser files, the PGlite template)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts here: `prepare` would build before the sources are copied. The build runs below, once.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build

# --- runtime: production dependencies, the build and the migrations; no compiler, no dev dependencies, not root
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    KEYPULSE_DATA_DIR=/var/lib/keypulse/data \
    KEYPULSE_SECRET_FILE=/var/lib/keypulse/keypulse.secret
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
# The embedded database and the link secret file, when used (a single container without DATABASE_URL): mount a
# volume here. With PostgreSQL and KEYPULSE_SECRET set, nothing is written to disk.
RUN mkdir -p /var/lib/keypulse && chown node:node /var/lib/keypulse
USER node
EXPOSE 3000
# Liveness only (the process answers); whether to send it traffic is /readyz, for the load balancer.
# Worker containers have no HTTP server: compose.yaml turns this check off for them.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs once the build is fresh (scripts/start.mjs decides that; an image's build is fixed, and
# npm would stand between the signal and node): node itself gets SIGTERM and shuts down gracefully.
CMD ["node", "dist/server/main.js"]
