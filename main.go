// Command storefront serves the shop. With no configuration it runs on an
// embedded SQLite file with in-memory sessions; with DATABASE_URL and REDIS_URL it
// uses PostgreSQL and Redis. `storefront migrate` only applies migrations.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

func main() {
	ctx, hurry, release := notifyShutdown(os.Interrupt, syscall.SIGTERM)
	defer release()
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
	log := newLogger(os.Stdout, cfg)
	// go-redis reports dial failures through one package-level logger (it has no
	// per-client option); route them into ours so an outage shows up in the
	// structured log, not as stray text. Set here, once per process: it is the
	// only global the app sets, and run (which tests call many times) sets none.
	redis.SetLogger(redisLog{log})
	if err := run(ctx, hurry, cfg, log, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}

// notifyShutdown turns the first of sigs into a cancelled ctx (shut down
// gracefully) and the second into a cancelled hurry (cut the drain short). After
// the second, the signals' default action is back: a third one ends the process
// at once, whatever it is waiting for.
func notifyShutdown(sigs ...os.Signal) (ctx, hurry context.Context, release func()) {
	ctx, cancel := context.WithCancel(context.Background())
	hurry, cancelHurry := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	released := make(chan struct{})
	go func() {
		defer signal.Stop(ch)
		for _, stage := range []context.CancelFunc{cancel, cancelHurry} {
			select {
			case <-ch:
				stage()
			case <-released:
				return
			}
		}
	}()
	var once sync.Once
	return ctx, hurry, func() {
		once.Do(func() { close(released) })
		cancel()
		cancelHurry()
	}
}

// run wires the app from the configuration and serves until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down gracefully; hurry (a second signal) cuts
// the drain short. It is main without the process.
func run(ctx, hurry context.Context, cfg Config, log *slog.Logger, args []string) error {
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
	var sessionStore services.SessionStore = services.NewMemorySessionStore()
	var counter services.Counter = services.NewMemoryCounter()
	if cfg.RedisURL != "" {
		if rdb, err = services.OpenRedis(cfg.RedisURL); err != nil {
			return err
		}
		defer rdb.Close()
		// The session storage shares our client: unlike redis.New it neither pings
		// nor panics when Redis is down at start-up. Concurrent session loads share
		// one MGET on its connection (make bench, scenario c).
		sessionStore = services.NewRedisSessionStore(fiberredis.NewFromConnection(rdb), cfg.RedisPrefix)
		counter = services.RedisCounter{Client: rdb, Prefix: cfg.RedisPrefix}
	}

	// Mail leaves only through the send_email job (services.Jobs.QueueEmail).
	mailer, devOutbox, err := newMailer(cfg, db, log)
	if err != nil {
		return err
	}
	files, err := openFileStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer files.Close()

	images := services.NewImages(0)
	go images.WarmUp()
	productImages := services.NewProductImages(db, images, files)

	hasher, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		return err
	}
	// Every kind of background job this app works. The reset-request and
	// housekeeping workers call services that need the queue themselves (to
	// mail links, to queue receipts): their closures reach the services made
	// just below, before any worker starts.
	var security *services.AccountSecurity
	var buy *buying
	jobWorkers := []services.JobWorker{
		services.SendEmailWorker(mailer),
		services.WorkJob(func(ctx context.Context, req services.PasswordResetRequest) error {
			return security.WorkPasswordResetRequest(ctx, req)
		}),
		services.ExpireHoldWorker(db, log),
		services.HousekeepingWorker(log,
			services.HousekeepingTask{Name: "expired account links", Run: func(ctx context.Context) (int64, error) {
				return security.DeleteExpiredTokens(ctx)
			}},
			services.HousekeepingTask{Name: "old webhook events", Run: func(ctx context.Context) (int64, error) {
				return buy.Orders.DeleteOldWebhookEvents(ctx)
			}},
			services.HousekeepingTask{Name: "unused pictures", Run: func(ctx context.Context) (int64, error) {
				return productImages.DeleteUnusedMedia(ctx, services.UnusedMediaGrace)
			}}),
	}
	jobs, err := services.NewJobs(db, services.JobsConfig{DatabaseURL: cfg.DatabaseURL, Log: log, Workers: jobWorkers,
		Periodic: []services.PeriodicJob{{Every: services.HousekeepingEvery, Args: services.Housekeeping{}}}})
	if err != nil {
		return err
	}
	defer jobs.Close()
	security = services.NewAccountSecurity(db, hasher, jobs, services.AccountSecurityConfig{
		PasswordResetTTL: cfg.PasswordResetTTL,
		Mails:            views.AccountMails{ShopURL: cfg.PublicURL},
	})
	buy, err = newBuying(cfg, db, jobs, log)
	if err != nil {
		return err
	}

	// Pictures: processed at most one per core at a time, stored in the blob
	// store, linked at /media/{key} or on the S3 server.
	mediaURLs, err := services.NewMediaURLs(services.BlobConfig{URL: cfg.BlobURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}

	var schemaReady, draining atomic.Bool
	migrationFailed := make(chan error, 1)

	app, err := handlers.NewApp(handlers.Deps{
		Log:             log,
		Accounts:        services.NewAccounts(db, hasher),
		Catalog:         services.NewCatalog(db),
		Sessions:        services.NewSessions(sessionStore, cfg.SessionIdleTimeout, cfg.SessionMaxLifetime),
		Throttle:        services.NewThrottle(counter, cfg.Throttle),
		Devices:         services.NewDevices(db),
		AccountSecurity: security,
		Health:          services.NewHealth(db, rdb),
		DevOutbox:       devOutbox,
		Carts:           buy.Carts,
		Orders:          buy.Orders,
		Checkout:        buy.Checkout,
		StripePayments:  buy.Stripe,
		DemoPayments:    buy.Demo,
		Stores:          services.NewStores(db),
		ProductImages:   productImages,
		MediaURL:        mediaURLs.URL,
		SchemaReady:     schemaReady.Load,
		Draining:        draining.Load,
		Assets:          assets.Files(),
		Config: handlers.Config{
			CookieSecure:   cfg.CookieSecure,
			TrustedProxies: cfg.TrustedProxies,
			ProxyHeader:    cfg.ProxyHeader,
			RequestTimeout: cfg.RequestTimeout,
			ReadTimeout:    cfg.ReadTimeout,
			WriteTimeout:   cfg.WriteTimeout,
			IdleTimeout:    cfg.IdleTimeout,
			BenchRoutes:    cfg.BenchRoutes,
			PublicURL:      cfg.PublicURL,
			Currency:       cfg.Currency,
		},
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := browserURL(ln.Addr())
	log.Info("storefront listening", "addr", ln.Addr().String(), "url", url, "database", services.DialectName(db),
		"sessions", map[bool]string{true: "redis", false: "memory"}[rdb != nil], "development", cfg.Development)
	go func() {
		prepareDatabase(ctx, log, db, cfg.SeedDemo, &schemaReady, migrationFailed)
		if !schemaReady.Load() {
			return
		}
		// The line to click: pages need the migrated schema, so it comes only now.
		log.Info("storefront ready", "url", url)
		if cfg.Workers {
			startWorkers(ctx, log, jobs, len(jobWorkers))
		}
	}()

	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Listener(ln) }()
	select {
	case err := <-serveErr:
		return err
	case err := <-migrationFailed:
		_ = app.ShutdownWithTimeout(cfg.ShutdownTimeout)
		return err
	case <-ctx.Done():
	}
	draining.Store(true)
	if cfg.ShutdownDrain > 0 {
		// Still serving, but not ready: let load balancers notice before new
		// connections are refused.
		log.Info("shutting down: draining", "for", cfg.ShutdownDrain)
		drained := time.NewTimer(cfg.ShutdownDrain)
		select {
		case <-drained.C:
		case <-hurry.Done():
			drained.Stop()
			log.Info("shutting down: second signal, drain cut short")
		}
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
	workersStopped := stopWorkers(log, jobs, cfg.ShutdownTimeout) // in parallel, same budget
	err = app.ShutdownWithTimeout(cfg.ShutdownTimeout)
	<-workersStopped
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// browserURL is the address to open in a browser for a listener on addr: a
// wildcard address (":3000", "0.0.0.0", "[::]") is reachable as localhost.
func browserURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// prepareDatabase applies migrations (and the demo data), retrying until the
// database answers: a database that is down at start-up makes pages answer 503
// until it is back, instead of stopping the process. A migration whose SQL
// fails is different: it was rolled back, retrying cannot help, and the app must
// not run on that schema, so it is sent on failed and the process stops.
func prepareDatabase(ctx context.Context, log *slog.Logger, db *bun.DB, seedDemo bool, ready *atomic.Bool, failed chan<- error) {
	err := retryUntilDone(ctx, log, "database not ready", func(ctx context.Context) error {
		return migrateAndSeed(ctx, log, db, seedDemo)
	})
	var migrationErr *services.MigrationError
	switch {
	case err == nil:
		ready.Store(true)
	case errors.As(err, &migrationErr):
		log.Error("migration failed; stopping", "migration", migrationErr.Migration, "error", migrationErr.Err.Error())
		failed <- err
	}
}

// retryUntilDone runs step until it succeeds (nil), ctx ends (ctx's error) or
// step fails for good (a *services.MigrationError, returned as it is), waiting
// longer after each other failure (250 ms doubling to 5 s) and logging it as what.
func retryUntilDone(ctx context.Context, log *slog.Logger, what string, step func(context.Context) error) error {
	backoff := 250 * time.Millisecond
	for {
		err := step(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, context.Canceled) {
			return err
		}
		var migrationErr *services.MigrationError
		if errors.As(err, &migrationErr) {
			return err
		}
		log.Warn(what+"; retrying", "error", err, "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
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
	opts := &slog.HandlerOptions{Level: cfg.LogLevel, ReplaceAttr: readableDurations}
	if cfg.Development {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// readableDurations writes durations as "250ms" or "1.5s" in JSON too, where
// slog would write a count of nanoseconds that nobody reads right.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// redisLog adapts slog to go-redis's logger interface.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "message", fmt.Sprintf(format, v...))
}
