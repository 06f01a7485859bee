package testenv

import (
	"context"
	"errors"
)

// Env is a database and a Redis key prefix for programs that are not Go tests,
// such as the withservices command. Close releases them.
type Env struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string

	pg       *pgBackend
	database string
	redis    *redisBackend
}

// Acquire chooses servers exactly like Postgres and Redis (starting throwaway
// servers if needed), creates a new database and picks a key prefix. logf reports
// the choice of servers; it must not be nil (log.Printf or tb.Logf will do).
func Acquire(ctx context.Context, logf func(format string, args ...any)) (*Env, error) {
	pg, err := findPostgres(ctx, logf)
	if err != nil {
		return nil, err
	}
	e := &Env{pg: pg}
	if e.database, e.DatabaseURL, err = createDatabase(ctx, pg.adminURL); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	if e.redis, err = findRedis(ctx, logf); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	e.RedisURL, e.RedisPrefix = e.redis.url, newKeyPrefix()
	return e, nil
}

// Close drops the database, deletes the keys with the prefix and stops the
// throwaway servers Acquire started.
func (e *Env) Close() error {
	ctx, cancel := opContext()
	defer cancel()
	var errs []error
	if e.database != "" {
		errs = append(errs, dropDatabase(ctx, e.pg.adminURL, e.database))
	}
	errs = append(errs, e.pg.close())
	if e.redis != nil {
		errs = append(errs, deleteKeys(ctx, e.redis.url, e.RedisPrefix), e.redis.close())
	}
	return errors.Join(errs...)
}
