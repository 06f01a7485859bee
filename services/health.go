package services

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"
)

// Health checks the dependencies the shop needs to serve every page.
type Health struct {
	db    *bun.DB
	redis *redis.Client // nil when sessions are in memory
}

// NewHealth returns a readiness checker; rdb may be nil.
func NewHealth(db *bun.DB, rdb *redis.Client) *Health { return &Health{db: db, redis: rdb} }

// Check pings each dependency with a short timeout and returns the failures by
// name ("database", "redis"); an empty map means ready.
func (h *Health) Check(ctx context.Context) map[string]error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	failures := map[string]error{}
	if err := h.db.PingContext(ctx); err != nil {
		failures["database"] = err
	}
	if h.redis != nil {
		if err := h.redis.Ping(ctx).Err(); err != nil {
			failures["redis"] = err
		}
	}
	return failures
}
