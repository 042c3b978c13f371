# The trailhound command in a container; docker-compose.yml pairs it with neo4j:5.26-community.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY cli ./cli
COPY graph ./graph
COPY ingest ./ingest
COPY db/localNeo4j.ts db/mavenJars.ts db/logTail.ts ./db/
ENV NODE_ENV=production
ENTRYPOINT ["node", "bin/trailhound.js"]
CMD ["--help"]
