# reachgraph API and CLI. Build: docker build -t reachgraph .  (docker compose builds it for you)
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --omit=optional

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY cypher ./cypher
COPY examples ./examples
# Where `serve --sync-every` keeps its snapshots (a volume in docker-compose.yml); named volumes take this ownership.
RUN mkdir -p /var/lib/reachgraph/snapshots && chown node:node /var/lib/reachgraph/snapshots
USER node
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/reachgraph.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
