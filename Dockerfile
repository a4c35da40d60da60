# syntax=docker/dockerfile:1
# 1. the web UI (built when frontend/ has a package.json; plain files otherwise)
FROM node:20-alpine AS frontend
WORKDIR /frontend
COPY frontend/ ./
RUN if [ -f package.json ]; then npm ci && npm run build; fi

# 2. a static Go binary: pure-Go SQLite (glebarez), so CGO is off
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /frontend/dist ./frontend/dist
# docker build --build-arg VERSION=$(git describe --tags --always --dirty) .
ARG VERSION=
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X fugong/internal/buildinfo.version=${VERSION}" -o /out/fugong ./cmd/fugong

# 3. a small runtime image, non-root
FROM alpine:3.20
RUN addgroup -S fugong && adduser -S -G fugong -h /app fugong && apk add --no-cache ca-certificates tzdata
WORKDIR /app
COPY --from=build /out/fugong /app/fugong
COPY rules /app/rules
COPY configs /app/configs
RUN mkdir -p /app/data /app/uploads && chown -R fugong:fugong /app/data /app/uploads
USER fugong
ENV FUGONG_HTTP_ADDR=:8080 FUGONG_RULES_DIR=/app/rules FUGONG_DATA_DIR=/app/data
VOLUME ["/app/data", "/app/uploads"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD wget -qO- http://127.0.0.1:8080/readyz >/dev/null || exit 1
ENTRYPOINT ["/app/fugong"]
CMD ["serve"]
