package testenv

import (
	"context"
	"errors"
)

// Extras are the optional servers Acquire starts besides PostgreSQL and Redis.
type Extras struct {
	Mailpit    bool // SMTP server with an HTTP API
	S3         bool // versitygw, with one fresh bucket
	StripeMock bool
}

// Env is a database and a Redis key prefix for programs that are not Go tests,
// such as the withservices command, plus the extra servers asked for. Close
// releases them.
type Env struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string

	// SMTPURL (smtp://user:password@127.0.0.1:PORT) and MailpitAPIURL are set
	// with Extras.Mailpit.
	SMTPURL       string
	MailpitAPIURL string
	// BlobURL (s3://bucket?endpoint=...) and S3Credentials are set with Extras.S3.
	BlobURL       string
	S3Credentials S3Credentials
	// StripeAPIURL is set with Extras.StripeMock; any sk_test_ key is accepted.
	StripeAPIURL string

	pg       *pgBackend
	database string
	redis    *redisBackend
	mailpit  *mailpitServer
	s3       *s3Server
	stripe   *stripeMockServer
}

// Acquire chooses servers exactly like Postgres and Redis (starting throwaway
// servers if needed), creates a new database and picks a key prefix, and starts
// the extra servers asked for (building the test tools first if this machine has
// not). logf reports the choice of servers; it must not be nil (log.Printf or
// tb.Logf will do).
func Acquire(ctx context.Context, logf func(format string, args ...any), extras Extras) (*Env, error) {
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
	if err := e.startExtras(ctx, logf, extras); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	return e, nil
}

func (e *Env) startExtras(ctx context.Context, logf func(string, ...any), extras Extras) error {
	var err error
	if extras.Mailpit {
		if e.mailpit, err = newMailpitServer(ctx, logf); err != nil {
			return err
		}
		e.SMTPURL, e.MailpitAPIURL = e.mailpit.smtpURL(), e.mailpit.apiURL()
	}
	if extras.S3 {
		if e.s3, err = newS3Server(ctx, logf); err != nil {
			return err
		}
		if e.BlobURL, err = e.s3.createBucket(ctx); err != nil {
			return err
		}
		e.S3Credentials = e.s3.credentials()
	}
	if extras.StripeMock {
		if e.stripe, err = newStripeMockServer(ctx, logf); err != nil {
			return err
		}
		e.StripeAPIURL = e.stripe.url()
	}
	return nil
}

// Close drops the database, deletes the keys with the prefix and stops the
// servers Acquire started.
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
	if e.mailpit != nil {
		errs = append(errs, e.mailpit.destroy())
	}
	if e.s3 != nil {
		errs = append(errs, e.s3.destroy())
	}
	if e.stripe != nil {
		errs = append(errs, e.stripe.destroy())
	}
	return errors.Join(errs...)
}
