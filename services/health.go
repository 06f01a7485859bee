package services

import (
	"context"
	"sync"
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

// RedisConfigured reports whether sessions and login throttling use Redis (rather
// than the process's memory), so that readiness can say which.
func (h *Health) RedisConfigured() bool { return h.redis != nil }

// Check pings each dependency with a short timeout of its own, concurrently, and
// returns the failures by name ("database", "redis"); an empty map means ready.
// Separate deadlines keep a hung database from using up Redis's time and getting
// Redis reported as down too.
func (h *Health) Check(ctx context.Context) map[string]error {
	checks := map[string]func(context.Context) error{"database": h.db.PingContext}
	if h.redis != nil {
		checks["redis"] = func(ctx context.Context) error { return h.redis.Ping(ctx).Err() }
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	failures := map[string]error{}
	for name, check := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			if err := check(ctx); err != nil {
				mu.Lock()
				failures[name] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failures
}
