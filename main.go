// Command storefront serves the shop. With no configuration it runs on an
// embedded SQLite file with in-memory sessions; with DATABASE_URL and REDIS_URL it
// uses PostgreSQL and Redis. `storefront migrate` only applies migrations.
package main

import (
	"context"
	"errors"
	"fmt"
	fiberredis "github.com/gofiber/storage/redis/v3"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/services"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}

// run wires the app from the configuration and serves until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down gracefully. It is main without the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stdout, cfg)

	db, err := services.OpenDB(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()

	if len(args) > 0 {
		switch args[0] {
		case "migrate":
			applied, err := services.Migrate(ctx, db)
			if err != nil {
				return err
			}
			log.Info("migrations applied", "count", len(applied), "names", applied)
			return nil
		default:
			return fmt.Errorf("unknown command %q (the only command is migrate)", args[0])
		}
	}

	var rdb *redis.Client
	var sessionKV services.KV = services.NewMemoryKV()
	var counter services.Counter = services.NewMemoryCounter()
	if cfg.RedisURL != "" {
		// go-redis reports dial failures through its own logger; route them into
		// ours so an outage shows up in the structured log, not as stray text.
		redis.SetLogger(redisLog{log})
		if rdb, err = services.OpenRedis(cfg.RedisURL); err != nil {
			return err
		}
		defer rdb.Close()
		// The session storage shares our client: unlike redis.New it neither pings
		// nor panics when Redis is down at start-up. Concurrent session loads share
		// one MGET on its connection (make bench, scenario c).
		sessionKV = services.NewBatchedRedisKV(fiberredis.NewFromConnection(rdb), cfg.RedisPrefix)
		counter = services.RedisCounter{Client: rdb, Prefix: cfg.RedisPrefix}
	}

	// The mail job (issue 9) sends through mailer; nothing sends mail yet.
	mailer, devOutbox, err := newMailer(cfg, db, log)
	if err != nil {
		return err
	}
	_ = mailer
	files, err := openFileStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer files.Close()

	hasher, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		return err
	}
	var schemaReady, draining atomic.Bool
	go prepareDatabase(ctx, log, db, cfg.SeedDemo, &schemaReady)

	app, err := handlers.NewApp(handlers.Deps{
		Log:         log,
		Accounts:    services.NewAccounts(db, hasher),
		Catalog:     services.NewCatalog(db),
		Sessions:    services.NewSessions(sessionKV, cfg.SessionIdleTimeout, cfg.SessionMaxLifetime),
		Throttle:    services.NewThrottle(counter, cfg.Throttle),
		Health:      services.NewHealth(db, rdb),
		DevOutbox:   devOutbox,
		SchemaReady: schemaReady.Load,
		Draining:    draining.Load,
		Assets:      assets.Files(),
		Config: handlers.Config{
			CookieSecure:   cfg.CookieSecure,
			TrustedProxies: cfg.TrustedProxies,
			ProxyHeader:    cfg.ProxyHeader,
			RequestTimeout: cfg.RequestTimeout,
			ReadTimeout:    cfg.ReadTimeout,
			WriteTimeout:   cfg.WriteTimeout,
			IdleTimeout:    cfg.IdleTimeout,
			BenchRoutes:    cfg.BenchRoutes,
		},
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("storefront listening", "addr", ln.Addr().String(), "database", services.DialectName(db),
		"sessions", map[bool]string{true: "redis", false: "memory"}[rdb != nil], "development", cfg.Development)

	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Listener(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	draining.Store(true)
	if cfg.ShutdownDrain > 0 {
		// Still serving, but not ready: let load balancers notice before new
		// connections are refused.
		log.Info("shutting down: draining", "for", cfg.ShutdownDrain)
		time.Sleep(cfg.ShutdownDrain)
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// prepareDatabase applies migrations (and the demo data), retrying until the
// database answers: a database that is down at start-up makes pages answer 503
// until it is back, instead of stopping the process.
func prepareDatabase(ctx context.Context, log *slog.Logger, db *bun.DB, seedDemo bool, ready *atomic.Bool) {
	backoff := 250 * time.Millisecond
	for {
		err := migrateAndSeed(ctx, log, db, seedDemo)
		if err == nil {
			ready.Store(true)
			return
		}
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return
		}
		log.Warn("database not ready; retrying", "error", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func migrateAndSeed(ctx context.Context, log *slog.Logger, db *bun.DB, seedDemo bool) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	applied, err := services.Migrate(ctx, db)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "names", applied)
	}
	if seedDemo {
		n, err := services.SeedDemo(ctx, db)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("demo products added", "count", n)
		}
	}
	return nil
}

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.Development {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// redisLog adapts slog to go-redis's logger interface.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "message", fmt.Sprintf(format, v...))
}
