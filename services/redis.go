package services

import (
	"fmt"
	"runtime"
	"time"

	"github.com/redis/go-redis/v9"
)

// OpenRedis returns a client for a redis:// or rediss:// URL. It does not
// contact the server: a Redis that is down at start-up must not stop the app.
// Timeouts are short because every call sits on a page's critical path: a dead
// or hung Redis must turn into a quick 503, not a pile of waiting requests.
func OpenRedis(redisURL string) (*redis.Client, error) {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	opt.DialTimeout = time.Second
	opt.ReadTimeout = 500 * time.Millisecond
	opt.WriteTimeout = 500 * time.Millisecond
	opt.PoolTimeout = time.Second
	opt.MaxRetries = 1
	opt.PoolSize = 10 * runtime.GOMAXPROCS(0)
	opt.ContextTimeoutEnabled = true
	return redis.NewClient(opt), nil
}
