// Package testenv gives tests (and commands such as withservices) isolated
// PostgreSQL databases and Redis key prefixes, using TEST_DATABASE_URL and
// TEST_REDIS_URL, else servers on the usual local ports, else throwaway servers it
// starts itself. It also starts private servers for tests that stop, restart or
// freeze them, and the doubles of outside services (Mailpit for SMTP, versitygw
// for S3, stripe-mock for Stripe), built from tools/go.mod (see tools.go).
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// The servers used by Postgres and Redis are chosen once per process, so that a
// test binary starts at most one throwaway server of each kind. Main stops them.
var (
	mainActive atomic.Bool

	sharedPGOnce sync.Once
	sharedPG     *pgBackend
	sharedPGErr  error

	sharedRedisOnce sync.Once
	sharedRedis     *redisBackend
	sharedRedisErr  error

	sharedMailpitOnce sync.Once
	sharedMailpit     *mailpitServer
	sharedMailpitErr  error

	sharedS3Once sync.Once
	sharedS3     *s3Server
	sharedS3Err  error

	sharedStripeOnce sync.Once
	sharedStripe     *stripeMockServer
	sharedStripeErr  error
)

// Main runs the tests, then stops the throwaway servers this process started, and
// returns the exit code. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
func Main(m *testing.M) int {
	mainActive.Store(true)
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// stopShared runs after m.Run has waited for all tests, so it reads the shared
// state without further synchronisation.
func stopShared() error {
	var errs []error
	if sharedPG != nil {
		errs = append(errs, sharedPG.close())
	}
	if sharedRedis != nil {
		errs = append(errs, sharedRedis.close())
	}
	if sharedMailpit != nil {
		errs = append(errs, sharedMailpit.destroy())
	}
	if sharedS3 != nil {
		errs = append(errs, sharedS3.destroy())
	}
	if sharedStripe != nil {
		errs = append(errs, sharedStripe.destroy())
	}
	return errors.Join(errs...)
}

// requireMain fails the test if TestMain does not call Main. Without Main a
// throwaway server is only killed when the process exits and its files are left
// behind; failing everywhere, not only where a throwaway is needed, reveals the
// mistake on developer machines rather than on CI.
func requireMain(tb testing.TB) {
	tb.Helper()
	if !mainActive.Load() {
		tb.Fatal("testenv: this package needs func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }")
	}
}

// Postgres returns the URL of a new, empty database (storefront_test_<random hex>)
// that is dropped, with FORCE, in tb.Cleanup. The server is TEST_DATABASE_URL's,
// else 127.0.0.1:5432 (user postgres, trust) if it answers, else a throwaway
// server shared by the whole test binary. The package must use Main.
func Postgres(tb testing.TB) string {
	tb.Helper()
	requireMain(tb)
	sharedPGOnce.Do(func() { sharedPG, sharedPGErr = findPostgres(context.Background(), tb.Logf) })
	if sharedPGErr != nil {
		tb.Fatalf("testenv: no PostgreSQL: %v", sharedPGErr)
	}
	ctx, cancel := opContext()
	defer cancel()
	name, dsn, err := createDatabase(ctx, sharedPG.adminURL)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := opContext()
		defer cancel()
		if err := dropDatabase(ctx, sharedPG.adminURL, name); err != nil {
			tb.Errorf("testenv: %v", err)
		}
	})
	return dsn
}

// Redis returns a redis:// URL and a key prefix unique to the caller
// ("storefront-test:<random hex>:"). Keys with that prefix, and only those, are
// deleted in tb.Cleanup; the server is never flushed. The server is chosen like
// Postgres's: TEST_REDIS_URL, else 127.0.0.1:6379 if it answers PING, else a
// throwaway server shared by the whole test binary. The package must use Main.
func Redis(tb testing.TB) (url, prefix string) {
	tb.Helper()
	requireMain(tb)
	sharedRedisOnce.Do(func() { sharedRedis, sharedRedisErr = findRedis(context.Background(), tb.Logf) })
	if sharedRedisErr != nil {
		tb.Fatalf("testenv: no Redis: %v", sharedRedisErr)
	}
	prefix = newKeyPrefix()
	tb.Cleanup(func() {
		ctx, cancel := opContext()
		defer cancel()
		if err := deleteKeys(ctx, sharedRedis.url, prefix); err != nil {
			tb.Errorf("testenv: delete Redis keys %s*: %v", prefix, err)
		}
	})
	return sharedRedis.url, prefix
}
