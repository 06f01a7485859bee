package testenv

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// hungTimeout is the client timeout used against a paused server; the request
// must fail at about this time rather than hang.
const hungTimeout = 300 * time.Millisecond

func connectPG(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryInt(ctx context.Context, conn *pgx.Conn, sql string) (int, error) {
	var n int
	err := conn.QueryRow(ctx, sql).Scan(&n)
	return n, err
}

func databaseExists(t *testing.T, adminURL, name string) bool {
	t.Helper()
	var exists bool
	err := connectPG(t, adminURL).QueryRow(context.Background(),
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	c, err := newRedisClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// assertFailsFast checks that op, run against a paused server, gives up after
// about hungTimeout instead of hanging or succeeding.
func assertFailsFast(t *testing.T, what string, op func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hungTimeout)
	defer cancel()
	start := time.Now()
	err := op(ctx)
	if err == nil {
		t.Fatalf("%s succeeded against a paused server", what)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("%s took %s to fail", what, elapsed)
	}
}

func hostOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func assertRefused(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections", addr)
	}
}

func TestPostgresCreatesAndDropsDatabase(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("use", func(t *testing.T) {
		conn := connectPG(t, Postgres(t))
		if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^storefront_test_[0-9a-f]{16}$`).MatchString(name) {
			t.Errorf("database name %q", name)
		}
		tables, err := queryInt(context.Background(), conn,
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
		if err != nil || tables != 0 {
			t.Errorf("new database has %d tables (err %v)", tables, err)
		}
		if !databaseExists(t, sharedPG.adminURL, name) {
			t.Fatalf("%s not in pg_database", name)
		}
	})
	if databaseExists(t, sharedPG.adminURL, name) {
		t.Errorf("%s still exists after cleanup", name)
	}
}

func TestRedisCleanupDeletesOnlyPrefixedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var prefix, outside string
	t.Run("use", func(t *testing.T) {
		var url string
		url, prefix = Redis(t)
		if !regexp.MustCompile(`^storefront-test:[0-9a-f]{16}:$`).MatchString(prefix) {
			t.Fatalf("prefix %q", prefix)
		}
		// Shares the prefix's characters but not the prefix, so it must survive.
		// Only this test uses it; it is deleted below and expires anyway.
		outside = strings.TrimSuffix(prefix, ":")
		c := redisClient(t, url)
		for _, key := range []string{prefix + "a", prefix + "b:c", outside} {
			if err := c.Set(ctx, key, "v", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	c := redisClient(t, sharedRedis.url)
	t.Cleanup(func() { c.Del(ctx, outside) })
	if n, err := c.Exists(ctx, prefix+"a", prefix+"b:c").Result(); err != nil || n != 0 {
		t.Errorf("%d prefixed keys left (err %v)", n, err)
	}
	if n, err := c.Exists(ctx, outside).Result(); err != nil || n != 1 {
		t.Errorf("key %q outside the prefix was deleted (err %v)", outside, err)
	}
}

func TestStartPostgresStopStartKeepsData(t *testing.T) {
	t.Parallel()
	srv := StartPostgres(t)
	dsn := srv.CreateDatabase(t)
	ctx := context.Background()
	if _, err := connectPG(t, dsn).Exec(ctx, "CREATE TABLE t (n int); INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}

	srv.Stop(t)
	if _, err := pgx.Connect(ctx, dsn); err == nil {
		t.Fatal("connected to a stopped server")
	}

	// While stopped, another program takes the port: Start must say so.
	l, err := net.Listen("tcp", hostOf(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.srv.start(ctx); !errors.Is(err, errPortInUse) {
		t.Fatalf("start on a taken port: got %v, want errPortInUse", err)
	}
	l.Close()

	srv.Start(t)
	if n, err := queryInt(ctx, connectPG(t, dsn), "SELECT n FROM t"); err != nil || n != 42 {
		t.Fatalf("after restart got %d, %v; want 42", n, err)
	}
}

func TestStartPostgresPauseResume(t *testing.T) {
	t.Parallel()
	srv := StartPostgres(t)
	dsn := srv.CreateDatabase(t)
	conn := connectPG(t, dsn)

	srv.Pause(t)
	// The open connection tests that backends are frozen too, not only the postmaster.
	assertFailsFast(t, "query", func(ctx context.Context) error { _, err := queryInt(ctx, conn, "SELECT 1"); return err })
	assertFailsFast(t, "connect", func(ctx context.Context) error { _, err := pgx.Connect(ctx, dsn); return err })

	srv.Resume(t)
	if n, err := queryInt(context.Background(), connectPG(t, dsn), "SELECT 1"); err != nil || n != 1 {
		t.Fatalf("after resume got %d, %v", n, err)
	}
}

func TestStartRedisStopStartKeepsData(t *testing.T) {
	t.Parallel()
	srv := StartRedis(t)
	if srv.URL() != "redis://"+srv.Addr() {
		t.Errorf("URL %s, Addr %s", srv.URL(), srv.Addr())
	}
	ctx := context.Background()
	if err := redisClient(t, srv.URL()).Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}

	srv.Stop(t)
	assertRefused(t, srv.Addr())

	l, err := net.Listen("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.srv.start(ctx); !errors.Is(err, errPortInUse) {
		t.Fatalf("start on a taken port: got %v, want errPortInUse", err)
	}
	l.Close()

	srv.Start(t)
	if v, err := redisClient(t, srv.URL()).Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("after restart got %q, %v; want v", v, err)
	}
}

func TestStartRedisPauseResume(t *testing.T) {
	t.Parallel()
	srv := StartRedis(t)
	c := redisClient(t, srv.URL())
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}

	srv.Pause(t)
	assertFailsFast(t, "PING", func(ctx context.Context) error { return c.Ping(ctx).Err() })

	srv.Resume(t)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("after resume: %v", err)
	}
}

// The throwaway path is normally taken only when no local server answers, so it
// is forced here.
func TestThrowawayPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := startThrowawayPostgres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.close() })
	name, dsn, err := createDatabase(ctx, b.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	conn := connectPG(t, dsn)
	if n, err := queryInt(ctx, conn, "SELECT 1"); err != nil || n != 1 {
		t.Fatalf("SELECT 1: %d, %v", n, err)
	}
	// FORCE must get rid of the open connection.
	if err := dropDatabase(ctx, b.adminURL, name); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, b.adminURL, name) {
		t.Fatalf("%s not dropped", name)
	}

	if err := b.close(); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, hostOf(t, b.adminURL))
	if _, err := os.Stat(b.own.dir); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", b.own.dir, err)
	}
}

func TestThrowawayRedis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := startThrowawayRedis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.close() })
	c := redisClient(t, b.url)
	prefix := newKeyPrefix()
	for i := range 1200 { // more than one SCAN page and DEL batch
		c.Set(ctx, prefix+strconv.Itoa(i), i, 0)
	}
	c.Set(ctx, "other", 1, 0)
	if err := deleteKeys(ctx, b.url, prefix); err != nil {
		t.Fatal(err)
	}
	if keys, err := c.Keys(ctx, "*").Result(); err != nil || len(keys) != 1 || keys[0] != "other" {
		t.Fatalf("keys after cleanup: %v, %v", keys, err)
	}

	if err := b.close(); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, b.own.addr())
	if _, err := os.Stat(b.own.dir); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", b.own.dir, err)
	}
}

// TEST_DATABASE_URL and TEST_REDIS_URL take precedence, and a broken one is an
// error instead of a silent fallback.
func TestFindHonoursTestURLs(t *testing.T) {
	pg, rd := StartPostgres(t), StartRedis(t)
	ctx := context.Background()

	t.Setenv("TEST_DATABASE_URL", pg.URL("postgres"))
	t.Setenv("TEST_REDIS_URL", rd.URL())
	pgb, err := findPostgres(ctx, t.Logf)
	if err != nil || pgb.adminURL != pg.URL("postgres") || pgb.own != nil {
		t.Errorf("findPostgres = %+v, %v", pgb, err)
	}
	rb, err := findRedis(ctx, t.Logf)
	if err != nil || rb.url != rd.URL() || rb.own != nil {
		t.Errorf("findRedis = %+v, %v", rb, err)
	}

	pg.Stop(t)
	rd.Stop(t)
	if _, err := findPostgres(ctx, t.Logf); err == nil {
		t.Error("findPostgres accepted an unreachable TEST_DATABASE_URL")
	}
	if _, err := findRedis(ctx, t.Logf); err == nil {
		t.Error("findRedis accepted an unreachable TEST_REDIS_URL")
	}
	t.Setenv("TEST_DATABASE_URL", "host=127.0.0.1 user=postgres")
	if _, err := findPostgres(ctx, t.Logf); err == nil {
		t.Error("findPostgres accepted a keyword/value TEST_DATABASE_URL")
	}
}

func TestAcquireAndClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env, err := Acquire(ctx, t.Logf, Extras{})
	if err != nil {
		t.Fatal(err)
	}
	name := env.database
	if n, err := queryInt(ctx, connectPG(t, env.DatabaseURL), "SELECT 1"); err != nil || n != 1 {
		t.Fatalf("SELECT 1: %d, %v", n, err)
	}
	c := redisClient(t, env.RedisURL)
	if err := c.Set(ctx, env.RedisPrefix+"k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}

	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if env.pg.own == nil && databaseExists(t, env.pg.adminURL, name) {
		t.Errorf("%s not dropped", name)
	}
	if env.redis.own == nil {
		if n, err := c.Exists(ctx, env.RedisPrefix+"k").Result(); err != nil || n != 0 {
			t.Errorf("prefixed key left: %d, %v", n, err)
		}
	}
}

func TestStartOnFreePortRetriesTakenPort(t *testing.T) {
	t.Parallel()
	var tried []int
	port, err := startOnFreePort(func(port int) error {
		if tried = append(tried, port); len(tried) == 1 {
			return errPortInUse
		}
		return nil
	})
	if err != nil || len(tried) != 2 || port != tried[1] {
		t.Fatalf("got port %d, %v after trying %v", port, err, tried)
	}
}
