package services

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services/migrations"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// Databases (tests only) returns each supported database, migrated and empty: a fresh
// PostgreSQL database and a SQLite file (the embedded default).
func Databases(tb testing.TB) map[string]*bun.DB {
	tb.Helper()
	return withoutURLs(DatabasesWithURLs(tb))
}

// UnmigratedDatabases (tests only) returns each supported database with no
// schema at all, for testing migrations.
func UnmigratedDatabases(tb testing.TB) map[string]*bun.DB {
	tb.Helper()
	return withoutURLs(unmigratedDatabasesWithURLs(tb))
}

// DatabaseWithURL is a test database and the DATABASE_URL it was opened from.
type DatabaseWithURL struct {
	DB  *bun.DB
	URL string
}

// DatabasesWithURLs (tests only) is Databases with each database's URL, for
// services that open connections of their own (Jobs on PostgreSQL).
func DatabasesWithURLs(tb testing.TB) map[string]DatabaseWithURL {
	tb.Helper()
	dbs := unmigratedDatabasesWithURLs(tb)
	for name, d := range dbs {
		if _, err := Migrate(context.Background(), d.DB); err != nil {
			tb.Fatalf("%s: migrate: %v", name, err)
		}
	}
	return dbs
}

func unmigratedDatabasesWithURLs(tb testing.TB) map[string]DatabaseWithURL {
	tb.Helper()
	dbs := map[string]DatabaseWithURL{}
	for name, dsn := range map[string]string{
		"postgres": testenv.Postgres(tb),
		"sqlite":   filepath.Join(tb.TempDir(), "test.db"),
	} {
		db, err := OpenDB(dsn)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		dbs[name] = DatabaseWithURL{DB: db, URL: dsn}
	}
	return dbs
}

func withoutURLs(dbs map[string]DatabaseWithURL) map[string]*bun.DB {
	out := make(map[string]*bun.DB, len(dbs))
	for name, d := range dbs {
		out[name] = d.DB
	}
	return out
}

// MigrateTo (tests only) applies the given migrations, such as the shop's and
// one that fails.
func MigrateTo(ctx context.Context, db *bun.DB, list []migrations.Migration) ([]string, error) {
	return migrateTo(ctx, db, list)
}

// SessionStores (tests only) returns a Redis store under a fresh prefix and an
// in-memory one, for tests that hold both to the same contract.
func SessionStores(tb testing.TB) map[string]SessionStore {
	tb.Helper()
	url, prefix := testenv.Redis(tb)
	rdb, err := OpenRedis(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	return map[string]SessionStore{
		"redis":  NewRedisSessionStore(fiberredis.NewFromConnection(rdb), prefix),
		"memory": NewMemorySessionStore(),
	}
}

// FastHasher is argon2id with tiny parameters: the format and code path are the
// production ones, the cost is not (tests hash hundreds of passwords).
func FastHasher(tb testing.TB) *PasswordHasher {
	tb.Helper()
	h, err := NewPasswordHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
