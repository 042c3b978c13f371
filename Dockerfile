# The trailhound command and UI in a container; docker-compose.yml pairs it with neo4j:5.26-community.
# Stage 1 builds the web UI (Vite is a dev dependency); stage 2 carries only what runs.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY web ./web
COPY graph ./graph
COPY server/schemas.ts ./server/schemas.ts
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY cli ./cli
COPY db/localNeo4j.ts db/mavenJars.ts db/logTail.ts ./db/
COPY demo ./demo
COPY export ./export
COPY graph ./graph
COPY ingest ./ingest
COPY server ./server
COPY store ./store
COPY --from=web /app/web/dist ./web/dist
# The CLI compiled once here (bin/compiled.js), not at the container's first command.
RUN node bin/trailhound.js --version
ENV NODE_ENV=production
# The event store (raw events beside the graph): keep it on a volume, with the graph's.
ENV TRAILHOUND_EVENTS_DIR=/data/events
EXPOSE 8080
ENTRYPOINT ["node", "bin/trailhound.js"]
CMD ["--help"]
