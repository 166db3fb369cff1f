# One image for every fivestar process (worker, services, provisioning, demo loader);
# docker-compose.yml chooses the command. Build: docker build -t fivestar:local .
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY workflows/package.json workflows/
COPY platform/package.json platform/
COPY services/api/package.json services/api/
COPY services/tasks/package.json services/tasks/
COPY services/notifications/package.json services/notifications/
COPY services/ranking/package.json services/ranking/
COPY cli/package.json cli/
COPY console/package.json console/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080
CMD ["node", "--enable-source-maps", "services/api/dist/main.js"]
