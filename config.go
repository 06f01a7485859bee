package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/storefront/storefront/services"
)

// Config is everything the app reads from the environment.
type Config struct {
	Addr        string
	DatabaseURL string // empty: embedded SQLite file
	RedisURL    string // empty: in-memory sessions
	RedisPrefix string
	Development bool
	// CookieSecure sets Secure (and the __Host- prefix) on cookies.
	CookieSecure       bool
	SessionIdleTimeout time.Duration
	SessionMaxLifetime time.Duration
	Throttle           services.ThrottleRules
	TrustedProxies     []string
	ProxyHeader        string
	SeedDemo           bool
	BenchRoutes        bool
	LogLevel           slog.Level
	ShutdownTimeout    time.Duration
	// ShutdownDrain is how long the app keeps serving after SIGTERM with /readyz
	// answering 503, before it closes its listener (0: close at once). Behind a load
	// balancer set it to the readiness probe's period, so no new request is refused.
	ShutdownDrain time.Duration
	// RequestTimeout bounds the PostgreSQL and Redis work of one request, so a hung
	// dependency turns into a 503 within two seconds. 1.5 s by default: Redis calls
	// have their own ~0.5 s socket timeouts, but a hung PostgreSQL is cut off only
	// by this deadline; a page's queries take milliseconds, and logins that would
	// queue longer than this for an argon2 slot are shed with 503 + Retry-After.
	RequestTimeout time.Duration
	// ReadTimeout, WriteTimeout and IdleTimeout cut off slow or idle clients.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// Workers runs background jobs in this instance; false serves web only (the
	// jobs it enqueues wait in the database for an instance with workers).
	Workers bool
}

// loadConfig reads the configuration through getenv (os.Getenv in production, a
// map in tests) and refuses values it cannot use rather than guess.
func loadConfig(getenv func(string) string) (Config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	var errs []string
	boolean := func(key string, def bool) bool {
		v := env(key, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not true or false", key, v))
		}
		return b
	}
	duration := func(key string, def time.Duration) time.Duration {
		v := env(key, def.String())
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a positive duration like 30m", key, v))
		}
		return d
	}
	rule := func(key string, def services.ThrottleRule) services.ThrottleRule {
		v := env(key, "")
		if v == "" {
			return def
		}
		count, window, ok := strings.Cut(v, "/")
		n, err1 := strconv.ParseInt(count, 10, 64)
		d, err2 := time.ParseDuration(window)
		if !ok || err1 != nil || err2 != nil || n < 1 || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a limit like 10/3m", key, v))
			return def
		}
		return services.ThrottleRule{Limit: n, Window: d}
	}

	cfg := Config{
		DatabaseURL: env("DATABASE_URL", ""),
		RedisURL:    env("REDIS_URL", ""),
		RedisPrefix: env("REDIS_PREFIX", "storefront:"),
		ProxyHeader: env("PROXY_HEADER", "X-Real-IP"),
	}
	cfg.Addr = env("ADDR", "")
	if cfg.Addr == "" {
		cfg.Addr = ":" + env("PORT", "3000")
	}
	// Without a DATABASE_URL the app is someone trying it on their own machine.
	switch appEnv := env("APP_ENV", map[bool]string{true: "development", false: "production"}[cfg.DatabaseURL == ""]); appEnv {
	case "development":
		cfg.Development = true
	case "production":
	default:
		errs = append(errs, fmt.Sprintf("APP_ENV=%q is not development or production", appEnv))
	}
	cfg.CookieSecure = boolean("COOKIE_SECURE", !cfg.Development)
	cfg.SeedDemo = boolean("SEED_DEMO", cfg.DatabaseURL == "")
	cfg.BenchRoutes = boolean("BENCH_ROUTES", false)
	cfg.Workers = boolean("WORKERS", true)
	cfg.SessionIdleTimeout = duration("SESSION_IDLE_TIMEOUT", 30*time.Minute)
	cfg.SessionMaxLifetime = duration("SESSION_MAX_LIFETIME", 12*time.Hour)
	cfg.ShutdownTimeout = duration("SHUTDOWN_TIMEOUT", 10*time.Second)
	cfg.RequestTimeout = duration("REQUEST_TIMEOUT", 1500*time.Millisecond)
	if v := env("SHUTDOWN_DRAIN", "0s"); v != "0s" && v != "0" {
		cfg.ShutdownDrain = duration("SHUTDOWN_DRAIN", 0)
	}
	cfg.ReadTimeout = duration("READ_TIMEOUT", 10*time.Second)
	cfg.WriteTimeout = duration("WRITE_TIMEOUT", 15*time.Second)
	cfg.IdleTimeout = duration("IDLE_TIMEOUT", 60*time.Second)
	cfg.Throttle = services.ThrottleRules{
		LoginPerIP:      rule("LOGIN_IP_LIMIT", services.DefaultThrottleRules.LoginPerIP),
		LoginPerAccount: rule("LOGIN_ACCOUNT_LIMIT", services.DefaultThrottleRules.LoginPerAccount),
		SignupPerIP:     rule("SIGNUP_IP_LIMIT", services.DefaultThrottleRules.SignupPerIP),
	}
	for _, p := range strings.Split(env("TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Sprintf("LOG_LEVEL: %v", err))
	}
	if cfg.RedisURL != "" && !strings.HasPrefix(cfg.RedisURL, "redis://") && !strings.HasPrefix(cfg.RedisURL, "rediss://") {
		errs = append(errs, "REDIS_URL must start with redis:// or rediss://")
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return cfg, nil
}
